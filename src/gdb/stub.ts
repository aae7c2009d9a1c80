// The gdb server (QEMU's -s/-S/-gdb): listens on a TCP or Unix socket, drives the machine's run loop in its
// place, holds the guest while gdb looks at it, and tells gdb why it stopped: a breakpoint, a watchpoint,
// a single step, Ctrl-C, a guest fault (reported as a signal; continuing ends the run as it would without
// gdb), or the guest's end (W with armvirt's exit code). One gdb at a time; another is turned away.
import { lstatSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { ExitReason, RunLoop } from '../core/run-loop.js';
import type { Vcpu } from '../cpu/vcpu.js';
import type { DebugStop } from '../cpu/vcpu-debug.js';
import type { Machine } from '../../machines/machine.js';
import type { GdbTarget } from './commands.js';
import { GdbConnection, type ConnectionOwner } from './connection.js';
import { DebugPoints } from './debug-points.js';
import { GuestMemory } from './guest-memory.js';
import { describeGdbListen, type GdbListenAddress } from './listen-address.js';
import { SIGNAL, type StopEvent } from './stop-reply.js';
import { rewindToStore } from './store-rewind.js';

export interface GdbStubOptions {
  listen: GdbListenAddress;
  /** -S: the guest does not start until gdb continues it. */
  waitForDebugger: boolean;
  log: (message: string) => void;
}

/** How a run ends once gdb is done with it: never held for a debugger. */
export type FinalExit = Exclude<ExitReason, { kind: 'debug' } | { kind: 'paused' }>;

type Action = { kind: 'resume'; step: boolean; pc?: bigint } | { kind: 'loop-stop' };

const TRAP: StopEvent = { signal: SIGNAL.TRAP };

/** The signal a guest fault is reported to gdb as; undefined for ends that are not faults. */
function faultSignal(exit: FinalExit): number | undefined {
  switch (exit.kind) {
    case 'exception':
      if (/abort/.test(exit.name)) return SIGNAL.SEGV;
      if (/alignment/.test(exit.name)) return SIGNAL.BUS;
      return exit.name === 'BRK' ? SIGNAL.TRAP : SIGNAL.ILL;
    case 'hypercall':
      return SIGNAL.ILL;
    case 'unmapped-access':
      return SIGNAL.BUS;
    case 'error':
      return SIGNAL.ABRT;
    default:
      return undefined;
  }
}

export class GdbStub implements GdbTarget, ConnectionOwner {
  readonly vcpu: Vcpu;
  readonly memory: GuestMemory;
  readonly points: DebugPoints;
  private readonly loop: RunLoop;
  private readonly server: Server;
  private connection: GdbConnection | undefined;
  halted: boolean;
  /** gdb resumed the guest and waits for a stop reply. */
  private waitingForStop = false;
  /** Why the stub asked the loop to pause, until it halts (a pause asked for by then is stale). */
  private pauseFor: 'interrupt' | 'connect' | 'attach' | undefined;
  private lastStop: StopEvent = TRAP;
  /** A guest fault gdb was shown; continuing ends the run with it. */
  private pendingExit: FinalExit | undefined;
  private killed = false;
  private loopStopRequested = false;
  private onAction: ((action: Action) => void) | undefined;

  private constructor(
    machine: Machine,
    private readonly options: GdbStubOptions,
  ) {
    this.vcpu = machine.vcpu;
    this.loop = machine.loop;
    this.memory = new GuestMemory(machine.vcpu, machine.memory);
    this.points = new DebugPoints(machine.vcpu, this.memory);
    this.halted = options.waitForDebugger;
    if (this.halted) this.vcpu.debug.holdClock(true);
    this.server = createServer((socket) => this.connected(socket));
    void this.loop.whenStopRequested().then(() => {
      this.loopStopRequested = true;
      this.onAction?.({ kind: 'loop-stop' });
    });
  }

  get target(): GdbTarget {
    return this;
  }

  /** Listens; fails with a message naming the address when it cannot. */
  static async listen(machine: Machine, options: GdbStubOptions): Promise<GdbStub> {
    const stub = new GdbStub(machine, options);
    const where = describeGdbListen(options.listen);
    if (options.listen.kind === 'unix') removeStaleSocket(options.listen.path, where);
    await new Promise<void>((resolve, reject) => {
      stub.server.once('error', (e: NodeJS.ErrnoException) =>
        reject(new Error(`gdb server: cannot listen on '${where}': ${e.code === 'EADDRINUSE' ? 'the address is in use' : e.message}`)),
      );
      const l = options.listen;
      stub.server.listen(l.kind === 'tcp' ? { host: l.host, port: l.port } : { path: l.path }, resolve);
    });
    if (options.waitForDebugger) options.log(`waiting for gdb on ${where} before starting the guest (-S)`);
    return stub;
  }

  /** Runs the guest under gdb's control until the run ends for good. */
  async run(untilNs: number): Promise<FinalExit> {
    for (;;) {
      if (this.halted) {
        const action = await this.nextAction();
        if (action.kind === 'resume') {
          if (this.pendingExit) return this.pendingExit;
          this.points.apply();
          if (action.pc !== undefined) this.vcpu.writeRegister('PC', action.pc);
          this.vcpu.debug.setStep(action.step);
        }
        this.halted = false;
        this.vcpu.debug.holdClock(false);
      }
      const exit = await this.loop.run({ untilNs });
      if (exit.kind === 'debug') {
        this.halt(this.debugStopReply(exit.stop));
      } else if (exit.kind === 'paused') {
        if (this.pauseFor === 'interrupt') this.halt({ signal: SIGNAL.INT });
        else if (this.pauseFor === 'attach') this.halt(TRAP, true);
        else if (this.pauseFor === 'connect') this.halt(undefined);
        // else: asked for before the guest stopped for another reason, and already answered
      } else {
        this.vcpu.debug.setStep(false);
        const signal = faultSignal(exit);
        if (signal === undefined || !this.waitingForStop) return exit;
        this.pendingExit = exit;
        this.halt({ signal });
      }
    }
  }

  /** Tells gdb the guest is gone (W and the exit code, unless gdb killed it) and stops listening. */
  async finish(exitCode: number): Promise<void> {
    if (this.connection && !this.killed) this.connection.sendExit(exitCode);
    await this.connection?.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.options.listen.kind === 'unix') rmSync(this.options.listen.path, { force: true });
  }

  // --- GdbTarget: what gdb's packets do ----------------------------------------------------------------

  stopReply(): StopEvent {
    return this.lastStop;
  }

  resume(step: boolean, pc?: bigint): void {
    this.waitingForStop = true;
    this.onAction?.({ kind: 'resume', step, ...(pc !== undefined ? { pc } : {}) });
  }

  detach(): void {
    this.points.clear();
    this.waitingForStop = false;
    if (this.halted) this.onAction?.({ kind: 'resume', step: false });
    else this.points.apply(); // between slices: the vCPU is not running
  }

  kill(): void {
    this.killed = true;
    this.loop.stop('killed by the debugger', 0);
  }

  /** vAttach: QEMU answers with a plain SIGTRAP stop. */
  attach(): void {
    if (!this.halted) return this.pause('attach');
    this.lastStop = TRAP;
    this.connection?.sendStop(TRAP);
  }

  // --- ConnectionOwner ---------------------------------------------------------------------------------

  interrupt(): void {
    if (!this.halted) this.pause('interrupt');
  }

  disconnected(connection: GdbConnection): void {
    if (connection !== this.connection) return;
    this.connection = undefined;
    this.waitingForStop = false;
    // No one can remove the points now. A held guest stays held until a debugger continues it, as in QEMU;
    // a running one runs on (between slices the vCPU is not running, so this is safe).
    this.points.clear();
    if (!this.halted) {
      this.points.apply();
      this.vcpu.debug.setStep(false);
    }
    if (this.halted) this.options.log('gdb disconnected; the guest stays stopped until a debugger continues it');
  }

  // --- internals ---------------------------------------------------------------------------------------

  private connected(socket: Socket): void {
    if (this.connection) {
      this.options.log('gdb server: a debugger is already attached; refusing another connection');
      socket.destroy();
      return;
    }
    socket.setNoDelay?.(true);
    this.connection = new GdbConnection(socket, this);
    // gdb expects a stopped target when it connects, as QEMU stops the VM then.
    if (!this.halted) this.pause('connect');
  }

  private pause(reason: 'interrupt' | 'connect' | 'attach'): void {
    this.pauseFor = reason;
    this.loop.pause();
  }

  /** Holds the guest; `reply` says why, and gdb gets it if it waits for it (after a resume or a vAttach). */
  private halt(reply: StopEvent | undefined, attached = false): void {
    this.halted = true;
    this.pauseFor = undefined;
    this.vcpu.debug.holdClock(true);
    if (reply !== undefined) this.lastStop = reply;
    if (reply !== undefined && (this.waitingForStop || attached)) this.connection?.sendStop(reply);
    this.waitingForStop = false;
    this.connection?.pump();
  }

  private debugStopReply(stop: DebugStop): StopEvent {
    if (stop.kind === 'breakpoint') return { ...TRAP, reason: `${this.points.breakpointKind(stop.pc)}:;` };
    if (stop.kind === 'watchpoint') {
      rewindToStore(stop, this.vcpu, this.memory);
      const address = this.points.watchedAddress(stop.dataAddress) ?? stop.dataAddress;
      const name = { write: 'watch', read: 'rwatch', access: 'awatch' }[stop.watch];
      return { ...TRAP, reason: `${name}:${address.toString(16)};` };
    }
    return TRAP;
  }

  private nextAction(): Promise<Action> {
    if (this.loopStopRequested) return Promise.resolve({ kind: 'loop-stop' });
    return new Promise((resolve) => {
      this.onAction = (action) => {
        this.onAction = undefined;
        resolve(action);
      };
    });
  }
}

/** QEMU replaces a socket left behind at the path; anything else there is an error. */
function removeStaleSocket(path: string, where: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new Error(`gdb server: cannot listen on '${where}': the path exists and is not a socket`);
  rmSync(path);
}
