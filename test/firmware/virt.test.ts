import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { bootVirt } from '../../machines/virt/boot.js';
import { VirtMachine } from '../../machines/virt/virt-machine.js';
import type { MemoryChardev } from '../../src/chardev/index.js';
import { firmwarePath } from '../../src/firmware-path.js';

/** The UART output of `program` under qemu-system-aarch64 -M virt (same machine, same ELF). */
function qemuOutput(program: string): string {
  const r = spawnSync(
    'qemu-system-aarch64',
    ['-M', 'virt,gic-version=2', '-cpu', 'cortex-a72', '-m', '128M', '-nographic', '-kernel', firmwarePath(program)],
    { encoding: 'utf8', timeout: 20_000 },
  );
  if (r.status !== 0) throw new Error(`qemu-system-aarch64 exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

describe('firmware on the virt machine, compared with QEMU', () => {
  for (const clock of ['deterministic', 'realtime'] as const) {
    it(`virt_timer.elf: virtual-timer interrupts through the GIC, printed on the PL011, as on QEMU (${clock} clock)`, async function () {
      this.timeout(30_000);
      const vm = new VirtMachine({ clock, log: () => {} });
      bootVirt(vm, { kernel: firmwarePath('virt_timer') });
      const exit = await vm.run({ untilNs: 5e9 });
      const ours = (vm.uart.chardev as MemoryChardev).output;
      vm.close();
      expect(exit).to.deep.equal({ kind: 'stopped', reason: 'guest powered off (PSCI SYSTEM_OFF)', exitCode: 0 });
      expect(ours).to.equal('virt_timer: start\ncntfrq ok\ntimer irq 27 x3 ok\nvirt_timer: done\n');
      if (clock === 'deterministic') expect(ours).to.equal(qemuOutput('virt_timer'));
    });
  }
});
