// The one way tests, benchmarks and tools run qemu-system-aarch64, the oracle armvirt is compared with.
// QEMU's virt machine adds a default NIC whose option ROM (efi-virtio.rom) comes from a package the set-up
// does not install; `-net none` drops the NIC, so no option ROM is ever looked for and a fresh machine runs
// the same comparisons as one that happens to have the ROM.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions, type SpawnSyncReturns } from 'node:child_process';

export const QEMU_BINARY = 'qemu-system-aarch64';

/** The machine armvirt models, as QEMU spells it; extra `-M` options are appended (`dumpdtb=F`). */
export function qemuVirtArgs(options: { machineOptions?: string[]; memory?: string; kernel?: string; extra?: string[] } = {}): string[] {
  const machine = ['virt', 'gic-version=2', ...(options.machineOptions ?? [])].join(',');
  return [
    '-M',
    machine,
    '-cpu',
    'cortex-a72',
    '-m',
    options.memory ?? '128M',
    '-nographic',
    '-net',
    'none',
    ...(options.kernel !== undefined ? ['-kernel', options.kernel] : []),
    ...(options.extra ?? []),
  ];
}

/** Runs QEMU to its exit; stdout and stderr as text. */
export function runQemu(args: string[], options: { input?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(QEMU_BINARY, args, { encoding: 'utf8', timeout: options.timeoutMs ?? 20_000, input: options.input ?? '' });
}

/** Starts QEMU in the background (benchmarks time its output lines). */
export function spawnQemu(args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(QEMU_BINARY, args, options);
}
