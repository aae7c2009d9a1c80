// What a machine gives each of its devices, handed to the device when it is made (MachineTree): what real
// hardware has around it. A device works the same in a machine and alone in a test (DeviceHarness), which
// builds the same tree with a context of its own.
import type { VirtualClock } from '../core/clock.js';
import type { GuestErrorReporter } from '../core/guest-errors.js';
import type { IrqSink } from '../core/irq.js';
import type { DmaMemory } from '../memory/address-space.js';

/**
 * Names something a machine offers one family of devices (a VFIO host, passthrough rules). The family
 * defines its keys; the object model knows none of them.
 */
export class ContextKey<T> {
  /** Only carries `T`, so that `extension(key)` is typed. */
  declare private readonly valueType: T;

  constructor(readonly description: string) {}
}

/** Values offered by key, each typed by its key: `new ContextExtensions().with(KEY, value)`. */
export class ContextExtensions {
  private readonly values = new Map<ContextKey<unknown>, unknown>();

  with<T>(key: ContextKey<T>, value: T): this {
    this.values.set(key, value);
    return this;
  }

  get<T>(key: ContextKey<T>): T | undefined {
    return this.values.get(key) as T | undefined;
  }
}

export interface MachineContext {
  /** Virtual time and timers on it. */
  readonly clock: VirtualClock;
  /** Device warnings that are not the guest's doing, one line each, naming the device. */
  log(message: string): void;
  /** Guest errors (rate-limited per source; the message is built only when logged). */
  readonly guestError: GuestErrorReporter;
  /** Guest physical memory as a bus master reaches it (DMA): RAM and devices, as the guest sees them. */
  readonly dma: DmaMemory;
  /** Asks for a system reset, as a watchdog's reset output does (armvirt ends the run: exit code 3). */
  requestReset(reason: string): void;
  /** Asks for the machine to power off, as a power controller does. */
  requestPowerOff(reason: string): void;
  /**
   * Calls `listener` whenever the machine is asked to power down politely (QEMU's `system_powerdown`, a
   * press of the power button the guest sees); returns the function that removes it.
   */
  onPowerDownRequest(listener: () => void): () => void;
  /**
   * The interrupt controller's end-of-interrupt notifier for the input `sink` is wired to (KVM's resample
   * irqfd): `callback` runs when the guest deactivates that interrupt. Undefined when `sink` is no
   * controller input or the machine offers none. Returns the function that removes the notifier.
   */
  onEndOfInterrupt?(sink: IrqSink, callback: () => void): (() => void) | undefined;
  /** What the machine offers under `key`, if anything. */
  extension<T>(key: ContextKey<T>): T | undefined;
}
