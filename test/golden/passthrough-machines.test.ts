import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dtcWarnings } from '../support/dtc.js';
import { matchGolden } from '../support/golden.js';

const cli = fileURLToPath(new URL('../../src/cli/armvirt.js', import.meta.url));
const hosts = fileURLToPath(new URL('../../../machines/hosts/', import.meta.url));

/** Each shipped fake host with its device passed through: the whole guest tree, as `armvirt dumpdtb` gives it. */
const CASES = [
  { host: 'test-device', device: 'vfio-platform,host=a0000000.vfio-test' },
  { host: 'calxeda-xgmac', device: 'vfio-calxeda-xgmac,host=fff51000.ethernet' },
  { host: 'amd-xgbe', device: 'vfio-amd-xgbe,host=e0900000.xgmac' },
  { host: 'pl011', device: 'vfio-platform,host=1c0a0800.serial' },
];

describe('golden guest device trees of virt with a passed-through device', () => {
  for (const { host, device } of CASES) {
    it(`machines/hosts/${host}.json, -device ${device}`, () => {
      const dtb = join(tmpdir(), `armvirt-passthrough-${host}-${process.pid}.dtb`);
      // Deterministic: a real-time run's /chosen/rng-seed is random.
      const args = [cli, '--clock', 'deterministic', '--vfio-host', `fake:${hosts}${host}.json`, '-device', device];
      try {
        const written = spawnSync(process.execPath, [...args, '-M', `virt,dumpdtb=${dtb}`], { encoding: 'utf8' });
        expect(written.stderr).to.equal('');
        expect(dtcWarnings(new Uint8Array(readFileSync(dtb)))).to.equal('');
      } finally {
        rmSync(dtb, { force: true });
      }
      const source = spawnSync(process.execPath, [...args, 'dumpdtb', '--dts'], { encoding: 'utf8' });
      expect(source.status, source.stderr).to.equal(0);
      matchGolden(`passthrough-${host}.dts`, source.stdout);
    });
  }
});
