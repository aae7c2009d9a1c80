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

  it('prints monitor views with --info: memory tree, device tree, IRQ lines', () => {
    expect(armvirt('--info', 'mtree').stdout).to.contain('    0000000040000000-0000000040ffffff (prio 0, ram): foundation.ram\n');
    expect(armvirt('--info', 'qtree').stdout).to.equal(
      '/ (container)\n' +
        '  /machine (container)\n' +
        '    /machine/harness (test-harness)\n' +
        "      mmio[0] 0x000000000a000000-0x000000000a000fff 'test-harness'\n" +
        '      irq[0] wired, low\n',
    );
    expect(armvirt('--info', 'irq').stdout).to.equal('/machine/harness.irq[0]: low, raised 0 times\n');
    const bad = armvirt('--info', 'pic');
    expect(bad.stderr).to.equal("armvirt: --info 'pic' is not one of qtree, mtree, mtree-f, irq\n");
    expect(bad.status).to.equal(126);
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
