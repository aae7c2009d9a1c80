// vfio-platform benchmarks: firmware/build/vfio_bench.elf on the virt machine with the fake host's test device,
// timed on the host between the guest's "start" and "done" lines (so machine set-up and boot are left out).
// Runs on the deterministic clock: the figures are host time, the virtual clock only paces the guest.
//
//   node dist/bench/vfio.js [--json]     these figures alone (bench/run.ts includes them in the suite)
import { fileURLToPath } from 'node:url';
import { bootVirt } from '../machines/virt/boot.js';
import { VirtMachine } from '../machines/virt/virt-machine.js';
import type { MemoryChardev } from '../src/chardev/index.js';
import { firmwarePath } from '../src/firmware-path.js';
import { FakeVfioHost } from '../src/vfio/fake/index.js';
import { medianOf } from './median.js';

const HOST = fileURLToPath(new URL('../../machines/hosts/test-device.json', import.meta.url));
const DEVICE = 'vfio-platform,host=a0000000.vfio-test';
const RUNS = 5;

/** One guest loop: `count` is the number the guest printed on its done line. */
interface LoopTiming {
  seconds: number;
  count: number;
}

/** Boots vfio_bench with `bootargs` and the device with `deviceOptions`; host seconds between its start and done lines. */
async function timeGuestLoop(deviceOptions: string, bootargs: string): Promise<LoopTiming> {
  const vm = new VirtMachine({ vfio: FakeVfioHost.load(HOST), clock: 'deterministic', serial: 'memory', log: () => {} });
  try {
    vm.addDynamicDevice(DEVICE + deviceOptions);
    const uart = vm.uart.chardev as MemoryChardev;
    let start: number | undefined;
    let done: { at: number; count: number } | undefined;
    uart.onLine = (line) => {
      const m = /^vfio_bench: \w+ (\d+) (start|done)$/.exec(line);
      if (m?.[2] === 'start') start = performance.now();
      else if (m?.[2] === 'done') done = { at: performance.now(), count: Number(m[1]) };
    };
    bootVirt(vm, { kernel: firmwarePath('vfio_bench'), bootargs });
    const exit = await vm.run();
    if (exit.kind !== 'stopped' || exit.exitCode !== 0 || start === undefined || done === undefined) {
      throw new Error(`vfio_bench ${bootargs} (${DEVICE}${deviceOptions}): ${JSON.stringify(exit)}, output:\n${uart.output}`);
    }
    return { seconds: (done.at - start) / 1e3, count: done.count };
  } finally {
    vm.close();
  }
}

/** ns per guest read of the ID register (loop included): the region's mapping vs every access trapped (x-no-mmap). */
export async function vfioFastVsSlow(): Promise<{ ratio: number; fastNs: number; slowNs: number }> {
  const nsPerRead = async (options: string, reads: number) => {
    const t = await timeGuestLoop(options, `mmio=${reads}`);
    return (t.seconds * 1e9) / t.count;
  };
  const fastNs = await medianOf(RUNS, () => nsPerRead('', 20_000_000));
  const slowNs = await medianOf(RUNS, () => nsPerRead(',x-no-mmap=on', 200_000));
  return { ratio: slowNs / fastNs, fastNs, slowNs };
}

/** Level IRQs per host second, raised by the device, delivered through the GIC, acked and EOI'd by the guest. */
export async function vfioIrqRate(path: 'resample' | 'eventfd'): Promise<number> {
  return medianOf(RUNS, async () => {
    const t = await timeGuestLoop(path === 'resample' ? '' : ',x-irqfd=off', 'irqs=50000');
    return t.count / t.seconds;
  });
}

export async function vfioBenchmarks() {
  const mmio = await vfioFastVsSlow();
  return {
    vfio_fast_vs_slow_ratio: mmio.ratio,
    vfio_fast_read_ns: mmio.fastNs,
    vfio_slow_read_ns: mmio.slowNs,
    vfio_irq_per_s_resample: await vfioIrqRate('resample'),
    vfio_irq_per_s_eventfd: await vfioIrqRate('eventfd'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await vfioBenchmarks();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } else {
    process.stdout.write(`vfio-platform benchmarks: medians of ${RUNS} runs (rerun: node dist/bench/vfio.js)\n`);
    process.stdout.write(
      `  ID read, slow path / fast path       ${results.vfio_fast_vs_slow_ratio.toFixed(0)} (${results.vfio_slow_read_ns.toFixed(0)} ns / ${results.vfio_fast_read_ns.toFixed(2)} ns)\n`,
    );
    process.stdout.write(`  level IRQs per second, resample path ${results.vfio_irq_per_s_resample.toFixed(0)}   goal >= 200000\n`);
    process.stdout.write(`  level IRQs per second, eventfd path  ${results.vfio_irq_per_s_eventfd.toFixed(0)}\n`);
  }
}
