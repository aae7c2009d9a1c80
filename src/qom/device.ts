// The base of all devices (QEMU's DeviceState, type 'device'): properties configure a device while it is
// unrealized; realize() is the single place it acquires resources and may fail, leaving it unrealized.
// A device is made with its machine's context (clock, log, reset requests...), which it keeps.
import type { LazyMessage } from '../core/guest-errors.js';
import { DeviceError } from './device-error.js';
import type { MachineContext } from './machine-context.js';
import { ArmObject } from './object.js';
import type { PropertyDefinition } from './properties.js';
import type { TypeInfo } from './type-info.js';

export type DeviceState = 'unrealized' | 'realized';

export class Device extends ArmObject {
  /** The user's name for the device (`-device ...,id=NAME`). */
  id: string | undefined;
  private stateNow: DeviceState = 'unrealized';
  private readonly machineContext: MachineContext | undefined;
  private guestErrorSource: string | undefined;

  /** Made by a type registry; `context` is what the machine offers (MachineTree passes it). */
  constructor(type: TypeInfo, context?: MachineContext) {
    super(type);
    this.machineContext = context;
  }

  /** The machine's clock, log and requests (throws for a device made outside a machine). */
  get context(): MachineContext {
    if (!this.machineContext) throw new DeviceError(`'${this.label()}' (type ${this.typeName}) was made outside a machine: it has no clock or log`);
    return this.machineContext;
  }

  /** Reports a guest error of this device; `message` runs only when the line is logged (not rate-limited away). */
  guestError(message: LazyMessage): void {
    // The label is the rate limit's key, looked up on every guest error: built once, not per access.
    this.guestErrorSource ??= this.label();
    this.context.guestError(this.guestErrorSource, message);
  }

  get state(): DeviceState {
    return this.stateNow;
  }

  get realized(): boolean {
    return this.stateNow === 'realized';
  }

  get userCreatable(): boolean {
    return this.type.userCreatable;
  }

  /** How logs and errors name this device: its id, else its canonical path, else its type. */
  label(): string {
    return this.id ?? (this.parent ? this.path : this.typeName);
  }

  /** Checks required properties, then acquires resources (onRealize); on failure the device stays unrealized. */
  realize(): void {
    if (this.realized) throw new DeviceError(`device '${this.label()}' is already realized`);
    const unset = this.type.properties.filter((p) => p.required && this.getProperty(p.name) === undefined);
    if (unset.length) {
      const names = unset.map((p) => `'${p.name}'`).join(', ');
      throw new DeviceError(`${this.typeName}: required ${unset.length > 1 ? 'properties' : 'property'} ${names} not set`);
    }
    this.onRealize();
    this.stateNow = 'realized';
  }

  /** Releases what realize acquired; the device can then be reconfigured and realized again. */
  unrealize(): void {
    if (!this.realized) throw new DeviceError(`device '${this.label()}' cannot be unrealized: it is not realized`);
    this.onUnrealize();
    this.stateNow = 'unrealized';
  }

  /** Returns the device to its power-on state (machine reset); only a realized device has one. */
  reset(): void {
    if (!this.realized) throw new DeviceError(`device '${this.label()}' cannot be reset: it is not realized`);
    this.onReset();
  }

  /** Acquire resources here and throw a DeviceError on failure, having released what was acquired. */
  protected onRealize(): void {}

  protected onUnrealize(): void {}

  protected onReset(): void {}

  protected override checkPropertyChangeable(property: PropertyDefinition): void {
    if (this.realized && !property.changeableAfterRealize) {
      throw new DeviceError(`${this.typeName}: property '${property.name}' cannot be changed after the device is realized`);
    }
  }
}
