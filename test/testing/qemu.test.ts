import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firmwarePath } from '../../src/firmware-path.js';
import { QEMU_BINARY, qemuVirtArgs } from '../../src/testing/qemu.js';

/**
 * Runs QEMU where its data directory (/usr/share/qemu, where option ROMs are looked up) holds nothing, as on a
 * machine without ipxe-qemu: a private user and mount namespace with an empty folder bound over it.
 */
function qemuWithoutRoms(args: string[]) {
  const empty = mkdtempSync(join(tmpdir(), 'armvirt-no-roms-'));
  try {
    const script = 'mount --bind "$0" /usr/share/qemu && exec "$@"';
    return spawnSync('unshare', ['--map-root-user', '--mount', 'sh', '-c', script, empty, QEMU_BINARY, ...args], { encoding: 'utf8', timeout: 20_000 });
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

describe('running the QEMU oracle (src/testing/qemu.ts)', function () {
  this.timeout(30_000);
  const kernel = firmwarePath('virt_boot');

  it('needs no option ROM: the same ELF runs where QEMU finds none, which a plain -M virt cannot', () => {
    const plain = qemuWithoutRoms(['-M', 'virt,gic-version=2', '-cpu', 'cortex-a72', '-m', '128M', '-nographic', '-kernel', kernel]);
    expect(plain.stderr, 'the simulation hides the ROM').to.include('failed to find romfile "efi-virtio.rom"');
    expect(plain.status).to.equal(1);

    const helper = qemuWithoutRoms(qemuVirtArgs({ kernel }));
    expect(helper.stderr).to.equal('');
    expect(helper.stdout).to.equal('ready\n');
    expect(helper.status).to.equal(0);
  });
});

describe('every QEMU run goes through src/testing/qemu.ts', () => {
  it('no other source names the QEMU binary as a command', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    const r = spawnSync('git', ['grep', '--untracked', '-l', '-E', `['"\`]${QEMU_BINARY}['"\`]`, '--', '*.ts', '*.mjs', '*.js', '*.sh'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.stdout.trim().split('\n').filter(Boolean)).to.deep.equal(['src/testing/qemu.ts']);
  });
});
