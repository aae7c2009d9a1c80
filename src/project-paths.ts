// Where armvirt's own files are (firmware, machine configs, the native addon, schemas): found from this
// module's location by walking up to armvirt's package.json, so that the same code works from dist/'s
// module tree and from the launcher's bundle (scripts/bundle.mjs), which sit at different depths.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'armvirt') return dir;
    if (dirname(dir) === dir) throw new Error(`armvirt's package.json is not above ${start}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the project: projectPath('machines', 'virt-demo.json'). */
export function projectPath(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}
