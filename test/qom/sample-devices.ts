// Small device types the object-model tests are written against: a UART, a GIC to link to, and a
// vfio-platform look-alike whose realize can fail the way the real one does.
import { Device, DeviceError, prop, TypeRegistry } from '../../src/qom/index.js';

export class SampleSysBusDevice extends Device {}

export class SampleUart extends SampleSysBusDevice {
  readonly events: string[] = [];

  protected override onRealize(): void {
    this.events.push('realize');
  }

  protected override onUnrealize(): void {
    this.events.push('unrealize');
  }

  protected override onReset(): void {
    this.events.push('reset');
  }
}

export class SampleGic extends SampleSysBusDevice {}

/** Host devices the sample vfio-platform can find, as if in /sys/bus/platform/devices. */
export const HOST_DEVICES = new Set(['fff51000.ethernet']);

export class SampleVfioPlatform extends SampleSysBusDevice {
  /** Resources held while realized. */
  attached: string | undefined;

  protected override onRealize(): void {
    const name = this.getString('host') ?? this.getString('sysfsdev')?.split('/').pop();
    if (name === undefined) {
      throw new DeviceError('neither host nor sysfsdev is set', { hint: 'give host=NAME or sysfsdev=PATH' });
    }
    if (!HOST_DEVICES.has(name)) {
      throw new DeviceError(`no such host device: /sys/bus/platform/devices/${name}`).prepend(`vfio ${name}: `);
    }
    this.attached = name;
  }

  protected override onUnrealize(): void {
    this.attached = undefined;
  }
}

/** A registry holding the base types plus the samples. */
export function sampleRegistry(): TypeRegistry {
  const registry = new TypeRegistry();
  registry.register({
    name: 'sys-bus-device',
    parent: 'device',
    cls: SampleSysBusDevice,
    abstract: true,
    description: 'Base of memory-mapped devices',
  });
  registry.register({
    name: 'pl011',
    parent: 'sys-bus-device',
    cls: SampleUart,
    userCreatable: true,
    description: 'ARM PrimeCell PL011 UART',
    properties: [
      prop.string('chardev', { description: 'Character backend the UART talks to' }),
      prop.uint32('baudrate', { description: 'Initial baud rate', default: 115200 }),
      prop.bool('trace', { description: 'Log every register access', changeableAfterRealize: true }),
    ],
  });
  registry.register({ name: 'arm-gic', parent: 'sys-bus-device', cls: SampleGic, description: 'ARM GICv2' });
  registry.register({
    name: 'vfio-platform',
    parent: 'sys-bus-device',
    cls: SampleVfioPlatform,
    userCreatable: true,
    description: 'Host platform device assigned through VFIO',
    properties: [
      prop.string('host', { description: 'Host device name' }),
      prop.string('sysfsdev', { description: 'Host device sysfs path' }),
      prop.bool('x-no-mmap', { description: 'Trap every region access' }),
      prop.uint32('mmap-timeout-ms', { description: 'Slow-path time after an interrupt', default: 1100 }),
      prop.bool('x-irqfd', { description: 'Inject interrupts without leaving the kernel model', default: true }),
    ],
  });
  return registry;
}
