// One IRQ of a device bound to vfio-platform, as the kernel handles it (vfio_platform_irq.c): requested with
// IRQF_NO_AUTOEN at open, so it is enabled only while a trigger eventfd is set and the user has not masked
// it. A level IRQ is automasked by its handler (disable_irq_nosync, masked = true) and fires again only after
// an UNMASK, and then only if the device still asserts the line: that UNMASK is the level IRQ's EOI. An edge
// IRQ just signals; one that arrives while the IRQ is disabled stays pending in the interrupt controller and
// is delivered when the IRQ is enabled again (the genirq resend).
import { defineTraceEvent } from '../../trace/index.js';
import type { IrqTrigger } from './description.js';
import type { FakeEventNotifier } from './event-notifier.js';

const traceSignal = defineTraceEvent('vfio_fake_irq_signal', '%s: IRQ %u signals its trigger eventfd (fd %d)');
const traceMask = defineTraceEvent('vfio_fake_irq_mask', '%s: IRQ %u %s');

export class FakeIrq {
  private trigger: FakeEventNotifier | undefined;
  private masked = false;
  /** The device's output: the level of a level IRQ. */
  private asserted = false;
  /** An edge that arrived while the IRQ was disabled. */
  private pendingEdge = false;
  /** Times the IRQ signalled its trigger eventfd: interrupts the host delivered, for the monitor and load tests. */
  fired = 0;
  /** The eventfds consumed by the kernel (vfio_virqfd_enable) to unmask / mask. */
  unmaskFd: FakeEventNotifier | undefined;
  maskFd: FakeEventNotifier | undefined;

  constructor(
    readonly label: string,
    readonly index: number,
    readonly kind: IrqTrigger,
  ) {}

  get isLevel(): boolean {
    return this.kind === 'level';
  }

  get isMasked(): boolean {
    return this.masked;
  }

  get triggerFd(): FakeEventNotifier | undefined {
    return this.trigger;
  }

  private get enabled(): boolean {
    return this.trigger !== undefined && !this.masked;
  }

  /** Device side: a level IRQ's line changes. */
  setLevel(asserted: boolean): void {
    this.asserted = asserted;
    if (asserted && this.enabled) this.handle();
  }

  get level(): boolean {
    return this.asserted;
  }

  /** Device side: an edge IRQ fires once. */
  pulse(): void {
    if (this.enabled) this.handle();
    else this.pendingEdge = true;
  }

  /** The kernel's handler: what runs when the interrupt is taken, or on a DATA_NONE/DATA_BOOL loopback. */
  handle(): void {
    if (this.isLevel) {
      if (this.masked) return; // IRQ_NONE
      this.masked = true;
      traceMask(this.label, this.index, 'automasked');
    }
    if (this.trigger) {
      traceSignal(this.label, this.index, this.trigger.fd);
      this.fired++;
      this.trigger.signal();
    }
  }

  /** vfio_set_trigger: the old eventfd is dropped (IRQ disabled), a new one enables the IRQ. */
  setTrigger(notifier: FakeEventNotifier | undefined): void {
    this.trigger = notifier;
    this.reevaluate();
  }

  mask(): void {
    if (this.masked) return;
    this.masked = true;
    traceMask(this.label, this.index, 'masked');
  }

  unmask(): void {
    if (!this.masked) return;
    this.masked = false;
    traceMask(this.label, this.index, 'unmasked');
    this.reevaluate();
  }

  /** vfio_platform_irq_cleanup at the last close: no trigger, no virqfds, nothing masked or pending. */
  release(): void {
    this.unmaskFd?.stopConsuming();
    this.maskFd?.stopConsuming();
    this.unmaskFd = this.maskFd = this.trigger = undefined;
    this.masked = false;
    this.pendingEdge = false;
  }

  /** On enable: a still-asserted level fires again, a pending edge is resent. */
  private reevaluate(): void {
    if (!this.enabled) return;
    if (this.isLevel && this.asserted) this.handle();
    else if (!this.isLevel && this.pendingEdge) {
      this.pendingEdge = false;
      this.handle();
    }
  }
}
