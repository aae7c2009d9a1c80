// The Linux guest's initramfs: busybox (as /init, with busybox init reading /etc/inittab), the files of
// firmware/linux/rootfs, the static programs of firmware/build/linux, and the cached kernel modules. Built
// as a newc cpio (cpio.mjs) with fixed owners and times: the same inputs give the same bytes, with no root.
// Uncompressed: the kernel copies it in a blink, where inflating it would cost an emulated second.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { newcArchive } from './cpio.mjs';
import { LINUX_GUEST, provideLinuxGuest } from './linux-guest.mjs';

const DIRECTORIES = ['bin', 'dev', 'etc', 'lib', 'mnt', 'proc', 'root', 'sbin', 'sys', 'tmp', 'usr', 'usr/bin', 'usr/sbin'];
const CONSOLE = { major: 5, minor: 1 };
const SIZE_STEP = 1 << 20;

/** Files below `dir` (recursively) as archive entries under `prefix`; a file is 0755 if executable, else 0644. */
function tree(dir, prefix) {
  const entries = [];
  const walk = (path) => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      const archivePath = join(prefix, relative(dir, full));
      const stat = lstatSync(full);
      if (stat.isDirectory()) {
        entries.push({ path: archivePath, type: 'dir', mode: 0o755 });
        walk(full);
      } else if (stat.isFile()) {
        entries.push({ path: archivePath, type: 'file', mode: stat.mode & 0o111 ? 0o755 : 0o644, data: readFileSync(full) });
      } else {
        throw new Error(`initramfs: ${full} is neither a file nor a folder`);
      }
    }
  };
  walk(dir);
  return entries;
}

/**
 * The initramfs bytes. `guest` is linuxGuestPaths() (busybox, modulesDir), `release` the kernel's,
 * `rootfsDir` the files copied as they are, `programsDir` the static programs installed in /bin.
 */
export function buildInitramfs({ guest, release, rootfsDir, programsDir }) {
  for (const [what, path] of [
    ['busybox', guest.busybox],
    ['the modules', guest.modulesDir],
    ['the rootfs files', rootfsDir],
    ['the guest programs', programsDir],
  ]) {
    if (!existsSync(path)) throw new Error(`initramfs: ${what} missing: ${path}`);
  }
  const entries = [
    ...DIRECTORIES.map((path) => ({ path, type: 'dir', mode: path === 'tmp' ? 0o1777 : 0o755 })),
    { path: 'dev/console', type: 'char', mode: 0o600, ...CONSOLE },
    { path: 'bin/busybox', type: 'file', mode: 0o755, data: readFileSync(guest.busybox) },
    { path: 'bin/sh', type: 'symlink', mode: 0o777, target: 'busybox' },
    { path: 'init', type: 'symlink', mode: 0o777, target: 'bin/busybox' },
    { path: 'lib/modules', type: 'dir', mode: 0o755 },
    ...tree(guest.modulesDir, join('lib', 'modules', release)).map((e) => (e.type === 'file' ? { ...e, mode: 0o644 } : e)),
    { path: join('lib', 'modules', release), type: 'dir', mode: 0o755 },
    ...tree(programsDir, 'bin'),
  ];
  // The rootfs files may add folders the list above has: the tree's own entry for it is left out.
  const known = new Set(entries.map((e) => e.path));
  entries.push(...tree(rootfsDir, '').filter((e) => !(e.type === 'dir' && known.has(e.path))));
  // Zeros after the trailer, which the kernel skips, round the size up: an edit of a script leaves the
  // initrd's end address in the guest's /chosen (and the shipped config's golden tree) as it was.
  const archive = newcArchive(entries);
  const padded = new Uint8Array(Math.ceil(archive.length / SIZE_STEP) * SIZE_STEP);
  padded.set(archive);
  return padded;
}

/**
 * The files machines/linux.json boots, in `root`/dist/linux: Image (a link to the cached kernel) and
 * initramfs.cpio (rewritten only when its bytes change). Fetches and unpacks the guest first if needed.
 */
export function provideLinuxBootFiles({ root, fail, say }) {
  const guest = provideLinuxGuest({ fail, say });
  const out = join(root, 'dist', 'linux');
  mkdirSync(out, { recursive: true });
  const image = join(out, 'Image');
  if (!existsSync(image) || readlinkOrNull(image) !== guest.image) {
    rmSync(image, { force: true });
    symlinkSync(guest.image, image);
  }
  let bytes;
  try {
    bytes = buildInitramfs({
      guest,
      release: LINUX_GUEST.release,
      rootfsDir: join(root, 'firmware', 'linux', 'rootfs'),
      programsDir: join(root, 'firmware', 'build', 'linux'),
    });
  } catch (error) {
    fail(error.message);
  }
  const initramfs = join(out, 'initramfs.cpio');
  if (!existsSync(initramfs) || !Buffer.from(bytes).equals(readFileSync(initramfs))) {
    say(`writing ${initramfs}`);
    writeFileSync(`${initramfs}.tmp`, bytes);
    renameSync(`${initramfs}.tmp`, initramfs);
  }
  return { image, initramfs };
}

function readlinkOrNull(path) {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}
