// What a machine gives the devices in its object tree: the virtual clock and the log. Devices find it by
// walking to the root of their tree, so a device works the same in a machine and alone in a test.
import type { VirtualClock } from '../core/clock.js';
import type { GuestErrorReporter } from '../core/guest-errors.js';
import type { IrqSink } from '../core/irq.js';
import type { VfioSession } from '../vfio/session.js';
import { DeviceError } from './device-error.js';
import type { ArmObject } from './object.js';

export interface MachineContext {
  clock: VirtualClock;
  /** Device warnings, one line each, naming the device. */
  log(message: string): void;
  /** Guest errors (rate-limited per source; the message is built only when logged). */
  guestError: GuestErrorReporter;
  /** The VFIO host passthrough devices use, when the machine has one. */
  vfio?: VfioSession;
  /**
   * The interrupt controller's end-of-interrupt notifier for the input `sink` is wired to (KVM's resample
   * irqfd): `callback` runs when the guest deactivates that interrupt. Undefined when `sink` is no
   * controller input or the machine offers none. Returns the function that removes the notifier.
   */
  onEndOfInterrupt?(sink: IrqSink, callback: () => void): (() => void) | undefined;
}

const contexts = new WeakMap<ArmObject, MachineContext>();

/** Makes `root` (the /machine object's tree root) hand `context` to every object below it. */
export function provideMachineContext(root: ArmObject, context: MachineContext): void {
  contexts.set(root, context);
}

export function machineContextOf(object: ArmObject): MachineContext {
  const context = contexts.get(object.root);
  if (!context) throw new DeviceError(`'${object.path}' (type ${object.typeName}) is not part of a machine: it has no clock or log`);
  return context;
}
