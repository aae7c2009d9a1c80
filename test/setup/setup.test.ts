import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const setupScript = fileURLToPath(new URL('../../../scripts/setup.mjs', import.meta.url));

describe('set-up from nothing (scripts/setup.mjs)', () => {
  let fakeBin: string;

  beforeEach(() => {
    // A dpkg-query that knows no package: the machine looks fresh.
    fakeBin = mkdtempSync(join(tmpdir(), 'armvirt-fresh-'));
    writeFileSync(join(fakeBin, 'dpkg-query'), '#!/bin/sh\nexit 1\n');
    chmodSync(fakeBin, 0o755);
    chmodSync(join(fakeBin, 'dpkg-query'), 0o755);
  });

  afterEach(() => rmSync(fakeBin, { recursive: true, force: true }));

  it('prints the one apt-get line and fails when not root and Debian packages are missing', function () {
    if (process.getuid?.() !== 0) this.skip(); // needs root to run the script as another user
    const r = spawnSync(process.execPath, [setupScript], {
      env: { PATH: `${fakeBin}:${process.env.PATH}` },
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
    });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include('missing Debian packages: device-tree-compiler, binutils-aarch64-linux-gnu');
    expect(r.stderr).to.match(
      /sudo apt-get update && sudo apt-get install -y --no-install-recommends device-tree-compiler binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu qemu-system-arm gdb-multiarch make g\+\+ python3 clang-format\n/,
    );
  });
});
