import { expect } from 'chai';
import { firmwarePath } from '../../src/firmware-path.js';
import { patchFirmwareWord } from '../support/firmware-patch.js';
import { waitForLine } from '../support/uart.js';
import { armvirtRun, CLOCKS, POWERED_OFF, qemuOutput } from '../support/virt-firmware.js';

describe('firmware on the virt machine, compared with QEMU', function () {
  this.timeout(60_000);

  for (const clock of CLOCKS) {
    it(`virt_timer.elf: virtual-timer interrupts through the GIC, printed on the PL011, as on QEMU (${clock} clock)`, async () => {
      const { exit, output } = await armvirtRun('virt_timer', clock);
      expect(exit).to.deep.equal(POWERED_OFF);
      expect(output).to.equal('virt_timer: start\ncntfrq ok\ntimer irq 27 x3 ok\nvirt_timer: done\n');
      expect(output).to.equal(qemuOutput('virt_timer'));
    });

    it(`virt_gic.elf: SGIs, SPIs, priorities, preemption, masks and GIC register values as on QEMU (${clock} clock)`, async () => {
      const { exit, output } = await armvirtRun('virt_gic', clock);
      expect(output).to.equal(qemuOutput('virt_gic'));
      expect(output).to.not.include('FAIL');
      expect(output.split('\n')).to.include.members([
        'GICD_IIDR = 0x43b',
        'GICC_IIDR = 0x2043b',
        'SGI 3 to self: IAR = 0x3',
        'priority order: 91 93 92 90 1023',
      ]);
      expect(output).to.match(/nested:\n {2}enter 90 rpr 0xa0\n {2}enter 91 rpr 0x20\n {2}leave 91 rpr 0x20\n {2}leave 90 rpr 0xa0\n {2}enter 92 rpr 0xc0\n/);
      expect(exit).to.deep.equal(POWERED_OFF);
    });

    it(`virt_uart.elf: a polled line and interrupt-driven input echoed, typed after the guest is ready, as on QEMU (${clock} clock)`, async () => {
      const polled = 'hello World\n';
      const interrupted = 'This Is\nirq Text. ignored after the terminator';
      const { exit, output } = await armvirtRun('virt_uart', clock, async (uart) => {
        uart.inject(polled);
        await waitForLine(uart, 'irq: ready');
        uart.inject(interrupted);
      });
      expect(output).to.equal('virt_uart: start\nHELLO WORLD\npoll: 11 chars\nirq: ready\ntHIS iS\nIRQ tEXT\nirq: 16 chars, 1 newlines\nvirt_uart: done\n');
      expect(output).to.equal(qemuOutput('virt_uart', polled + interrupted));
      expect(exit).to.deep.equal(POWERED_OFF);
    });

    it(`virt_psci.elf: PSCI version, features, CPU_ON errors and SYSTEM_OFF as on QEMU (${clock} clock)`, async () => {
      const { exit, output } = await armvirtRun('virt_psci', clock);
      expect(output).to.equal(qemuOutput('virt_psci'));
      expect(output.split('\n')).to.include.members(['PSCI_VERSION = 1.1', 'CPU_ON cpu 0 (the caller, already on) = -4', 'CPU_ON cpu 5 (no such CPU) = -2']);
      expect(output).to.match(/virt_psci: SYSTEM_OFF\n$/);
      expect(exit).to.deep.equal(POWERED_OFF);
    });
  }

  it('virt_psci_reset.elf: SYSTEM_RESET ends the run with its own reason and status 3 (armvirt does not reboot; QEMU -no-reboot exits 0)', async () => {
    const { exit, output } = await armvirtRun('virt_psci_reset', 'deterministic');
    expect(exit).to.deep.equal({ kind: 'stopped', reason: 'guest asked for a reset (PSCI SYSTEM_RESET)', exitCode: 3 });
    expect(output).to.match(/virt_psci: SYSTEM_RESET\n$/);
    expect(output).to.equal(qemuOutput('virt_psci_reset'));
  });

  it('the benchmark programs: virt_boot.elf prints ready, virt_irq_storm.elf takes the patched number of timer IRQs, as on QEMU', async () => {
    const boot = await armvirtRun('virt_boot', 'deterministic');
    expect(boot.output).to.equal('ready\n');
    expect(boot.output).to.equal(qemuOutput('virt_boot'));
    const storm = patchFirmwareWord(firmwarePath('virt_irq_storm'), 'STORM_N=', 1234);
    for (const clock of CLOCKS) {
      const { exit, output } = await armvirtRun(storm, clock);
      expect(output).to.equal('storm: start\nstorm: done 1234\n');
      expect(exit).to.deep.equal(POWERED_OFF);
    }
    expect(qemuOutput(storm)).to.equal('storm: start\nstorm: done 1234\n');
  });
});
