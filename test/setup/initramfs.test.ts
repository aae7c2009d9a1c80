import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const scripts = fileURLToPath(new URL('../../../scripts/lib/', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));

interface GuestPaths {
  busybox: string;
  modulesDir: string;
  image: string;
}
const { buildInitramfs } = (await import(join(scripts, 'initramfs.mjs'))) as { buildInitramfs: (o: object) => Uint8Array };
const { newcArchive } = (await import(join(scripts, 'cpio.mjs'))) as { newcArchive: (entries: object[]) => Uint8Array };
const { moduleClosure, modinfo } = (await import(join(scripts, 'kernel-modules.mjs'))) as {
  moduleClosure: (dir: string, names: string[]) => { files: string[]; modulesDep: string };
  modinfo: (bytes: Uint8Array, what: string) => Map<string, string>;
};
const { LINUX_GUEST, linuxGuestPaths } = (await import(join(scripts, 'linux-guest.mjs'))) as {
  LINUX_GUEST: { release: string };
  linuxGuestPaths: () => GuestPaths;
};

interface Entry {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  rdev: [number, number];
  data: Buffer;
}

/** A newc reader written from the format's description, independent of the writer. */
function readNewc(bytes: Uint8Array): { entries: Entry[]; end: number } {
  const buf = Buffer.from(bytes);
  const entries: Entry[] = [];
  let at = 0;
  const align = (n: number) => (n + 3) & ~3;
  for (;;) {
    expect(buf.toString('latin1', at, at + 6)).to.equal('070701');
    const field = (i: number) => parseInt(buf.toString('latin1', at + 6 + i * 8, at + 14 + i * 8), 16);
    const nameSize = field(11);
    const size = field(6);
    const name = buf.toString('utf8', at + 110, at + 110 + nameSize - 1);
    const dataAt = align(at + 110 + nameSize);
    if (name === 'TRAILER!!!') return { entries, end: align(dataAt + size) };
    entries.push({
      name,
      mode: field(1),
      uid: field(2),
      gid: field(3),
      mtime: field(5),
      rdev: [field(9), field(10)],
      data: buf.subarray(dataAt, dataAt + size),
    });
    at = align(dataAt + size);
  }
}

function build(rootfsDir = join(repo, 'firmware', 'linux', 'rootfs')): Uint8Array {
  return buildInitramfs({ guest: linuxGuestPaths(), release: LINUX_GUEST.release, rootfsDir, programsDir: join(repo, 'firmware', 'build', 'linux') });
}

describe('the Linux guest initramfs (scripts/lib/initramfs.mjs)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'armvirt-initramfs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is the same bytes every time, whatever the input files’ times, and the one the set-up wrote', () => {
    const first = build();
    const copy = join(dir, 'rootfs');
    cpSync(join(repo, 'firmware', 'linux', 'rootfs'), copy, { recursive: true });
    for (const name of readdirSync(copy, { recursive: true }) as string[]) utimesSync(join(copy, name), 1234567, 7654321);
    expect(Buffer.from(build(copy)).equals(Buffer.from(first))).to.equal(true);
    expect(Buffer.from(readFileSync(join(repo, 'dist', 'linux', 'initramfs.cpio'))).equals(Buffer.from(first))).to.equal(true);
  });

  it('holds busybox as /init, a console node, the guest program and the modules with a modules.dep, all owned by root at time 0', () => {
    const bytes = build();
    const { entries, end } = readNewc(bytes);
    expect(bytes.length % (1 << 20)).to.equal(0);
    expect(bytes.subarray(end).every((b) => b === 0)).to.equal(true);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(entries.every((e) => e.uid === 0 && e.gid === 0 && e.mtime === 0)).to.equal(true);
    expect(entries.map((e) => e.name)).to.deep.equal([...entries.map((e) => e.name)].sort());
    expect(byName.get('init')!.mode).to.equal(0o120777);
    expect(byName.get('init')!.data.toString()).to.equal('bin/busybox');
    expect(byName.get('dev/console')).to.include({ mode: 0o20600 }).and.have.deep.property('rdev', [5, 1]);
    expect(byName.get('bin/armvirt-bench')!.mode).to.equal(0o100755);
    expect(byName.get('etc/init.d/rcS')!.mode).to.equal(0o100755);
    expect(byName.get('etc/inittab')!.mode).to.equal(0o100644);
    expect(byName.get('tmp')!.mode).to.equal(0o41777);
    const modules = `lib/modules/${LINUX_GUEST.release}/`;
    const dep = byName.get(`${modules}modules.dep`)!.data.toString();
    expect(dep).to.match(/^kernel\/drivers\/net\/ethernet\/amd\/xgbe\/amd-xgbe\.ko: .*kernel\/drivers\/net\/phy\/libphy\.ko$/m);
    expect(dep).to.match(/^kernel\/drivers\/watchdog\/sp805_wdt\.ko:$/m);
    for (const line of dep.trim().split('\n')) {
      for (const path of line.replace(':', '').split(' ')) expect(byName.has(modules + path), path).to.equal(true);
    }
  });

  it("follows the modules' own dependencies (.modinfo), as depmod does", () => {
    const releaseDir = linuxGuestPaths().modulesDir;
    const info = modinfo(readFileSync(join(releaseDir, 'kernel/drivers/net/ethernet/amd/xgbe/amd-xgbe.ko')), 'amd-xgbe.ko');
    expect(info.get('vermagic')).to.match(new RegExp(`^${LINUX_GUEST.release} SMP`));
    const { files } = moduleClosure(releaseDir, ['amd_xgbe']);
    expect(files.at(-1)).to.equal('kernel/drivers/net/ethernet/amd/xgbe/amd-xgbe.ko');
    expect(files[0]).to.equal('kernel/drivers/net/phy/libphy.ko');
    for (const need of info.get('depends')!.split(',')) expect(files.some((f) => f.includes(`/${need}.ko`))).to.equal(true);
    expect(() => moduleClosure(releaseDir, ['no_such_driver'])).to.throw(`kernel module 'no_such_driver' is not in ${join(releaseDir, 'modules.order')}`);
  });

  it('refuses an archive with a path twice or an absolute path', () => {
    const file = (path: string) => ({ path, type: 'file', mode: 0o644, data: new Uint8Array(1) });
    expect(() => newcArchive([file('a'), file('a')])).to.throw("cpio: 'a' is in the archive twice");
    expect(() => newcArchive([file('/etc/x')])).to.throw("cpio: path '/etc/x' must be relative");
  });
});
