// Golden files: generated text compared with a committed copy. A mismatch shows the difference and the
// one command that regenerates the files; the regeneration lands in its own commit with that difference
// in the message (README, "Golden files"), as QEMU does for its ACPI tables.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GOLDEN_DIR = fileURLToPath(new URL('../../../test/golden/', import.meta.url));
export const UPDATE_COMMAND = 'npm run update-golden';
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** `diff -u` of two texts, labelled expected (the golden file) and actual. */
function unifiedDiff(expected: string, actual: string, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'armvirt-golden-'));
  try {
    writeFileSync(join(dir, 'expected'), expected);
    writeFileSync(join(dir, 'actual'), actual);
    const r = spawnSync('diff', ['-u', '--label', `${name} (golden)`, '--label', `${name} (generated)`, join(dir, 'expected'), join(dir, 'actual')], {
      encoding: 'utf8',
    });
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface GoldenOptions {
  dir?: string;
  /** Rewrite instead of compare: what the update command (UPDATE_GOLDEN=1) does. */
  update?: boolean;
}

/** Checks `actual` against golden file `name`; with UPDATE_GOLDEN=1 (the update command) rewrites it. */
export function matchGolden(name: string, actual: string, options: GoldenOptions = {}): void {
  const { dir: goldenDir = GOLDEN_DIR, update = process.env.UPDATE_GOLDEN === '1' } = options;
  const path = join(goldenDir, name);
  if (update) {
    writeFileSync(path, actual);
    return;
  }
  const where = relative(repoRoot, path);
  if (!existsSync(path)) throw new Error(`golden file ${where} does not exist: run '${UPDATE_COMMAND}' to create it, then commit it on its own`);
  const expected = readFileSync(path, 'utf8');
  if (expected === actual) return;
  throw new Error(
    `${where} differs from what the code generates:\n${unifiedDiff(expected, actual, where)}\n` +
      `If the change is intended, run '${UPDATE_COMMAND}' and commit the golden files on their own, ` +
      'with this diff in the commit message (README, "Golden files").',
  );
}
