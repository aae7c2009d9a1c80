// The fake host's eventfds: a counter that one side signals and the other reads. A VMM handler never runs
// inside signal(): signalled notifiers are queued and their handlers run from the backend's dispatch()
// between vCPU slices, with every signal since the last delivery coalesced into one call, as reading a
// real eventfd returns the whole count at once. The kernel model can consume a notifier itself (an
// irqfd-style mask/unmask "virqfd"): then, as in the kernel's wait-queue callback, its action runs at once
// and the counter never reaches the VMM.
import type { EventNotifier, HostEventSink } from '../host.js';

/** Descriptor numbers far above what the process has open, distinct across every fake host of the process. */
let nextFakeFd = 0x4000;

/** The notifiers of one fake host that have a delivery pending, in signalling order. */
export class NotifierQueue {
  private pending = new Set<FakeEventNotifier>();
  /** The set being delivered, swapped with `pending`: dispatch runs before every vCPU slice and must not allocate. */
  private delivering = new Set<FakeEventNotifier>();
  private sink: HostEventSink | undefined;

  attach(sink: HostEventSink): void {
    this.sink = sink;
  }

  enqueue(notifier: FakeEventNotifier): void {
    this.pending.add(notifier);
    this.sink?.kick();
  }

  forget(notifier: FakeEventNotifier): void {
    this.pending.delete(notifier);
  }

  /** Runs the handler of each signalled notifier once; signals raised by those handlers wait for the next call. */
  deliver(): void {
    if (this.pending.size === 0) return;
    const due = this.pending;
    this.pending = this.delivering;
    this.delivering = due;
    for (const notifier of due) notifier.deliver();
    due.clear();
  }
}

export class FakeEventNotifier implements EventNotifier {
  readonly fd = nextFakeFd++;
  private counter = 0;
  private handler: (() => void) | undefined;
  private immediate = false;
  private consumer: (() => void) | undefined;
  /** The consumer is running: a signal from inside it stays in the count (see signal()). */
  private consuming = false;
  private closed = false;

  constructor(private readonly queue: NotifierQueue) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** The unread count (what a read(2) would return now), for tests and debugging. */
  get count(): number {
    return this.counter;
  }

  signal(): void {
    const { consumer } = this;
    if (consumer) {
      // The kernel's eventfd never signals from inside its own wake-up (eventfd_signal's recursion guard), so
      // an action that signals its own eventfd again (one eventfd given as a level IRQ's trigger and as its
      // unmask: unmasking refires the IRQ, which signals it) leaves that signal in the count, consumed at the
      // next one, instead of recursing without end.
      if (this.consuming) this.counter++;
      else this.runConsumer(consumer);
      return;
    }
    if (this.closed) {
      this.counter++;
      return;
    }
    if (this.immediate && this.handler) {
      this.handler(); // read at once: the count never builds up
      return;
    }
    this.counter++;
    this.queue.enqueue(this);
  }

  setHandler(handler: (() => void) | undefined, options: { immediate?: boolean } = {}): void {
    this.handler = handler;
    this.immediate = options.immediate === true;
    if (handler && this.counter > 0 && !this.closed) this.queue.enqueue(this);
  }

  /**
   * Kernel side (vfio_virqfd_enable): `action` runs on every signal instead of the VMM seeing the count.
   * A count already pending is consumed at once, as the kernel checks for an event that fired before it
   * registered.
   */
  consume(action: () => void): void {
    this.consumer = action;
    if (this.counter > 0 && !this.consuming) {
      this.queue.forget(this);
      this.runConsumer(action);
    }
  }

  /** Reads the count back to zero and runs the kernel's action once, for however many signals it held. */
  private runConsumer(consumer: () => void): void {
    this.counter = 0;
    this.consuming = true;
    try {
      consumer();
    } finally {
      this.consuming = false;
    }
  }

  /** Kernel side (vfio_virqfd_disable). */
  stopConsuming(): void {
    this.consumer = undefined;
  }

  /**
   * The VMM closing its descriptor. The kernel may still hold the eventfd (a trigger keeps counting), but
   * nothing is delivered to the VMM any more.
   */
  close(): void {
    this.closed = true;
    this.handler = undefined;
    this.queue.forget(this);
  }

  /** Called by the queue from dispatch(). */
  deliver(): void {
    if (this.closed || this.counter === 0 || !this.handler) return;
    this.counter = 0;
    this.handler();
  }
}
