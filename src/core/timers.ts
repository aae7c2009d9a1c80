// Timers on the virtual clock. The run loop runs the vCPU until the earliest deadline, then fires what is due.
// A timer fires a little after its deadline (the vCPU stops between blocks), so its callback is given both:
// a periodic timer re-arms at `deadline + period`, never `now + period`, and keeps its rate.

/** Runs when a timer fires: `now` is the virtual time, `deadline` the time it was armed for (<= now). */
export type TimerCallback = (now: number, deadline: number) => void;

export class Timer {
  /** Absolute virtual time in ns, or undefined when not armed. */
  deadline: number | undefined;

  constructor(
    readonly label: string,
    private readonly callback: TimerCallback,
    private readonly queue: TimerQueue,
  ) {}

  /** Arms (or re-arms) the timer to fire at absolute virtual time `deadlineNs`. */
  arm(deadlineNs: number): void {
    this.deadline = deadlineNs;
    this.queue.changed();
  }

  cancel(): void {
    this.deadline = undefined;
  }

  get armed(): boolean {
    return this.deadline !== undefined;
  }

  /** @internal */
  fire(now: number, deadline: number): void {
    this.deadline = undefined;
    this.callback(now, deadline);
  }
}

export class TimerQueue {
  private readonly timers: Timer[] = [];
  private onChange: () => void = () => {};

  create(label: string, callback: TimerCallback): Timer {
    const timer = new Timer(label, callback, this);
    this.timers.push(timer);
    return timer;
  }

  remove(timer: Timer): void {
    const i = this.timers.indexOf(timer);
    if (i >= 0) this.timers.splice(i, 1);
  }

  /** Earliest armed deadline, or Infinity. */
  nextDeadline(): number {
    let next = Infinity;
    for (const t of this.timers) if (t.deadline !== undefined && t.deadline < next) next = t.deadline;
    return next;
  }

  /** Fires every timer due at `now`, earliest first; a callback may re-arm its own or other timers. */
  fireDue(now: number): number {
    let fired = 0;
    for (;;) {
      let due: Timer | undefined;
      let dueAt = Infinity;
      for (const t of this.timers) {
        if (t.deadline !== undefined && t.deadline <= now && t.deadline < dueAt) [due, dueAt] = [t, t.deadline];
      }
      if (!due) return fired;
      due.fire(now, dueAt);
      fired++;
    }
  }

  /** The run loop listens so that a timer armed from a device callback shortens the current slice. */
  setChangeListener(listener: () => void): void {
    this.onChange = listener;
  }

  /** @internal */
  changed(): void {
    this.onChange();
  }
}
