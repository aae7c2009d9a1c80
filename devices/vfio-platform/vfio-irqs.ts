// The interrupts of a passthrough device, on one of two paths chosen per line when the platform bus wires it:
//
// resample (default, x-irqfd=on): the trigger eventfd drives the controller input directly; for a level
//   (automasked) IRQ the controller's end-of-interrupt notifier lowers the input and signals the unmask
//   eventfd, which the host consumes to unmask (KVM's irqfd with resamplefd). The regions stay on the fast
//   path and several IRQs may be active at once.
// user-side eventfd (x-irqfd=off, or no EOI notifier for the input): QEMU's TCG path. A trigger drops every
//   region to the trapped slow path and raises the line; only one IRQ is ACTIVE, later ones wait PENDING in
//   FIFO order; the first trapped access is taken as the guest's EOI (it lowers the line, unmasks an
//   automasked IRQ and injects the next pending one); a timer on the virtual clock brings the fast path back
//   once none is active (mmap-timeout-ms; 0 = never).
import type { IrqLine } from '../../src/core/irq.js';
import type { Timer } from '../../src/core/timers.js';
import { DeviceError } from '../../src/qom/device-error.js';
import type { MachineContext } from '../../src/qom/machine-context.js';
import { defineTraceEvent } from '../../src/trace/index.js';
import type { EventNotifier, IrqInfo, VfioDevice } from '../../src/vfio/host.js';
import type { VfioSession } from '../../src/vfio/session.js';
import { hostErrorText } from '../../src/vfio/session.js';
import {
  VFIO_IRQ_INFO_AUTOMASKED,
  VFIO_IRQ_SET_ACTION_TRIGGER,
  VFIO_IRQ_SET_ACTION_UNMASK,
  VFIO_IRQ_SET_DATA_EVENTFD,
  VFIO_IRQ_SET_DATA_NONE,
} from '../../src/vfio/uapi.js';

const traceInterrupt = defineTraceEvent('vfio_platform_intp_interrupt', 'Inject IRQ #%d (fd = %d)');
const traceSetPending = defineTraceEvent('vfio_intp_interrupt_set_pending', 'irq %d is set PENDING');
const traceEoi = defineTraceEvent('vfio_platform_eoi', 'EOI IRQ pin %d (fd=%d)');
const traceInjectPending = defineTraceEvent('vfio_platform_intp_inject_pending_lockheld', 'Inject pending IRQ #%d (fd = %d)');
const traceStillActive = defineTraceEvent('vfio_platform_intp_mmap_enable', 'IRQ #%d still active, stay in slow path');
const traceLevelIrqfd = defineTraceEvent('vfio_platform_start_level_irqfd_injection', 'IRQ index=%d, fd = %d, resamplefd = %d');
const traceEdgeIrqfd = defineTraceEvent('vfio_platform_start_edge_irqfd_injection', 'IRQ index=%d, fd = %d');
const traceFallback = defineTraceEvent('vfio_platform_irqfd_fallback', '%s: IRQ index %d on the user-side eventfd path: %s');
const traceResample = defineTraceEvent('vfio_platform_resample', 'EOI of IRQ index %d: line lowered, unmask signalled');

export type IntpState = 'inactive' | 'pending' | 'active';

/** One IRQ index of the device (QEMU's VFIOINTp). */
export class VfioIntp {
  state: IntpState = 'inactive';
  path: 'unconnected' | 'eventfd' | 'resample' = 'unconnected';
  /** Removes the EOI notifier (resample path). */
  stopResample: (() => void) | undefined;

  constructor(
    readonly pin: number,
    readonly flags: number,
    readonly line: IrqLine,
    readonly trigger: EventNotifier,
    /** Only for an automasked (level) IRQ. */
    readonly unmask: EventNotifier | undefined,
  ) {}

  get automasked(): boolean {
    return (this.flags & VFIO_IRQ_INFO_AUTOMASKED) !== 0;
  }
}

export interface VfioIrqOptions {
  name: string;
  device: VfioDevice;
  /** The VFIO host the device is on: its eventfds. */
  session: VfioSession;
  context: MachineContext;
  irqfdAllowed: boolean;
  mmapTimeoutMs: number;
  /** Switches every region between fast (mmap) and slow (trapped) path. */
  setFastPath: (enabled: boolean) => void;
}

export class VfioIrqs {
  readonly intps: VfioIntp[] = [];
  /** User-side path: IRQs waiting for the active one's EOI, oldest first. */
  readonly pendingQueue: VfioIntp[] = [];
  private readonly mmapTimer: Timer;

  constructor(private readonly options: VfioIrqOptions) {
    this.mmapTimer = options.context.clock.timers.create(`vfio ${options.name} mmap timer`, () => this.mmapTimerExpired());
  }

  /** Creates the IRQ object of index `info.index`: its trigger eventfd, and an unmask one if automasked. */
  add(info: IrqInfo, line: IrqLine): VfioIntp {
    const backend = this.options.session.backend;
    const trigger = backend.createEventNotifier();
    const unmask = info.flags & VFIO_IRQ_INFO_AUTOMASKED ? backend.createEventNotifier() : undefined;
    const intp = new VfioIntp(info.index, info.flags, line, trigger, unmask);
    this.intps.push(intp);
    return intp;
  }

  /**
   * The platform bus wired `intp`'s line (QEMU's connect_irq_notifier): start its injection, on the
   * resample path when allowed (and, for a level IRQ, the input has an EOI notifier), else on the user-side path.
   */
  start(intp: VfioIntp): void {
    const why = this.resampleUnavailable(intp);
    if (why === undefined) {
      this.startResample(intp);
      return;
    }
    traceFallback(this.options.name, intp.pin, why);
    this.startEventfd(intp);
  }

  /**
   * Why `intp` cannot take the resample path, if it cannot. An edge IRQ only needs its line (the trigger
   * pulses it, as QEMU passes no resample fd for edge); a level one needs the controller's EOI notifier,
   * which is registered here when there is one.
   */
  private resampleUnavailable(intp: VfioIntp): string | undefined {
    if (!this.options.irqfdAllowed) return 'x-irqfd is off';
    const destination = intp.line.destination;
    if (!destination) return 'the line is not wired';
    const { unmask } = intp; // an automasked IRQ's
    if (!unmask) return undefined;
    const context = this.options.context;
    if (!context.onEndOfInterrupt) return 'the machine has no end-of-interrupt notifiers';
    intp.stopResample = context.onEndOfInterrupt(destination, () => this.resample(intp, unmask));
    return intp.stopResample ? undefined : 'the line does not end at an interrupt controller input';
  }

  /** The first trapped access after an injection: the guest acknowledged the active IRQ (vfio_platform_eoi). */
  eoi(): void {
    const active = this.intps.find((intp) => intp.state === 'active');
    if (active) {
      traceEoi(active.pin, active.trigger.fd);
      active.state = 'inactive';
      active.line.lower();
      if (active.automasked) this.unmask(active);
    }
    const next = this.pendingQueue.shift();
    if (next) {
      traceInjectPending(next.pin, next.trigger.fd);
      next.state = 'active';
      next.line.raise();
    }
  }

  /** Tears every IRQ down: host signalling off, lines lowered, notifiers closed, timer gone. */
  close(): void {
    for (const intp of this.intps) {
      intp.stopResample?.();
      if (intp.path === 'resample' && intp.automasked) {
        this.tearDown(intp, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK, { count: 1, data: [null] }, 'UNMASK');
      }
      if (intp.path !== 'unconnected') this.tearDown(intp, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, { count: 0 }, 'TRIGGER');
      intp.trigger.close();
      intp.unmask?.close();
      intp.line.lower();
      intp.state = 'inactive';
    }
    this.pendingQueue.length = 0;
    this.mmapTimer.cancel();
    this.options.context.clock.timers.remove(this.mmapTimer);
  }

  private startResample(intp: VfioIntp): void {
    intp.path = 'resample';
    // Only drives the GIC input, as KVM's irqfd does in the kernel: safe to run as soon as the host signals.
    intp.trigger.setHandler(intp.automasked ? () => intp.line.raise() : () => intp.line.pulse(), { immediate: true });
    this.setIrqSignaling(intp, VFIO_IRQ_SET_ACTION_TRIGGER, intp.trigger);
    if (intp.unmask) {
      this.setIrqSignaling(intp, VFIO_IRQ_SET_ACTION_UNMASK, intp.unmask);
      traceLevelIrqfd(intp.pin, intp.trigger.fd, intp.unmask.fd);
    } else {
      traceEdgeIrqfd(intp.pin, intp.trigger.fd);
    }
  }

  /** The guest ended a level resample-path interrupt: lower the input, let the host unmask (it refires if still asserted). */
  private resample(intp: VfioIntp, unmask: EventNotifier): void {
    traceResample(intp.pin);
    intp.line.lower();
    unmask.signal();
  }

  private startEventfd(intp: VfioIntp): void {
    intp.path = 'eventfd';
    intp.trigger.setHandler(() => this.interrupt(intp));
    this.setIrqSignaling(intp, VFIO_IRQ_SET_ACTION_TRIGGER, intp.trigger);
  }

  /** The user-side handler of a trigger (vfio_intp_interrupt). */
  private interrupt(intp: VfioIntp): void {
    if (intp.state === 'inactive' && this.intps.some((other) => other.state !== 'inactive')) {
      intp.state = 'pending';
      traceSetPending(intp.pin);
      this.pendingQueue.push(intp);
      return;
    }
    // Already active or queued: coalesced, as the line is already high (QEMU would raise it again).
    if (intp.state !== 'inactive') return;
    traceInterrupt(intp.pin, intp.trigger.fd);
    intp.state = 'active';
    this.options.setFastPath(false);
    intp.line.raise();
    this.armMmapTimer();
  }

  private mmapTimerExpired(): void {
    const active = this.intps.find((intp) => intp.state === 'active');
    if (active) {
      traceStillActive(active.pin);
      this.armMmapTimer();
      return;
    }
    this.options.setFastPath(true);
  }

  private armMmapTimer(): void {
    if (this.options.mmapTimeoutMs === 0) return;
    this.mmapTimer.arm(this.options.context.clock.now() + this.options.mmapTimeoutMs * 1e6);
  }

  private setIrqSignaling(intp: VfioIntp, action: number, notifier: EventNotifier): void {
    try {
      this.options.device.setIrqs({ flags: VFIO_IRQ_SET_DATA_EVENTFD | action, index: intp.pin, start: 0, count: 1, data: [notifier] });
    } catch (error) {
      const name = action === VFIO_IRQ_SET_ACTION_TRIGGER ? 'TRIGGER' : 'UNMASK';
      throw new DeviceError(
        `vfio ${this.options.name}: Failed to set up ${name} eventfd signaling for interrupt index ${intp.pin}-0: VFIO_DEVICE_SET_IRQS failure: ${hostErrorText(error)}`,
        { cause: error },
      );
    }
  }

  /** VFIO_DEVICE_SET_IRQS DATA_NONE|ACTION_UNMASK (vfio_unmask_single_irqindex). */
  private unmask(intp: VfioIntp): void {
    try {
      this.options.device.setIrqs({ flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, index: intp.pin, start: 0, count: 1 });
    } catch (error) {
      this.options.context.log(`vfio ${this.options.name}: failed to unmask IRQ index ${intp.pin}: ${hostErrorText(error)}`);
    }
  }

  private tearDown(intp: VfioIntp, flags: number, set: { count: number; data?: readonly null[] }, action: string): void {
    try {
      this.options.device.setIrqs({ flags, index: intp.pin, start: 0, ...set });
    } catch (error) {
      this.options.context.log(
        `vfio ${this.options.name}: Failed to tear down ${action} eventfd signaling for interrupt index ${intp.pin}-0: ${hostErrorText(error)}`,
      );
    }
  }
}
