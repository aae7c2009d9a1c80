// The object tree of one machine (`/machine` and the devices below it) and the context its devices are made
// with. A machine and the device-test harness both build their devices here, so a device under test is made,
// configured and realized exactly as in a machine.
import { Device } from './device.js';
import { DeviceError } from './device-error.js';
import { createDeviceFromOptions } from './device-options.js';
import type { MachineContext } from './machine-context.js';
import type { ArmObject } from './object.js';
import { defaultRegistry, type RegisteredClass, type TypeRegistry } from './types.js';

/** The context but for power-down requests, which the tree dispatches itself (requestPowerDown). */
export type MachineContextParts = Omit<MachineContext, 'onPowerDownRequest'>;

export class MachineTree {
  /** `/`; devices are under `machine` (`/machine`). */
  readonly root: ArmObject;
  readonly machine: ArmObject;
  readonly context: MachineContext;
  private readonly powerDownListeners = new Set<() => void>();

  constructor(
    parts: MachineContextParts,
    readonly registry: TypeRegistry = defaultRegistry,
  ) {
    this.context = {
      ...parts,
      onPowerDownRequest: (listener) => {
        this.powerDownListeners.add(listener);
        return () => void this.powerDownListeners.delete(listener);
      },
    };
    this.root = registry.create('container');
    this.machine = registry.create('container');
    this.root.addChild('machine', this.machine);
  }

  /**
   * Creates a device at /machine/NAME (of the type registered for class `type`, or named `type`), sets its
   * properties from `-device` text and realizes it; on failure nothing is left in the tree.
   */
  add<T extends Device>(type: RegisteredClass<T>, name: string, properties?: Readonly<Record<string, string>>): T;
  add(type: string, name: string, properties?: Readonly<Record<string, string>>): Device;
  add(type: string | RegisteredClass<Device>, name: string, properties: Readonly<Record<string, string>> = {}): Device {
    const device = asDevice(typeof type === 'string' ? this.registry.create(type, this.context) : this.registry.create(type, this.context));
    this.machine.addChild(name, device);
    try {
      for (const [property, text] of Object.entries(properties)) device.setPropertyText(property, text);
      device.realize();
    } catch (error) {
      device.unparent();
      throw error;
    }
    return device;
  }

  /** A device from a `-device` option, at /machine/peripheral/ID or /machine/peripheral-anon/device[N]. */
  addFromOptions(text: string): Device {
    return createDeviceFromOptions(text, { machine: this.machine, registry: this.registry, context: this.context });
  }

  /** Tells every device listening (a power button) that the machine is asked to power down. */
  requestPowerDown(): void {
    for (const listener of [...this.powerDownListeners]) listener();
  }

  /** The realized devices, depth first, in creation order. */
  realizedDevices(): Device[] {
    return realizedBelow(this.machine);
  }

  /**
   * Unrealizes every device, the last made first (a passthrough device's IRQ eventfds, mappings and device
   * fd). A device that fails to let go is reported through `report`; the rest still go.
   */
  unrealizeAll(report: (device: Device, error: unknown) => void): void {
    for (const device of this.realizedDevices().reverse()) {
      try {
        device.unrealize();
      } catch (error) {
        report(device, error);
      }
    }
  }
}

function asDevice(object: ArmObject): Device {
  if (!(object instanceof Device)) throw new DeviceError(`type '${object.typeName}' is not a device`);
  return object;
}

function realizedBelow(object: ArmObject): Device[] {
  return [...object.children.values()].flatMap((child) => [...realizedBelow(child), ...(child instanceof Device && child.realized ? [child] : [])]);
}
