// The Linux guest in tests: Debian's kernel and the set-up's initramfs (dist/linux) on virt, built as the
// launcher builds a config, with a deterministic clock and the console in memory. A scripted session acts
// a fixed virtual time after the text it waits for (a prompt, a line), so a run is the same every time.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MemoryChardev } from '../../src/chardev/index.js';
import { buildMachine } from '../../src/cli/launch.js';
import type { ExitReason } from '../../src/core/run-loop.js';
import { resolveConfig } from '../../src/vmm/config.js';
import type { VfioBackend } from '../../src/vfio/host.js';
import type { VirtMachine } from '../../machines/virt/virt-machine.js';
import { at } from '../../src/util/at.js';

const LINUX_DIR = fileURLToPath(new URL('../../linux/', import.meta.url));
const guestScript = fileURLToPath(new URL('../../../scripts/lib/linux-guest.mjs', import.meta.url));
/** The pinned kernel's release (`uname -r`), from the set-up's pin. */
export const LINUX_RELEASE = ((await import(guestScript)) as { LINUX_GUEST: { release: string } }).LINUX_GUEST.release;
export const LINUX_IMAGE = join(LINUX_DIR, 'Image');
export const LINUX_INITRAMFS = join(LINUX_DIR, 'initramfs.cpio');
/** The shell's prompt (firmware/linux/rootfs/etc/profile), as the console shows it. */
export const PROMPT = '/root # ';

export interface SessionStep {
  /** Console text to wait for, after where the previous step's text was found. */
  after: string;
  /** Typed on the console then. */
  type?: string;
  /** Or done then (poke a host-side model, look at the machine). */
  run?: (machine: VirtMachine) => void;
}

export interface LinuxRunOptions {
  /** The kernel command line after `console=ttyAMA0`. */
  append: string;
  session?: SessionStep[];
  devices?: string[];
  vfio?: VfioBackend;
  /** Virtual seconds before the run is cut short; default 300. */
  timeoutS?: number;
}

export interface LinuxRun {
  console: string;
  exit: ExitReason;
  /** Virtual ns from power-on to the end. */
  endNs: number;
  log: string[];
}

/** Virtual time between seeing a step's text and acting: a person's pause, and room for the guest to settle. */
const STEP_DELAY_NS = 20_000_000;

export function linuxCommandLine(append: string): string {
  return `console=ttyAMA0 nokaslr ${append}`;
}

export async function runLinux(options: LinuxRunOptions): Promise<LinuxRun> {
  const log: string[] = [];
  const config = resolveConfig(
    {
      machine: 'virt',
      memory: '512M',
      kernel: LINUX_IMAGE,
      initrd: LINUX_INITRAMFS,
      append: linuxCommandLine(options.append),
      serial: 'memory',
      clock: 'deterministic',
      devices: options.devices ?? [],
    },
    'test',
  );
  const { machine } = buildMachine(config, { loadKernel: true, log: (m) => log.push(m), ...(options.vfio ? { vfio: options.vfio } : {}) });
  const vm = machine as VirtMachine;
  const uart = vm.uart.chardev as MemoryChardev;
  const steps = [...(options.session ?? [])];
  let searchFrom = 0;
  let waiting = false;
  const act = vm.loop.timers.create('test session', () => {
    const step = steps.shift()!;
    waiting = false;
    if (step.type !== undefined) uart.inject(step.type);
    step.run?.(vm);
    uart.onOutput?.();
  });
  uart.onOutput = () => {
    if (waiting || steps.length === 0) return;
    const found = uart.output.indexOf(at(steps, 0).after, searchFrom);
    if (found < 0) return;
    searchFrom = found + at(steps, 0).after.length;
    waiting = true;
    act.arm(vm.loop.now() + STEP_DELAY_NS);
  };
  try {
    const exit = await machine.run({ untilNs: (options.timeoutS ?? 300) * 1e9 });
    return { console: uart.output, exit, endNs: vm.loop.now(), log };
  } finally {
    machine.close();
  }
}

/** The lines of `text` that start with `prefix`, carriage returns removed. */
export function linesStartingWith(text: string, prefix: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.startsWith(prefix));
}
