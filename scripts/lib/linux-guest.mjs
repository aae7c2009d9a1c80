// The Linux guest: Debian bookworm's arm64 kernel package and busybox-static, pinned, fetched with the
// private apt (debian-archive.mjs) and unpacked once into the download cache: the raw Image, the package's
// /boot files, the chosen modules with their dependencies, busybox. The initramfs is built from them
// (initramfs.mjs).
//
// The pins name versions the archive keeps today. Debian's main archive drops a kernel ABI one or two point
// releases after a newer one arrives; then the fetch fails with apt's message naming the version, and the
// pin (release, kernel version) is raised here. A machine that fetched it before keeps its cached copy.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { downloadCache, fetchDebianPackages, unpackDebs } from './debian-archive.mjs';
import { moduleClosure } from './kernel-modules.mjs';

export const LINUX_GUEST = {
  suite: 'bookworm',
  architecture: 'arm64',
  release: '6.1.0-50-arm64',
  kernel: { name: 'linux-image-6.1.0-50-arm64', version: '6.1.176-1' },
  busybox: { name: 'busybox-static', version: '1:1.35.0-4+deb12u1+b1' },
  /** Modules the initramfs carries (the kernel's names): drivers of passed-through and added devices, virt's power button's. */
  modules: ['sp805_wdt', 'amd_xgbe', 'gpio_keys', 'evdev'],
};

/** What provideLinuxGuest unpacked: absolute paths in the cache. */
export function linuxGuestPaths(cache = downloadCache()) {
  const { release, kernel, busybox } = LINUX_GUEST;
  const dir = join(cache, 'linux', `${release}_${kernel.version}`);
  return {
    dir,
    image: join(dir, 'boot', `vmlinuz-${release}`),
    /** The package's System.map: a one-line stub (Debian ships the real one in the -dbg package). */
    systemMap: join(dir, 'boot', `System.map-${release}`),
    kernelConfig: join(dir, 'boot', `config-${release}`),
    modulesDir: join(dir, 'lib', 'modules', release),
    busybox: join(dir, 'bin', 'busybox'),
    stamp: join(dir, '.armvirt-guest'),
    stampText: `${kernel.name}=${kernel.version} ${busybox.name}=${busybox.version} modules=${LINUX_GUEST.modules.join(',')}\n`,
  };
}

/** Makes sure the guest's kernel, modules and busybox are in the cache; returns linuxGuestPaths(). */
export function provideLinuxGuest({ fail, say }) {
  const paths = linuxGuestPaths();
  if (existsSync(paths.stamp) && readFileSync(paths.stamp, 'utf8') === paths.stampText) return paths;
  const { suite, architecture, kernel, busybox, release } = LINUX_GUEST;
  const hint = 'A Debian point release drops older kernels from the archive: raise the pin in scripts/lib/linux-guest.mjs.';
  const debs = fetchDebianPackages({ suite, architecture, packages: [kernel, busybox], fail: (message) => fail(`${message}\n${hint}`), say });
  say(`unpacking Linux ${release} (${kernel.version}) and busybox into ${paths.dir}`);
  const unpacked = `${paths.dir}.unpacked`;
  unpackDebs(debs, unpacked, fail);
  const scratch = `${paths.dir}.partial-${process.pid}`;
  try {
    rmSync(scratch, { recursive: true, force: true });
    const from = join(unpacked, 'lib', 'modules', release);
    const to = join(scratch, 'lib', 'modules', release);
    let closure;
    try {
      closure = moduleClosure(from, LINUX_GUEST.modules);
    } catch (error) {
      fail(`${kernel.name} ${kernel.version}: ${error.message}`);
    }
    const copies = [
      ...['vmlinuz', 'System.map', 'config'].map((f) => join('boot', `${f}-${release}`)),
      join('bin', 'busybox'),
      ...['modules.order', 'modules.builtin', ...closure.files].map((f) => join('lib', 'modules', release, f)),
    ];
    for (const file of copies) {
      if (!existsSync(join(unpacked, file))) fail(`${kernel.name} or ${busybox.name} has no ${file}`);
      mkdirSync(dirname(join(scratch, file)), { recursive: true });
      copyFileSync(join(unpacked, file), join(scratch, file));
    }
    writeFileSync(join(to, 'modules.dep'), closure.modulesDep);
    writeFileSync(join(scratch, '.armvirt-guest'), paths.stampText);
    rmSync(paths.dir, { recursive: true, force: true });
    renameSync(scratch, paths.dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(unpacked, { recursive: true, force: true });
  }
  return paths;
}
