// The virtual clock devices see: now() in ns and timers on it. The run loop is one (time from the vCPU);
// ManualClock is another, stepped by hand, for device tests without a guest.
import { TimerQueue } from './timers.js';

export interface VirtualClock {
  now(): number;
  readonly timers: TimerQueue;
}

export class ManualClock implements VirtualClock {
  readonly timers = new TimerQueue();
  private nowNs = 0;

  now(): number {
    return this.nowNs;
  }

  /** Advances time by `ns`, firing each timer at its own deadline, in order. */
  step(ns: number): void {
    const end = this.nowNs + ns;
    for (;;) {
      const next = this.timers.nextDeadline();
      if (next > end) break;
      this.nowNs = Math.max(this.nowNs, next);
      this.timers.fireDue(this.nowNs);
    }
    this.nowNs = end;
  }
}
