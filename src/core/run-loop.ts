// The vCPU run loop: runs the guest in slices up to the next timer deadline, fires timers, idles on WFI
// (skipping virtual time in deterministic mode, sleeping on the host clock in real-time mode) and lets
// Node's event loop deliver host events between slices.
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { HypercallInfo, StopReason, Vcpu } from '../cpu/vcpu.js';
import { TimerQueue } from './timers.js';

export type ExitReason =
  | { kind: 'stopped'; reason: string; exitCode: number }
  | { kind: 'time-limit' }
  | { kind: 'hypercall'; call: HypercallInfo }
  /** pause() was called: the guest is held where it was, and run() continues it. */
  | { kind: 'paused' }
  | Extract<StopReason, { kind: 'exception' } | { kind: 'error' } | { kind: 'unmapped-access' } | { kind: 'debug' }>;

export interface RunLoopOptions {
  /** Longest slice in virtual ns, so host events and stops are looked at regularly (default 10 ms). */
  maxSliceNs?: number;
  /** Host ms between yields to Node's event loop while the guest is busy (default 10). */
  hostYieldMs?: number;
}

/** Host events handled between slices (a VFIO host's eventfds): `dispatch` runs their handlers. */
export interface HostEventSource {
  dispatch(): void;
}

export class RunLoop {
  readonly timers = new TimerQueue();
  private readonly hostEventSources: HostEventSource[] = [];
  /** A source kicked since the last dispatch: an idle wait must not start. */
  private hostEventsPending = false;
  private readonly maxSliceNs: number;
  private readonly hostYieldMs: number;
  private stopRequest: { reason: string; exitCode: number } | undefined;
  private pauseRequested = false;
  private readonly stopWaiters: (() => void)[] = [];
  private wakeIdle: (() => void) | undefined;
  private sliceDeadline = Infinity;
  private running = false;

  constructor(
    readonly vcpu: Vcpu,
    options: RunLoopOptions = {},
  ) {
    this.maxSliceNs = options.maxSliceNs ?? 10_000_000;
    this.hostYieldMs = options.hostYieldMs ?? 10;
    // A timer armed from inside a slice (an MMIO write) may be due before the slice ends: cut it short.
    this.timers.setChangeListener(() => {
      const next = this.timers.nextDeadline();
      if (this.running && next < this.sliceDeadline) {
        this.sliceDeadline = next;
        this.vcpu.setDeadline(next);
      }
      this.wake();
    });
  }

  /** Virtual time in ns. */
  now(): number {
    return this.vcpu.nowNs();
  }

  /** Ends run() with { kind: 'stopped' } (guest power-off, a fatal device error, Ctrl-C). */
  stop(reason: string, exitCode = 0): void {
    this.stopRequest ??= { reason, exitCode };
    this.vcpu.requestStop();
    this.wake();
    for (const resolve of this.stopWaiters.splice(0)) resolve();
  }

  /** Resolves once stop() has been called: a debugger holding the guest stops waiting for its user. */
  whenStopRequested(): Promise<void> {
    if (this.stopRequest) return Promise.resolve();
    return new Promise((resolve) => this.stopWaiters.push(resolve));
  }

  /** Ends run() with { kind: 'paused' } at the next block boundary (a debugger's interrupt); run() resumes. */
  pause(): void {
    this.pauseRequested = true;
    this.vcpu.requestStop();
    this.wake();
  }

  /** A host event arrived (from Node's event loop): ends an idle wait. */
  wake(): void {
    this.wakeIdle?.();
  }

  /**
   * Adds a source of host events, dispatched before every slice. The returned `kick` ends the current slice
   * (safe from a device callback: the slice ends at the next block boundary) or an idle wait, so an event
   * signalled while the guest runs is handled within one block.
   */
  addHostEventSource(source: HostEventSource): { kick(): void } {
    this.hostEventSources.push(source);
    return {
      kick: () => {
        this.hostEventsPending = true;
        if (this.running) this.vcpu.requestStop();
        this.wake();
      },
    };
  }

  removeHostEventSource(source: HostEventSource): void {
    const i = this.hostEventSources.indexOf(source);
    if (i >= 0) this.hostEventSources.splice(i, 1);
  }

  /** Runs the guest until it stops, or until virtual time `untilNs`. */
  async run(options: { untilNs?: number } = {}): Promise<ExitReason> {
    const until = options.untilNs ?? Infinity;
    let lastYield = performance.now();
    for (;;) {
      if (this.stopRequest) return this.takeStop(this.stopRequest);
      if (this.pauseRequested) {
        this.pauseRequested = false;
        return { kind: 'paused' };
      }
      // A handler may signal again (or Node's event loop may have): dispatch until quiet, a few rounds at most.
      for (let round = 0; round < 4 && (round === 0 || this.hostEventsPending); round++) {
        this.hostEventsPending = false;
        for (const source of this.hostEventSources) source.dispatch();
      }
      const now = this.now();
      this.timers.fireDue(now);
      if (this.stopRequest) return this.takeStop(this.stopRequest);
      if (now >= until) return { kind: 'time-limit' };

      this.sliceDeadline = Math.min(this.timers.nextDeadline(), until, now + this.maxSliceNs);
      this.running = true;
      let stop: StopReason;
      try {
        stop = this.vcpu.run(this.sliceDeadline);
      } finally {
        this.running = false;
      }
      switch (stop.kind) {
        case 'deadline':
        case 'stopped':
          break;
        case 'idle':
          await this.idle(until);
          lastYield = performance.now();
          break;
        default:
          return stop;
      }
      if (performance.now() - lastYield >= this.hostYieldMs) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
  }

  private takeStop({ reason, exitCode }: { reason: string; exitCode: number }): ExitReason {
    this.stopRequest = undefined;
    return { kind: 'stopped', reason, exitCode };
  }

  /** WFI: nothing to do until the next timer, a host event or `until`. */
  private async idle(until: number): Promise<void> {
    if (this.vcpu.interruptPending || this.stopRequest || this.pauseRequested || this.hostEventsPending) return;
    const next = Math.min(this.timers.nextDeadline(), until);
    if (this.vcpu.clock === 'deterministic') {
      if (next !== Infinity) {
        this.vcpu.advanceClock(next);
        return;
      }
      await this.waitForHostEvent(Infinity);
      return;
    }
    await this.waitForHostEvent((next - this.now()) / 1e6);
  }

  private async waitForHostEvent(timeoutMs: number): Promise<void> {
    const woken = new Promise<void>((resolve) => (this.wakeIdle = resolve));
    const ac = new AbortController();
    const timeout = timeoutMs === Infinity ? new Promise<void>(() => {}) : sleep(Math.max(0, timeoutMs), undefined, { signal: ac.signal }).catch(() => {});
    await Promise.race([woken, timeout]);
    ac.abort();
    this.wakeIdle = undefined;
  }
}
