#!/usr/bin/env node
// Bundles the launcher (dist/src/cli/main.js, as tsc compiled it, and everything it imports) into one
// module, dist/src/cli/main.bundle.mjs, which armvirt.js loads: Node resolves and reads one file instead of
// a hundred, which is most of what armvirt's start-up costs before the guest runs. ajv stays outside (it
// loads only to explain a problem in a config). Run after tsc (the npm scripts do).
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'cli');
await build({
  entryPoints: [join(dist, 'main.js')],
  outfile: join(dist, 'main.bundle.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['ajv', 'ajv/*'],
  logLevel: 'warning',
});
