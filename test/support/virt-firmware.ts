// Running one firmware ELF on armvirt's virt machine and on QEMU's, to compare what each prints.
import { bootVirt } from '../../machines/virt/boot.js';
import { VirtMachine } from '../../machines/virt/virt-machine.js';
import type { ExitReason } from '../../src/core/run-loop.js';
import type { MemoryChardev } from '../../src/chardev/index.js';
import { firmwarePath } from '../../src/firmware-path.js';
import { qemuVirtArgs, runQemu } from '../../src/testing/qemu.js';

export const CLOCKS = ['deterministic', 'realtime'] as const;
export const POWERED_OFF = { kind: 'stopped', reason: 'guest powered off (PSCI SYSTEM_OFF)', exitCode: 0 };
/** Host time a run may take before the test stops it (the guest waits for input with no timer armed). */
const HOST_LIMIT_MS = 20_000;

/**
 * The UART output of `program` (a firmware name, or an ELF path) under qemu-system-aarch64 -M virt (same machine, same ELF), with `input` on
 * its stdin (-nographic's serial) and -no-reboot so a guest reset ends the run as it does ours.
 */
export function qemuOutput(program: string, input = ''): string {
  const kernel = program.includes('/') ? program : firmwarePath(program);
  const r = runQemu(qemuVirtArgs({ kernel, extra: ['-no-reboot'] }), { input });
  if (r.status !== 0) throw new Error(`qemu-system-aarch64 ${program} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Runs `program` (a firmware name, or an ELF path) on our virt machine until the guest stops it; `drive` may type input meanwhile. */
export async function armvirtRun(program: string, clock: (typeof CLOCKS)[number], drive?: (uart: MemoryChardev) => Promise<void>) {
  const vm = new VirtMachine({ clock, log: () => {} });
  bootVirt(vm, { kernel: program.includes('/') ? program : firmwarePath(program) });
  const uart = vm.uart.chardev as MemoryChardev;
  const guard = setTimeout(() => vm.loop.stop(`no stop within ${HOST_LIMIT_MS} ms of host time`, 255), HOST_LIMIT_MS);
  try {
    const running = vm.run();
    await drive?.(uart);
    const exit: ExitReason = await running;
    return { exit, output: uart.output };
  } finally {
    clearTimeout(guard);
    vm.close();
  }
}
