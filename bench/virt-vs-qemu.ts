// Benchmarks of the virt machine against qemu-system-aarch64 (TCG) on the same firmware ELF: boot to a first
// UART line, and a virtual-timer interrupt storm. Both give armvirt / QEMU ratios of medians.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootVirt } from '../machines/virt/boot.js';
import { VirtMachine } from '../machines/virt/virt-machine.js';
import type { MemoryChardev } from '../src/chardev/index.js';
import { firmwarePath } from '../src/firmware-path.js';
import { QEMU_BINARY, qemuVirtArgs } from '../src/testing/qemu.js';
import { patchFirmwareWord } from '../test/support/firmware-patch.js';
import { pairedRatio, type PairedRatio } from './ratio.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARMVIRT = {
  command: process.execPath,
  args: (kernel: string) => [join(root, 'dist/src/cli/armvirt.js'), '-M', 'virt', '-m', '128M', '-nographic', '-kernel', kernel],
};
const QEMU = { command: QEMU_BINARY, args: (kernel: string) => qemuVirtArgs({ kernel }) };
const STORM_IRQS = 100_000;
const TIMEOUT_MS = 20_000;

/** Host ms from spawning `command` to each of `lines` on its stdout (in order of appearance); waits for its exit. */
async function msToLines(command: string, args: string[], lines: string[]): Promise<number[]> {
  return (await timedRun(command, args, lines)).at;
}

/**
 * Runs `command` to its exit: `at` holds the host ms from spawn to the first stdout line ending with each of
 * `lines` (a kernel line has its timestamp in front), `stdout` everything it printed.
 */
export function timedRun(command: string, args: string[], lines: string[], timeoutMs = TIMEOUT_MS): Promise<{ at: number[]; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const seen = new Map<string, number>();
    let pending = '';
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const now = performance.now() - t0;
      pending += chunk;
      stdout += chunk;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end).replace(/\r$/, '');
        pending = pending.slice(end + 1);
        const wanted = lines.find((w) => line.endsWith(w) && !seen.has(w));
        if (wanted !== undefined) seen.set(wanted, now);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const missing = lines.filter((line) => !seen.has(line));
      if (missing.length > 0) {
        reject(new Error(`${command} ${args.join(' ')}: exited ${signal ?? status} without printing ${JSON.stringify(missing[0])}: ${stderr.trim()}`));
      } else {
        resolve({ at: lines.map((line) => seen.get(line)!), stdout });
      }
    });
  });
}

/** Process spawn to the "ready" line of virt_boot.elf, armvirt's launcher / QEMU, paired runs (bench/ratio.ts). */
export function firmwareBoot(runs: number): Promise<PairedRatio> {
  const kernel = firmwarePath('virt_boot');
  return pairedRatio(
    runs,
    async () => (await msToLines(ARMVIRT.command, ARMVIRT.args(kernel), ['ready']))[0]!,
    async () => (await msToLines(QEMU.command, QEMU.args(kernel), ['ready']))[0]!,
  );
}

/**
 * Virtual-timer IRQs per second of host time between "storm: start" and "storm: done N", armvirt / QEMU,
 * paired runs. armvirt runs in this process, in real-time mode (its speed mode), with the lines timed as the
 * guest writes them: the storm is measured between two guest lines, so process start-up is out of it either
 * way, and the in-process run needs no launcher and no pipe. QEMU's lines are timed as they arrive on its
 * stdout.
 */
export function timerIrqStorm(runs: number): Promise<PairedRatio> {
  const kernel = patchFirmwareWord(firmwarePath('virt_irq_storm'), 'STORM_N=', STORM_IRQS);
  const done = `storm: done ${STORM_IRQS}`;
  return pairedRatio(
    runs,
    async () => STORM_IRQS / (await stormSecondsInProcess(kernel, done)),
    async () => {
      const [start, end] = await msToLines(QEMU.command, QEMU.args(kernel), ['storm: start', done]);
      return STORM_IRQS / ((end! - start!) / 1e3);
    },
  );
}

async function stormSecondsInProcess(kernel: string, done: string): Promise<number> {
  const vm = new VirtMachine({ clock: 'realtime', log: () => {} });
  try {
    bootVirt(vm, { kernel });
    const uart = vm.uart.chardev as MemoryChardev;
    const at = new Map<string, number>();
    uart.onLine = (line) => void at.set(line, performance.now());
    const exit = await vm.run();
    const start = at.get('storm: start');
    const end = at.get(done);
    if (exit.kind !== 'stopped' || start === undefined || end === undefined) {
      throw new Error(`virt_irq_storm on armvirt: ${JSON.stringify(exit)}, output ${JSON.stringify(uart.output)}`);
    }
    return (end - start) / 1e3;
  } finally {
    vm.close();
  }
}
