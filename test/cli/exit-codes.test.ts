import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { usage } from '../../src/cli/args.js';
import * as exitCodes from '../../src/core/exit-codes.js';
import { signalExitCode, TERMINATION_SIGNALS } from '../../src/cli/signals.js';
import { writeElf } from '../support/elf-image.js';
import { writeLinuxImage } from '../support/linux-image.js';
import { at } from '../../src/util/at.js';

const cli = fileURLToPath(new URL('../../src/cli/armvirt.js', import.meta.url));
const readme = fileURLToPath(new URL('../../../README.md', import.meta.url));
const armvirt = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000 });

/** PSCI SYSTEM_OFF with x1 = 7: a guest trying to choose the exit code. */
const POWER_OFF_7 = 'ldr x0, =0x84000008\n mov x1, #7\n hvc #0';

/** The README's table of exit codes: code → why. */
function readmeExitCodes(): Map<number, string> {
  const rows = [...readFileSync(readme, 'utf8').matchAll(/^\| (\d+) \| (.+) \|$/gm)];
  return new Map(rows.map((row) => [Number(row[1]), at(row, 2)]));
}

describe('exit codes', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'armvirt-exit-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the README's table lists every exit code armvirt has, and --help names each", () => {
    const table = readmeExitCodes();
    const defined = new Set([0, ...Object.values(exitCodes), ...TERMINATION_SIGNALS.map(signalExitCode)]);
    expect([...table.keys()].sort((a, b) => a - b)).to.deep.equal([...defined].sort((a, b) => a - b));
    for (const code of table.keys()) expect(usage()).to.match(new RegExp(`\\b${code} [A-Za-z]`), `--help names exit code ${code}`);
  });

  it('0: a guest powering off on virt does not choose the exit code, whatever SYSTEM_OFF x1 holds', () => {
    const r = armvirt('-kernel', writeLinuxImage(join(dir, 'off7.img'), POWER_OFF_7));
    expect(r.stderr).to.equal('armvirt: guest powered off (PSCI SYSTEM_OFF), exit code 0\n');
    expect(r.status).to.equal(0);
  });

  it("0 or the guest's code on the foundation test board: the low byte of SYSTEM_OFF's x1", () => {
    const r = armvirt('-M', 'foundation', '-kernel', writeElf(join(dir, 'off7.elf'), POWER_OFF_7));
    expect(r.stderr).to.equal('armvirt: guest powered off (PSCI SYSTEM_OFF), exit code 7\n');
    expect(r.status).to.equal(7);
  });

  it('126: the host fails while the guest runs, e.g. its serial output cannot be written', () => {
    const prints = writeLinuxImage(
      join(dir, 'print.img'),
      "ldr x1, =0x09000000\n mov w0, #0x301\n str w0, [x1, #0x30]\n mov w0, #'R'\n str w0, [x1]\n 1: b 1b",
    );
    const r = armvirt('-kernel', prints, '-serial', 'file:/dev/full');
    expect(r.stderr).to.match(/^armvirt: cannot write to '\/dev\/full': ENOSPC: no space left on device, write \(guest PC near 0x[0-9a-f]+\)\n$/);
    expect(r.status).to.equal(126);
  });

  describe('124: --host-timeout', () => {
    it('counts from start-up, so loading is part of it', () => {
      const r = armvirt('-kernel', writeLinuxImage(join(dir, 'spin.img'), '1: b 1b'), '--host-timeout', '0.001');
      expect(r.stderr).to.equal('armvirt: timed out after 0.001 s of host time, before the guest started\n');
      expect(r.status).to.equal(124);
    });

    it('beyond 2^31 ms (24.8 days) does not fire at once', () => {
      const r = armvirt(
        '-kernel',
        writeLinuxImage(join(dir, 'spin.img'), '1: b 1b'),
        '--host-timeout',
        '3000000',
        '--clock',
        'deterministic',
        '--timeout',
        '0.01',
      );
      expect(r.stderr).to.equal('armvirt: timed out after 0.01 s of virtual time\n');
      expect(r.status).to.equal(124);
    });
  });
});
