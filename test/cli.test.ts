import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli/armvirt.js', import.meta.url));
const armvirt = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('armvirt launcher', () => {
  it('runs the demo: the guest prints its results and powers off with exit code 0', () => {
    const r = armvirt('--clock', 'deterministic');
    expect(r.stdout).to.equal('foundation: start\necho ok\nirq ok\nmask ok\ntimer ok\nfoundation: done\n');
    expect(r.stderr).to.equal('armvirt: guest powered off (PSCI SYSTEM_OFF), exit code 0\n');
    expect(r.status).to.equal(0);
  });

  it('prints the memory tree with --info mtree', () => {
    const r = armvirt('--info', 'mtree');
    expect(r.stdout).to.contain('    0000000040000000-0000000040ffffff (prio 0, ram): foundation.ram\n');
    expect(r.status).to.equal(0);
  });

  it('says what is wrong with a bad option or a missing file, without a stack trace, exit 126', () => {
    for (const [args, message] of [
      [['--clock', 'fast'], "armvirt: --clock 'fast' is not one of deterministic, realtime\n"],
      [['--firmware', '/nonexistent.elf'], "armvirt: cannot read ELF image '/nonexistent.elf': ENOENT\n"],
      [['--bogus'], "armvirt: Unknown option '--bogus'; see armvirt --help\n"],
    ] as const) {
      const r = armvirt(...args);
      expect(r.stderr).to.equal(message);
      expect(r.status).to.equal(126);
    }
  });
});
