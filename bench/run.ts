// armvirt's benchmark suite: `npm run bench` prints each figure with its goal and the command that
// reproduces it; `npm run bench -- --json` prints one JSON object (keys named by the issues).
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { HostMemory } from '../src/cpu/host-memory.js';
import { MemoryRegion } from '../src/memory/region.js';
import { FoundationBoard } from '../machines/foundation.js';
import { firmwarePath, FIRMWARE_BUILD_DIR } from '../src/firmware-path.js';
import { assemble } from '../test/support/assemble.js';
import { POWER_OFF } from '../test/support/guest.js';
import { firmwareBoot, timerIrqStorm } from './virt-vs-qemu.js';
import { median, medianOf } from './median.js';
import { formatRatio, isNoisy, NOISE_LIMIT, pairedRatio, type PairedRatio } from './ratio.js';
import { linuxBenchmarks } from './linux.js';
import { vfioBenchmarks } from './vfio.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNS = 5;

function repeat(n: number, fn: () => number): number {
  return median(Array.from({ length: n }, fn));
}

/** Runs a firmware loop of `iterations` (x25) on a fresh board; returns host seconds for the run. */
async function timeLoop(program: string, iterations: number, clock: 'deterministic' | 'realtime', setup?: (b: FoundationBoard) => void) {
  const board = new FoundationBoard({ clock });
  setup?.(board);
  board.loadFirmware(firmwarePath(program));
  board.vcpu.writeRegister('x25', iterations);
  const t0 = performance.now();
  const exit = await board.run({ untilNs: Infinity });
  const seconds = (performance.now() - t0) / 1e3;
  if (exit.kind !== 'stopped') throw new Error(`${program}: unexpected exit ${JSON.stringify(exit)}`);
  board.close();
  return seconds;
}

/**
 * (a) guest MIPS of our run loop vs a C harness driving libunicorn directly on the same bytes, paired runs
 * (bench/ratio.ts), in each clock mode.
 */
async function mips() {
  const iterations = 250_000_000; // 4 instructions each: ~1 s per run
  const rawMips = () => {
    const out = execFileSync(join(root, 'bench/raw/build/raw_mips'), [join(FIRMWARE_BUILD_DIR, 'spin.bin'), String(iterations)], { encoding: 'utf8' });
    return Promise.resolve((JSON.parse(out.trim().split('\n').pop() ?? '{}') as { mips: number }).mips);
  };
  const ourMips = async (clock: 'deterministic' | 'realtime') => (4 * iterations) / (await timeLoop('spin', iterations, clock)) / 1e6;
  return {
    realtime: await pairedRatio(RUNS, () => ourMips('realtime'), rawMips),
    deterministic: await pairedRatio(RUNS, () => ourMips('deterministic'), rawMips),
  };
}

/**
 * (g) what breakpoints cost before they are hit: guest MIPS with 10 breakpoints set in code the loop never
 * runs, over MIPS with none (the same work: the MIPS ratio is the inverse of the time ratio), paired runs.
 */
function breakpointOverhead() {
  const iterations = 60_000_000;
  const withBreakpoints = (b: FoundationBoard) => {
    for (let i = 0; i < 10; i++) b.vcpu.debug.setBreakpoint(BigInt(0x4000_1000 + 4 * i), true);
  };
  return pairedRatio(
    RUNS,
    async () => 1 / (await timeLoop('spin', iterations, 'realtime', withBreakpoints)),
    async () => 1 / (await timeLoop('spin', iterations, 'realtime')),
  );
}

/**
 * (b) ns per trapped MMIO read through the memory API to a device handler (over the same loop on RAM), and
 * (c) device-pointer vs RAM loads, paired runs.
 */
async function mmio() {
  const n = 2_000_000;
  const trapped = await pairedRatio(
    RUNS,
    () => timeLoop('mmio_loop', n, 'realtime'),
    () => timeLoop('ram_loop', n, 'realtime'),
  );
  const pointerDevice = (b: FoundationBoard) => b.system.addSubregion(0x0a10_0000, MemoryRegion.ramDevice('bench mmap', new HostMemory(0x1000)));
  const fastpath = await pairedRatio(
    RUNS,
    () => timeLoop('ptr_loop', n * 50, 'realtime', pointerDevice),
    () => timeLoop('ram_loop', n * 50, 'realtime'),
  );
  return { mmioNs: ((trapped.ours - trapped.reference) / n) * 1e9, fastpath };
}

/** (d) µs per IRQ round trip: raise -> guest handler -> EOI write -> line lowered, then raised again. */
async function irqRoundTrip() {
  const count = 200_000;
  const source = `
    adr x0, vectors
    msr vbar_el1, x0
    ldr x8, =0x0a000000
    sub x2, x25, #1
    str w2, [x8, #0x18]      // IRQ_REPEAT: re-raise after each lowering but the last
    mov w1, #1
    str w1, [x8, #4]         // first raise
    msr daifclr, #2
  wait:
    cmp x5, x25
    b.ne wait
    ${POWER_OFF}
  irq_handler:
    add x5, x5, #1
    str wzr, [x8, #4]        // EOI: lower the line (the device raises it again while repeats remain)
    eret
    .balign 2048
  vectors:
    .skip 0x280
    b irq_handler`;
  return medianOf(RUNS, async () => {
    const board = new FoundationBoard({ clock: 'realtime' });
    board.ram.write(0, assemble(source));
    board.vcpu.pc = 0x4000_0000;
    board.vcpu.writeRegister('x25', count);
    const t0 = performance.now();
    const exit = await board.run();
    const us = ((performance.now() - t0) * 1e3) / count;
    if (exit.kind !== 'stopped' || board.vcpu.readRegister('x5') !== BigInt(count)) {
      throw new Error(`irq bench: ${JSON.stringify(exit)} after ${board.vcpu.readRegister('x5')} IRQs`);
    }
    board.close();
    return us;
  });
}

/**
 * (e) µs to switch a 4 KiB region between the fast path (a RAM-device region) and the trapped path (the I/O
 * region beneath), one direction, through the memory API as a device does it.
 */
function regionSwitch() {
  const board = new FoundationBoard();
  const device = MemoryRegion.container('bench device', 0x1000);
  device.addSubregion(0, MemoryRegion.io('bench regs', 0x1000, { read: () => 0, write: () => {} }));
  const fast = MemoryRegion.ramDevice('bench mmap', new HostMemory(0x1000));
  device.addSubregion(0, fast, 1);
  board.system.addSubregion(0x0a10_0000, device);
  board.vcpu.run(0); // a vCPU that has run, as a device switching regions finds it
  const n = 2000;
  const us = repeat(RUNS, () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      fast.setEnabled(false);
      fast.setEnabled(true);
    }
    return ((performance.now() - t0) * 1e3) / (2 * n);
  });
  board.close();
  return us;
}

/** ms from process start to the line printed by a fresh node process running `args`, median of RUNS. */
function msToPrint(args: string[]) {
  return repeat(RUNS, () => {
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`startup bench failed: ${r.stderr}`);
    return Number(r.stdout.trim());
  });
}

/** (f) ms from process start to the first guest instruction, and node's own start-up for scale. */
function startup() {
  return {
    firstInstruction: msToPrint([join(root, 'dist/bench/first-instruction.js')]),
    nodeBaseline: msToPrint(['-e', 'process.stdout.write(String(performance.now()))']),
  };
}

async function main() {
  const json = process.argv.includes('--json');
  const m = await mips();
  const breakpoints = await breakpointOverhead();
  const io = await mmio();
  const start = startup();
  const boot = await firmwareBoot(RUNS);
  const storm = await timerIrqStorm(RUNS);
  const vfio = await vfioBenchmarks();
  const linux = await linuxBenchmarks(3);
  const ratios: Record<string, PairedRatio> = {
    mips_ratio_vs_raw: m.realtime,
    mips_ratio_vs_raw_deterministic: m.deterministic,
    fastpath_vs_ram_ratio: io.fastpath,
    firmware_boot_vs_qemu_ratio: boot,
    timer_irq_storm_vs_qemu_ratio: storm,
    gdb_breakpoint_overhead_ratio: breakpoints,
    linux_boot_vs_qemu_ratio: linux.boot,
    linux_workload_vs_qemu_ratio: linux.workload,
  };
  const noisy = Object.keys(ratios).filter((key) => isNoisy(ratios[key]!));
  const results = {
    mips_ratio_vs_raw: m.realtime.ratio,
    mips_ratio_vs_raw_deterministic: m.deterministic.ratio,
    mmio_js_ns: io.mmioNs,
    fastpath_vs_ram_ratio: io.fastpath.ratio,
    irq_roundtrip_us: await irqRoundTrip(),
    region_switch_us: regionSwitch(),
    startup_ms: start.firstInstruction,
    startup_node_baseline_ms: start.nodeBaseline,
    firmware_boot_vs_qemu_ratio: boot.ratio,
    timer_irq_storm_vs_qemu_ratio: storm.ratio,
    vfio_fast_vs_slow_ratio: vfio.vfio_fast_vs_slow_ratio,
    vfio_irq_per_s_resample: vfio.vfio_irq_per_s_resample,
    vfio_irq_per_s_eventfd: vfio.vfio_irq_per_s_eventfd,
    gdb_breakpoint_overhead_ratio: breakpoints.ratio,
    linux_boot_vs_qemu_ratio: linux.boot.ratio,
    linux_workload_vs_qemu_ratio: linux.workload.ratio,
    syscall_roundtrip_ns: linux.syscall_roundtrip_ns,
    syscall_roundtrip_ns_qemu: linux.syscall_roundtrip_ns_qemu,
    page_fault_ns: linux.page_fault_ns,
    page_fault_ns_qemu: linux.page_fault_ns_qemu,
    /** Each ratio's lowest and highest run. */
    spread: Object.fromEntries(Object.entries(ratios).map(([key, r]) => [key, [r.low, r.high]])),
    /** Ratios whose runs spread wider than NOISE_LIMIT of their median: the host was too noisy to trust them. */
    noisy,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  const rows: [string, string, string][] = [
    [
      'guest MIPS, real-time loop / raw libunicorn',
      `${formatRatio(m.realtime, 3)} (${m.realtime.ours.toFixed(0)} / ${m.realtime.reference.toFixed(0)} MIPS)`,
      '>= 0.9',
    ],
    ['guest MIPS, deterministic loop / raw libunicorn', `${formatRatio(m.deterministic, 3)} (${m.deterministic.ours.toFixed(0)} MIPS)`, '>= 0.75'],
    ['trapped MMIO read through a JS handler', `${results.mmio_js_ns.toFixed(0)} ns`, '<= 300 ns'],
    ['device-pointer load time / RAM load time', formatRatio(io.fastpath, 3), '<= 1.05'],
    ['IRQ round trip (raise, handler, EOI write, lower)', `${results.irq_roundtrip_us.toFixed(2)} us`, '<= 2 us'],
    ['switch a 4 KiB region fast <-> trapped (one way)', `${results.region_switch_us.toFixed(1)} us`, '<= 30 us'],
    [
      'process start to first guest instruction',
      `${results.startup_ms.toFixed(0)} ms (node alone: ${results.startup_node_baseline_ms.toFixed(0)} ms)`,
      '<= 150 ms',
    ],
    ['virt_boot.elf spawn to "ready", armvirt / QEMU', `${formatRatio(boot)} (${boot.ours.toFixed(0)} / ${boot.reference.toFixed(0)} ms)`, '<= 1.5'],
    [
      'virt_irq_storm.elf timer IRQs/s, armvirt / QEMU',
      `${formatRatio(storm)} (${(storm.ours / 1e3).toFixed(0)}k / ${(storm.reference / 1e3).toFixed(0)}k)`,
      '>= 1.0',
    ],
    [
      'vfio ID read, slow path (x-no-mmap) / fast path',
      `${results.vfio_fast_vs_slow_ratio.toFixed(0)} (${vfio.vfio_slow_read_ns.toFixed(0)} / ${vfio.vfio_fast_read_ns.toFixed(2)} ns)`,
      '(report)',
    ],
    ['vfio level IRQs per second, resample path', results.vfio_irq_per_s_resample.toFixed(0), '>= 300000'],
    ['vfio level IRQs per second, user-side eventfd path', results.vfio_irq_per_s_eventfd.toFixed(0), '>= 200000'],
    ['guest MIPS with 10 breakpoints set elsewhere / none', formatRatio(breakpoints, 3), '>= 0.95'],
    [
      "Linux spawn to init's first line, armvirt / QEMU",
      `${formatRatio(linux.boot)} (${linux.boot.ours.toFixed(0)} / ${linux.boot.reference.toFixed(0)} ms)`,
      '<= 1.5',
    ],
    [
      'Linux workload, spawn to power-off, armvirt / QEMU',
      `${formatRatio(linux.workload)} (${linux.workload.ours.toFixed(0)} / ${linux.workload.reference.toFixed(0)} ms)`,
      '<= 2.0',
    ],
    [
      'getppid() round trip at EL0 (QEMU beside it)',
      `${results.syscall_roundtrip_ns.toFixed(0)} ns (QEMU ${results.syscall_roundtrip_ns_qemu.toFixed(0)} ns)`,
      '(report)',
    ],
    ['first-touch page fault (QEMU beside it)', `${results.page_fault_ns.toFixed(0)} ns (QEMU ${results.page_fault_ns_qemu.toFixed(0)} ns)`, '(report)'],
  ];
  process.stdout.write(
    `armvirt benchmarks: medians of ${RUNS} runs, ratios as median (lowest-highest) of paired runs (rerun: npm run bench, or npm run bench -- --json)\n`,
  );
  for (const [what, value, goal] of rows) process.stdout.write(`  ${what.padEnd(52)} ${value.padEnd(40)} goal ${goal}\n`);
  process.stdout.write(`raw reference: bench/raw/build/raw_mips firmware/build/spin.bin 250000000\n`);
  if (noisy.length > 0) {
    process.stdout.write(
      `the host was too noisy to trust ${noisy.join(', ')}: their runs spread wider than ${NOISE_LIMIT * 100}% of the median; rerun on a quiet host\n`,
    );
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
