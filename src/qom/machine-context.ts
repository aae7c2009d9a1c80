// What a machine gives the devices in its object tree: the virtual clock and the log. Devices find it by
// walking to the root of their tree, so a device works the same in a machine and alone in a test.
import type { VirtualClock } from '../core/clock.js';
import { DeviceError } from './device-error.js';
import type { ArmObject } from './object.js';

export interface MachineContext {
  clock: VirtualClock;
  /** Guest errors and device warnings, one line each, naming the device. */
  log(message: string): void;
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
