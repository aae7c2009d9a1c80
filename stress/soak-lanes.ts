// The loads `npm run soak` runs side by side, each as rounds of a fresh machine run to its end: the fake
// host's test device passed through on each IRQ path, the guest taking level interrupts the device raises
// again after every ack (firmware/build/vfio_bench.elf), and the virtual-timer interrupt storm
// (virt_irq_storm.elf). A round counts the interrupts on both sides: what the host delivered and what the
// guest says it handled.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootVirt } from '../machines/virt/boot.js';
import { VirtMachine } from '../machines/virt/virt-machine.js';
import type { MemoryChardev } from '../src/chardev/index.js';
import { firmwarePath } from '../src/firmware-path.js';
import { FakeVfioHost } from '../src/vfio/fake/index.js';
import { patchFirmwareWord } from '../test/support/firmware-patch.js';

const HOST = fileURLToPath(new URL('../../machines/hosts/test-device.json', import.meta.url));
const DEVICE = 'a0000000.vfio-test';

export interface RoundCounts {
  /** Interrupts the host side delivered: the fake host's trigger signals, or the GIC's IRQ output raised. */
  host: number;
  /** Interrupts the guest reports handling. */
  guest: number;
  /** Lines the machine logged (none expected). */
  log: string[];
}

export interface Lane {
  name: string;
  round(): Promise<RoundCounts>;
  /** Removes what the lane made for all its rounds (a patched firmware copy). */
  close?(): void;
}

/** Runs `vm` to its power-off and returns the number on the guest's `done` line. */
async function runToDone(vm: VirtMachine, done: RegExp, what: string): Promise<number> {
  const uart = vm.uart.chardev as MemoryChardev;
  let count: number | undefined;
  uart.onLine = (line) => {
    const m = done.exec(line);
    if (m) count = Number(m[1]);
  };
  const exit = await vm.run();
  if (exit.kind !== 'stopped' || exit.exitCode !== 0 || count === undefined)
    throw new Error(`${what}: ${JSON.stringify(exit)}, output ${JSON.stringify(uart.output)}`);
  return count;
}

/** vfio_bench irqs=N with the test device on the resample path (x-irqfd on) or the user-side eventfd path. */
export function passthroughLane(path: 'resample' | 'eventfd', irqs: number): Lane {
  const name = `vfio-platform ${path} path`;
  return {
    name,
    async round() {
      const log: string[] = [];
      const host = FakeVfioHost.load(HOST, { log: (m) => log.push(`fake host: ${m}`) });
      const vm = new VirtMachine({ vfio: host, clock: 'deterministic', serial: 'memory', log: (m) => log.push(m) });
      try {
        vm.addDynamicDevice(`vfio-platform,host=${DEVICE}${path === 'eventfd' ? ',x-irqfd=off' : ''}`);
        bootVirt(vm, { kernel: firmwarePath('vfio_bench'), bootargs: `irqs=${irqs}` });
        const guest = await runToDone(vm, /^vfio_bench: irqs (\d+) done$/, name);
        return { host: host.device(DEVICE).irqs[0]!.fired, guest, log };
      } finally {
        vm.close();
      }
    },
  };
}

/** virt_irq_storm with `irqs` virtual-timer interrupts; the host count is the GIC's IRQ output raised to the CPU. */
export function timerStormLane(irqs: number): Lane {
  const kernel = patchFirmwareWord(firmwarePath('virt_irq_storm'), 'STORM_N=', irqs);
  return {
    name: 'timer IRQ storm',
    close: () => rmSync(dirname(kernel), { recursive: true, force: true }),
    async round() {
      const log: string[] = [];
      const vm = new VirtMachine({ clock: 'deterministic', serial: 'memory', log: (m) => log.push(m) });
      try {
        bootVirt(vm, { kernel });
        const guest = await runToDone(vm, /^storm: done (\d+)$/, 'timer IRQ storm');
        return { host: vm.gic.irq(0).raises, guest, log };
      } finally {
        vm.close();
      }
    },
  };
}
