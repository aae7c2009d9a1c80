#!/usr/bin/env node
// Brings a fresh Debian machine up to what armvirt needs, each step skipped when already done:
// Debian packages (installed when root, else the one apt-get line is printed), Unicorn >= 2.1 (the
// system's, or Debian trixie's fetched into .deps/: scripts/lib/unicorn.mjs), `npm ci`, the native addon
// (node-gyp), the guest firmware (make) and the Linux guest (Debian's kernel and busybox fetched into the
// download cache, the initramfs built into dist/linux: scripts/lib/initramfs.mjs). Runs before
// `npm start`, `npm test` and `npm run bench`.
// Uses only Node built-ins: it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSchemaValidators } from './lib/schema-validators.mjs';
import { provideUnicorn, UNICORN_RECORD } from './lib/unicorn.mjs';
import { provideLinuxBootFiles } from './lib/initramfs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');

/**
 * Debian packages: dtc (tests check every DTB), the guest cross toolchain, qemu for comparisons, gdb-multiarch
 * (the debugger the gdbstub tests drive), the addon's build, clang-format (`npm run lint` checks native/ and
 * firmware/ with it).
 */
const DEBIAN_PACKAGES = [
  'device-tree-compiler',
  'binutils-aarch64-linux-gnu',
  'gcc-aarch64-linux-gnu',
  'qemu-system-arm',
  'gdb-multiarch',
  'make',
  'g++',
  'python3',
  'clang-format',
];

function say(msg) {
  if (!quiet) process.stderr.write(`[setup] ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`[setup] ${msg}\n`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) fail(`'${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal})`);
}

function missingDebianPackages() {
  return DEBIAN_PACKAGES.filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function ensureDebianPackages() {
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    fail(`missing Debian packages: ${missing.join(', ')}\nRun as root:\n  sudo apt-get update && sudo ${line}`);
  }
  say(`installing ${missing.join(' ')}`);
  run('apt-get', ['update', '-qq'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run('apt-get', line.split(' ').slice(1), { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

/** Newest modification time of the files below `dir` (recursively). */
function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function ensureNodeModules() {
  const stamp = join(root, 'node_modules', '.package-lock.json');
  if (mtime(stamp) >= mtime(join(root, 'package-lock.json'))) return;
  say('npm ci');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

function nodeGypCommand() {
  if (process.env.npm_config_node_gyp) return [process.execPath, process.env.npm_config_node_gyp];
  const npmDir = dirname(
    dirname(
      execFileSync(process.execPath, ['-e', 'console.log(require.resolve("npm/package.json"))'], {
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: '/usr/lib/node_modules:/usr/local/lib/node_modules' },
      }).trim(),
    ),
  );
  return [process.execPath, join(npmDir, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
}

function ensureNativeAddon() {
  const nativeDir = join(root, 'native');
  const built = mtime(join(nativeDir, 'build', 'Release', 'armvirt.node'));
  const sources = Math.max(newestIn(join(nativeDir, 'src')), mtime(join(nativeDir, 'binding.gyp')), mtime(UNICORN_RECORD));
  if (built >= sources) return;
  say('building the native addon');
  const [node, gyp] = nodeGypCommand();
  // Node's headers ship with Debian/NodeSource Node in /usr/include/node: no download needed.
  const nodedir = existsSync('/usr/include/node/node_api.h') ? ['--nodedir=/usr'] : [];
  run(node, [gyp, 'rebuild', ...nodedir, '--loglevel=warn'], { cwd: nativeDir });
}

function ensureFirmware() {
  run('make', ['-s', '-C', 'firmware']);
}

ensureDebianPackages();
provideUnicorn({ fail, say });
ensureNodeModules();
await ensureSchemaValidators(root, say);
ensureNativeAddon();
ensureFirmware();
provideLinuxBootFiles({ root, fail, say });
