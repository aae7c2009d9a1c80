// From a resolved MachineConfig to a built machine (devices added, kernel loaded) and from a run's end to a
// process exit code. Building throws plain errors whose messages name what is at fault; nothing here prints
// a stack trace.
import { hex } from '../util/hex.js';
import { FoundationBoard } from '../../machines/foundation.js';
import { bootVirt, readUserDtb, type BootLayout } from '../../machines/virt/boot.js';
import { VIRT_MEMMAP } from '../../machines/virt/memory-map.js';
import { buildVirtDtb } from '../../machines/virt/virt-fdt.js';
import { VirtMachine } from '../../machines/virt/virt-machine.js';
import type { GuestErrorLog, GuestErrorReporter } from '../core/guest-errors.js';
import type { ExitReason } from '../core/run-loop.js';
import type { MachineConfig } from '../vmm/config.js';
import { EXIT_GUEST_FAULT, EXIT_TIMEOUT, EXIT_VMM_ERROR } from '../core/exit-codes.js';
import type { Machine } from '../../machines/machine.js';
import type { VfioBackend } from '../vfio/host.js';
import { GdbStub } from '../gdb/stub.js';
import type { TerminationSignals } from './signals.js';

export const MACHINE_TYPES: Record<MachineConfig['machine'], string> = {
  virt: "QEMU's ARM virt memory map: GICv2, generic timer, PL011, PL031, PSCI, platform bus (default)",
  foundation: 'the CPU test board: RAM at 0x40000000 and the test harness device at 0x0a000000',
};

export interface BuiltMachine {
  machine: Machine;
  /** The DTB the guest gets (virt only): from RAM after a boot, else generated or the -dtb file. */
  dtb(): Uint8Array;
}

export interface BuildOptions {
  /** Load the kernel (a run needs one; dumpdtb and --info do not). */
  loadKernel: boolean;
  /** Overrides config.serial (dumpdtb and --info keep the terminal alone). */
  serial?: string;
  log: (message: string) => void;
  /** Guest errors (rate-limited, or all with -d guest_errors). */
  guestError?: GuestErrorReporter;
  /** Where the foundation board's harness console lines go. */
  onHarnessLine?: (line: string) => void;
  /** The VFIO host (loadVfioBackend); the machine owns it. */
  vfio?: VfioBackend;
}

export function buildMachine(config: MachineConfig, options: BuildOptions): BuiltMachine {
  const vcpu = {
    clock: config.clock,
    unmappedAccess: config.unmappedAccess,
    strictHypercalls: config.strictHvc,
    log: options.log,
    guestError: options.guestError,
  };
  if (config.machine === 'foundation') {
    const board = new FoundationBoard({ ...vcpu, ...(config.memoryBytes ? { ramSize: config.memoryBytes } : {}) });
    return closeOnFailure(board, () => {
      if (options.onHarnessLine) board.harness.onLine = options.onHarnessLine;
      if (options.loadKernel) board.loadFirmware(requireKernel(config));
      return {
        machine: board,
        dtb: () => {
          throw new Error('the foundation board has no device tree');
        },
      };
    });
  }
  let vm: VirtMachine;
  try {
    vm = new VirtMachine({
      ...vcpu,
      vfio: options.vfio,
      passthroughPolicy: config.passthroughPolicy,
      ramSize: config.memoryBytes,
      serial: options.serial ?? config.serial,
      platformBusSize: config.platformBus.sizeBytes,
      platformBusNodeName: config.platformBus.nodeName,
    });
  } catch (error) {
    options.vfio?.close(); // the machine would have owned it
    throw error;
  }
  return closeOnFailure(vm, () => {
    for (const device of config.devices) vm.addDynamicDevice(device);
    let layout: BootLayout | undefined;
    if (options.loadKernel) {
      layout = bootVirt(vm, { kernel: requireKernel(config), initrd: config.initrd, bootargs: config.append, dtb: config.dtb, warn: options.log });
    }
    const dtb = () => {
      if (layout) return vm.ram.read(layout.dtb.start - VIRT_MEMMAP.ram.base, layout.dtb.end - layout.dtb.start);
      if (config.dtb) return readUserDtb(config.dtb);
      return buildVirtDtb(vm, { bootargs: config.append, warn: options.log });
    };
    return { machine: vm, dtb };
  });
}

/**
 * The kernel's VFIO (`linux`, also the default when a vfio device is asked for) or a fake host. Loaded only
 * when asked for: the backends' modules are a third of a plain run's start-up.
 */
export async function loadVfioBackend(
  config: MachineConfig,
  log: (message: string) => void,
  guestError?: GuestErrorReporter,
): Promise<VfioBackend | undefined> {
  const spec = config.vfioHost ?? (config.devices.some((d) => d.startsWith('vfio-')) ? 'linux' : undefined);
  if (spec === undefined) return undefined;
  if (spec === 'linux') return new (await import('../vfio/linux/backend.js')).LinuxVfioBackend();
  const { FakeVfioHost } = await import('../vfio/fake/index.js');
  // What the fake host logs is its device models' view of guest accesses (DMA faults, ignored writes): guest errors.
  const hostLog = (message: string) => (guestError ? guestError('fake vfio host', () => `fake vfio host: ${message}`) : log(`fake vfio host: ${message}`));
  return FakeVfioHost.load(spec.slice('fake:'.length), { log: hostLog });
}

function requireKernel(config: MachineConfig): string {
  if (config.kernel === undefined) throw new Error(`${config.source}: nothing to run: give a kernel (-kernel FILE, or "kernel" in the machine config)`);
  return config.kernel;
}

function closeOnFailure<T>(machine: Machine, build: () => T): T {
  try {
    return build();
  } catch (error) {
    machine.close();
    throw error;
  }
}

export interface RunOptions {
  /** Flushed before the last line, so the suppressed counts come before the reason the run ended. */
  guestErrors?: GuestErrorLog;
  /** SIGHUP, SIGINT, SIGQUIT and SIGTERM end the run cleanly with 128 + the signal's number. */
  signals?: TerminationSignals;
  /** Called once the debugger listens, before the guest's first instruction: what fails before that is bad input. */
  onGuestStarting?: () => void;
}

/** Runs until the guest stops, a timeout or a termination signal, then closes the machine. Returns the exit code. */
export async function runMachine(machine: Machine, config: MachineConfig, report: (message: string) => void, options: RunOptions = {}): Promise<number> {
  const { guestErrors, signals } = options;
  signals?.whenReceived((signal) => machine.loop.stop(signal.reason, signal.exitCode));
  const { virtualSeconds, hostSeconds } = config.timeout;
  // Host time counts from the process's start (performance.now()'s origin): loading is part of the run.
  const hostMsLeft = hostSeconds === undefined ? Infinity : hostSeconds * 1e3 - performance.now();
  const cancelHostTimer = setLongTimeout(() => machine.loop.stop(`timed out after ${hostSeconds} s of host time`, EXIT_TIMEOUT), hostMsLeft);
  let gdb: GdbStub | undefined;
  let code = EXIT_VMM_ERROR;
  try {
    if (hostMsLeft <= 0) {
      report(`timed out after ${hostSeconds} s of host time, before the guest started`);
      return (code = EXIT_TIMEOUT);
    }
    if (config.gdb) gdb = await GdbStub.listen(machine, { ...config.gdb, log: report });
    options.onGuestStarting?.();
    const untilNs = virtualSeconds === undefined ? Infinity : virtualSeconds * 1e9;
    const exit = gdb ? await gdb.run(untilNs) : await machine.run({ untilNs });
    guestErrors?.flush(); // the suppressed counts before the line that says why the run ended
    code = exitCode(exit, config, report);
    return code;
  } finally {
    await gdb?.finish(code);
    cancelHostTimer();
    machine.close();
  }
}

/** The longest delay setTimeout takes: a longer one fires at once (Node's TimeoutOverflowWarning). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** setTimeout for any delay, a longer one in steps; Infinity never fires. Returns the cancel function. */
export function setLongTimeout(fire: () => void, ms: number): () => void {
  let handle: NodeJS.Timeout | undefined;
  const arm = (left: number) => {
    if (left === Infinity) return;
    handle = setTimeout(() => (left > MAX_TIMEOUT_MS ? arm(left - MAX_TIMEOUT_MS) : fire()), Math.max(0, Math.min(left, MAX_TIMEOUT_MS)));
  };
  arm(ms);
  return () => clearTimeout(handle);
}

function exitCode(exit: ExitReason, config: MachineConfig, report: (message: string) => void): number {
  switch (exit.kind) {
    case 'stopped':
      report(`${exit.reason}, exit code ${exit.exitCode}`);
      return exit.exitCode;
    case 'time-limit':
      report(`timed out after ${config.timeout.virtualSeconds} s of virtual time`);
      return EXIT_TIMEOUT;
    case 'hypercall':
      report(`guest fault: unhandled ${exit.call.conduit.toUpperCase()} #${hex(exit.call.imm)} at PC ${hex(exit.call.pc)}`);
      return EXIT_GUEST_FAULT;
    case 'exception':
      report(
        `guest fault: ${exit.name} at PC ${hex(exit.pc)}${exit.syndrome !== undefined ? ` (ESR ${hex(exit.syndrome)})` : ''}` +
          `${exit.faultAddress !== undefined && exit.detail !== undefined ? `, address ${hex(exit.faultAddress)}` : ''}${exit.detail ? `: ${exit.detail}` : ''}`,
      );
      return EXIT_GUEST_FAULT;
    case 'unmapped-access':
      report(`guest fault: ${exit.message}`);
      return EXIT_GUEST_FAULT;
    case 'error':
      report(`VMM error: ${exit.message}`);
      return EXIT_VMM_ERROR;
    case 'debug':
    case 'paused':
      report(`VMM error: the guest stopped for a debugger (${exit.kind}) with none attached`);
      return EXIT_VMM_ERROR;
  }
}
