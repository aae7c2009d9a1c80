#!/usr/bin/env node
// `npm test` after the build: mocha on every test, or on the files named (`npm test -- test/devices/pl031.test.ts`,
// as source or as built `dist/...js`), with any mocha flag passed on (`--grep`). The spec list lives here and
// not in .mocharc.json, where mocha would add it to the files named and run everything.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALL_TESTS = 'dist/test/**/*.test.js';

/** A test named by its source (`test/x.test.ts`) runs from its build (`dist/test/x.test.js`). */
function built(arg) {
  if (!/\.(ts|js)$/.test(arg) || arg.startsWith('-')) return arg;
  const path = arg.endsWith('.ts') ? join('dist', arg.replace(/\.ts$/, '.js')) : arg;
  if (!existsSync(join(root, path))) {
    process.stderr.write(`npm test: no test ${arg} (looked for ${path}; test files are test/**/*.test.ts)\n`);
    process.exit(2);
  }
  return path;
}

/**
 * Removes built tests whose source is gone (moved or deleted): tsc leaves them in dist/, where the spec glob
 * would still run them against modules that no longer exist.
 */
function removeOrphanTests(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removeOrphanTests(path);
    else if (entry.name.endsWith('.test.js') && !existsSync(join(root, relative(join(root, 'dist'), path)).replace(/\.js$/, '.ts'))) rmSync(path);
  }
}

removeOrphanTests(join(root, 'dist', 'test'));
const args = process.argv.slice(2).map(built);
const named = args.some((arg) => arg.endsWith('.test.js'));
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const run = spawnSync(process.execPath, [mocha, ...(named ? [] : [ALL_TESTS]), ...args], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
