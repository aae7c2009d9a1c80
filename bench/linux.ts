// Linux on armvirt against qemu-system-aarch64 (TCG): Debian's kernel and the set-up's initramfs (dist/linux)
// with the same command line on both, each armvirt run next to a QEMU run so host speed drifts cancel out.
// - boot: spawn to init's first line ("armvirt-init: started"); workload: spawn to the kernel's power-down
//   line, with armvirt.init=workload (firmware/linux/rootfs/etc/armvirt/workload);
// - syscall round trip and first-touch page fault: what firmware/linux/armvirt-bench.c measures at EL0 with
//   the virtual counter (armvirt.init=bench), which follows the host clock on both.
// `node dist/bench/linux.js [--json]` runs these alone.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QEMU_BINARY, qemuVirtArgs } from '../src/testing/qemu.js';
import { median } from './median.js';
import { ratioOfPairs } from './ratio.js';
import { timedRun } from './virt-vs-qemu.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const IMAGE = join(root, 'dist/linux/Image');
const INITRAMFS = join(root, 'dist/linux/initramfs.cpio');
const TIMEOUT_MS = 300_000;
const INIT_LINE = 'armvirt-init: started';
const POWER_DOWN = 'reboot: Power down';

// nokaslr: QEMU hands the kernel a KASLR seed, armvirt does not, and KASLR turns on page-table isolation,
// which makes every system call dearer: the same command line must mean the same kernel set-up on both.
const commandLine = (init: string) => `console=ttyAMA0 nokaslr armvirt.init=${init}`;
const EMULATORS = {
  armvirt: (init: string) => [
    process.execPath,
    join(root, 'dist/src/cli/armvirt.js'),
    '-M',
    'virt',
    '-m',
    '512M',
    '-nographic',
    '-kernel',
    IMAGE,
    '-initrd',
    INITRAMFS,
    '-append',
    commandLine(init),
  ],
  qemu: (init: string) => [
    QEMU_BINARY,
    ...qemuVirtArgs({ memory: '512M', kernel: IMAGE, extra: ['-initrd', INITRAMFS, '-append', commandLine(init), '-no-reboot'] }),
  ],
};
type Emulator = keyof typeof EMULATORS;

/** The number after `name ` on a line of `stdout`. */
function figure(stdout: string, name: string, who: string): number {
  const value = Number(stdout.match(new RegExp(`^${name} (\\d+)\\r?$`, 'm'))?.[1]);
  if (!Number.isFinite(value)) throw new Error(`${who}: no "${name}" line in its output`);
  return value;
}

async function workloadRun(emulator: Emulator) {
  const [command, ...args] = EMULATORS[emulator]('workload');
  const { at } = await timedRun(command!, args, [INIT_LINE, 'workload: done', POWER_DOWN], TIMEOUT_MS);
  return { bootMs: at[0]!, workloadMs: at[2]! };
}

async function guestBenchRun(emulator: Emulator) {
  const [command, ...args] = EMULATORS[emulator]('bench');
  const { stdout } = await timedRun(command!, args, [POWER_DOWN], TIMEOUT_MS);
  return { syscallNs: figure(stdout, 'syscall_roundtrip_ns', emulator), pageFaultNs: figure(stdout, 'page_fault_ns', emulator) };
}

/** Boot and workload ratios of paired runs (alternating which emulator goes first), and the guest's own timings. */
export async function linuxBenchmarks(runs: number) {
  const samples = { armvirt: [] as Awaited<ReturnType<typeof workloadRun>>[], qemu: [] as Awaited<ReturnType<typeof workloadRun>>[] };
  const guest = { armvirt: [] as Awaited<ReturnType<typeof guestBenchRun>>[], qemu: [] as Awaited<ReturnType<typeof guestBenchRun>>[] };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? (['armvirt', 'qemu'] as const) : (['qemu', 'armvirt'] as const);
    for (const emulator of order) samples[emulator].push(await workloadRun(emulator));
    for (const emulator of order) guest[emulator].push(await guestBenchRun(emulator));
  }
  const med = <T>(xs: T[], pick: (x: T) => number) => median(xs.map(pick));
  return {
    boot: ratioOfPairs(
      samples.armvirt.map((s) => s.bootMs),
      samples.qemu.map((s) => s.bootMs),
    ),
    workload: ratioOfPairs(
      samples.armvirt.map((s) => s.workloadMs),
      samples.qemu.map((s) => s.workloadMs),
    ),
    syscall_roundtrip_ns: med(guest.armvirt, (g) => g.syscallNs),
    syscall_roundtrip_ns_qemu: med(guest.qemu, (g) => g.syscallNs),
    page_fault_ns: med(guest.armvirt, (g) => g.pageFaultNs),
    page_fault_ns_qemu: med(guest.qemu, (g) => g.pageFaultNs),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await linuxBenchmarks(3);
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(results)}\n` : `${JSON.stringify(results, null, 2)}\n`);
}
