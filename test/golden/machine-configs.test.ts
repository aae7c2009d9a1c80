import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MACHINES_DIR } from '../../src/vmm/config.js';
import { matchGolden } from '../support/golden.js';

const cli = fileURLToPath(new URL('../../src/cli/armvirt.js', import.meta.url));
const shippedConfigs = readdirSync(MACHINES_DIR).filter((name) => name.endsWith('.json') && !name.endsWith('.schema.json'));

describe('golden guest device trees of the shipped machine configs', () => {
  it('ships at least the demo config', () => expect(shippedConfigs).to.include('virt-demo.json'));

  for (const name of shippedConfigs) {
    it(`machines/${name}: armvirt dumpdtb --dts`, () => {
      // Deterministic: a real-time run's /chosen/rng-seed is random.
      const r = spawnSync(process.execPath, [cli, 'dumpdtb', join(MACHINES_DIR, name), '--dts', '--clock', 'deterministic'], { encoding: 'utf8' });
      expect(r.stderr).to.equal('');
      expect(r.status).to.equal(0);
      matchGolden(`machines-${basename(name, '.json')}.dts`, r.stdout);
    });
  }
});
