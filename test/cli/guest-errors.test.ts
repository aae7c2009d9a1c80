import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLinuxImage } from '../support/linux-image.js';
import { at } from '../../src/util/at.js';

const cli = fileURLToPath(new URL('../../src/cli/armvirt.js', import.meta.url));
const armvirt = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000, maxBuffer: 256 * 2 ** 20 });
const UNMAPPED_LINE = /^armvirt: guest read from unmapped physical address 0xa000000 \(4 bytes\): read as zero$/;

describe('armvirt: a guest looping on an unmapped address', function () {
  this.timeout(30_000);
  let dir: string;
  let kernel: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'armvirt-guest-errors-'));
    kernel = writeLinuxImage(join(dir, 'unmapped-loop.img'), 'ldr x2, =0x0a000000\n 1: ldr w1, [x2]\n b 1b');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('logs the first 10 accesses and then how many more were suppressed; -d guest_errors logs every one', () => {
    // 100 µs of deterministic virtual time: the same ~50000 accesses in both runs.
    const run = (...flags: string[]) => armvirt('-kernel', kernel, '-serial', 'null', '--clock', 'deterministic', '--timeout', '0.0001', ...flags);
    const limited = run().stderr.trimEnd().split('\n');
    expect(limited).to.have.length(12);
    for (const line of limited.slice(0, 10)) expect(line).to.match(UNMAPPED_LINE);
    const suppressed = /^armvirt: unmapped access: (\d+) more guest errors suppressed \(-d guest_errors logs every one\)$/.exec(at(limited, 10));
    expect(suppressed, limited[10]).to.not.equal(null);
    expect(limited[11]).to.equal('armvirt: timed out after 0.0001 s of virtual time');

    const all = run('-d', 'guest_errors').stderr.trimEnd().split('\n');
    expect(all.slice(0, -1).every((line) => UNMAPPED_LINE.test(line))).to.equal(true);
    expect(all.length - 1)
      .to.equal(10 + Number(suppressed![1]))
      .and.be.above(10_000);
  });

  it('writes a few hundred bytes, not megabytes, in a second of host time', () => {
    const r = armvirt('-kernel', kernel, '-serial', 'null', '--host-timeout', '1');
    expect(r.status).to.equal(124);
    expect(r.stderr.length).to.be.below(2000);
    expect(r.stderr).to.match(/unmapped access: \d+ more guest errors suppressed/);
  });
});
