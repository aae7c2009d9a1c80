#!/usr/bin/env node
// Bundles the launcher (dist/src/cli/main.js, as tsc compiled it, and everything it imports) into one
// module, dist/src/cli/main.bundle.mjs, which armvirt.js loads: Node resolves and reads one file instead of
// a hundred, which is most of what armvirt's start-up costs before the guest runs. ajv stays outside (it
// loads only to explain a problem in a config). devices/index.js, which finds the device modules at run
// time, is bundled as static imports of the modules it would find. Run after tsc (the npm scripts do).
import { build } from 'esbuild';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const cli = join(dist, 'src', 'cli');
const { DEVICES_DIR, deviceModules } = await import(pathToFileURL(join(dist, 'devices', 'device-modules.js')).href);

/** devices/index.js as the list it would load. */
const deviceIndex = {
  name: 'device-index',
  setup(build) {
    build.onLoad({ filter: /[\\/]devices[\\/]index\.js$/ }, () => ({
      contents: deviceModules()
        .map((module) => `import './${relative(DEVICES_DIR, module)}';`)
        .join('\n'),
      resolveDir: DEVICES_DIR,
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: [join(cli, 'main.js')],
  outfile: join(cli, 'main.bundle.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['ajv', 'ajv/*'],
  plugins: [deviceIndex],
  logLevel: 'warning',
});
