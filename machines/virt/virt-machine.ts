// The `virt` machine: QEMU virt's memory map with one Cortex-A72, a GICv2, the generic timer, the devices
// that claim its places (PL011, PL031...: registerType's plug.fixed) and the platform bus for -device
// sysbus devices (plug.platformBus), on the common machine (RAM at 0x40000000, PSCI over HVC). The guest
// device tree is generated from its devices (virt-fdt.ts).
import '../../devices/index.js'; // every device type, for the places below and for -device
import type { VcpuOptions } from '../../src/cpu/vcpu.js';
import type { VfioBackend } from '../../src/vfio/host.js';
import { SysBusDevice } from '../../src/qom/sys-bus-device.js';
import type { TypeInfo } from '../../src/qom/type-info.js';
import type { RegisteredClass } from '../../src/qom/types.js';
import type { IrqSink } from '../../src/core/irq.js';
import { Machine } from '../machine.js';
import { GIC_SPI_BASE, GicDevice } from '../../devices/gic/gic-device.js';
import { GenericTimer } from '../../devices/generic-timer/index.js';
import { Pl011 } from '../../devices/pl011.js';
import { PlatformBus } from '../../devices/platform-bus.js';
import { PASSTHROUGH_POLICY, type PassthroughPolicy } from '../../devices/vfio-platform/machine-keys.js';
import type { Device } from '../../src/qom/device.js';
import { DeviceError } from '../../src/qom/device-error.js';
import { parseDeviceOptions } from '../../src/qom/device-options.js';
import { PLATFORM_BUS_NUM_IRQS, VIRT_DEVICE_PLACES, VIRT_IRQMAP, VIRT_MEMMAP, VIRT_TIMER_PPIS } from './memory-map.js';

const PPI_BASE = 16;

/** The machine's name in plug rules (`plug: { platformBus: ['virt'] }`) and `-M`. */
export const VIRT = 'virt';

type VirtPlace = (typeof VIRT_DEVICE_PLACES)[number];

export interface VirtMachineOptions extends VcpuOptions {
  /** The VFIO host -device vfio-platform uses (linux or fake); the machine closes it. */
  vfio?: VfioBackend;
  /** Rules for host properties of passthrough devices' guest nodes, by host compatible. */
  passthroughPolicy?: PassthroughPolicy;
  /** RAM size in bytes (default 128 MiB). */
  ramSize?: number;
  /** Character backend of the PL011 (`stdio`, `file:PATH`, `memory`, `null`; default `memory`). */
  serial?: string;
  /** Size of the platform bus window in bytes (default 32 MiB, as QEMU). */
  platformBusSize?: number;
  /** Name of the platform bus node: `platform` (default, QEMU up to 7.1) or `platform-bus` (QEMU 7.2+). */
  platformBusNodeName?: 'platform' | 'platform-bus';
}

export class VirtMachine extends Machine {
  readonly gic: GicDevice;
  readonly uart: Pl011;
  readonly timer: GenericTimer;
  readonly platformBus: PlatformBus;
  readonly platformBusNodeName: 'platform' | 'platform-bus';
  /** The machine's own devices in the order made (QEMU's): the GIC, the devices at their places, the platform bus. */
  readonly fixedDevices: SysBusDevice[] = [];
  /** The GIC SPI (INTID - 32) of each fixed device's IRQ output 0; output n, if wired, is on the next ones. */
  readonly spiOf = new Map<SysBusDevice, number>();
  private readonly placed = new Map<VirtPlace, SysBusDevice>();

  constructor(options: VirtMachineOptions = {}) {
    super({ ...options, ram: { name: 'mach-virt.ram', base: VIRT_MEMMAP.ram.base, size: options.ramSize ?? 128 * 1024 * 1024 } });
    if (options.passthroughPolicy) this.extensions.with(PASSTHROUGH_POLICY, options.passthroughPolicy);
    this.gic = this.addFixed(GicDevice, 'gic', {}, [VIRT_MEMMAP.gicDist.base, VIRT_MEMMAP.gicCpu.base]);
    this.gic.connectIrq(0, (level) => this.vcpu.setIrq(level));
    this.gic.connectIrq(1, (level) => this.vcpu.setFiq(level));

    // What the machine's options say about the device at a place, over what its type asks for there.
    const placeProperties: Partial<Record<VirtPlace, Record<string, string>>> = { uart: { chardev: options.serial ?? 'memory' } };
    const claims = this.placeClaims();
    for (const place of VIRT_DEVICE_PLACES) {
      const claim = claims.get(place);
      if (claim) this.fillPlace(place, claim.type, { ...claim.properties, ...placeProperties[place] });
    }
    this.uart = this.placedDevice('uart', Pl011);
    this.uart.chardev.onInput = () => this.loop.wake();
    this.uart.chardev.onQuit = (reason) => this.loop.stop(reason, 0);
    this.uart.chardev.onPowerDown = () => this.requestPowerDown();

    this.timer = new GenericTimer(this.vcpu, this.loop);
    this.timer.virtualIrq.connect(this.gic.input(PPI_BASE + VIRT_TIMER_PPIS.virtual));
    this.timer.physicalIrq.connect(this.gic.input(PPI_BASE + VIRT_TIMER_PPIS.physical));

    const busSize = options.platformBusSize ?? VIRT_MEMMAP.platformBus.size;
    this.platformBusNodeName = options.platformBusNodeName ?? 'platform';
    this.platformBus = this.addFixed(
      PlatformBus,
      'platform-bus',
      { 'num-irqs': String(PLATFORM_BUS_NUM_IRQS), 'mmio-size': String(busSize), 'node-name': this.platformBusNodeName },
      [VIRT_MEMMAP.platformBus.base],
    );
    for (let line = 0; line < PLATFORM_BUS_NUM_IRQS; line++) this.platformBus.connectIrq(line, this.gic.input(GIC_SPI_BASE + VIRT_IRQMAP.platformBus + line));
    this.spiOf.set(this.platformBus, VIRT_IRQMAP.platformBus);
  }

  /** The device at one of the machine's places, e.g. `placedDevice('rtc')`; undefined when no type claims it. */
  placedDevice(place: VirtPlace): SysBusDevice | undefined;
  placedDevice<T extends SysBusDevice>(place: VirtPlace, cls: RegisteredClass<T>): T;
  placedDevice(place: VirtPlace, cls?: RegisteredClass<SysBusDevice>): SysBusDevice | undefined {
    const device = this.placed.get(place);
    const held = device === undefined ? 'nothing' : `a ${device.typeName}`;
    if (cls && !(device instanceof cls)) throw new DeviceError(`virt: the ${place} place holds ${held}, not a ${cls.name}`);
    return device;
  }

  /**
   * Adds a device from a -device option (`TYPE,prop=value,...`) on the platform bus: its regions are placed
   * in the bus window and its IRQs on free bus lines. Only types whose plug rule names virt's platform bus are taken.
   */
  addDynamicDevice(optionText: string): Device {
    const options = parseDeviceOptions(optionText);
    if (
      options.help === undefined &&
      this.tree.registry.typeNames().includes(options.type) &&
      !this.tree.registry.get(options.type).pluggableOnPlatformBus(VIRT)
    ) {
      throw new DeviceError(
        `Option '-device ${options.type}' cannot be handled by this machine (it takes: ${this.tree.registry.platformBusTypes(VIRT).join(', ')})`,
      );
    }
    const device = this.tree.addFromOptions(optionText);
    try {
      if (!(device instanceof SysBusDevice)) throw new DeviceError(`'${device.typeName}' is not a sys-bus-device`);
      this.platformBus.link(device);
    } catch (error) {
      if (device.realized) device.unrealize(); // gives back what realize took (a passthrough's host device)
      device.unparent();
      throw DeviceError.from(error).prepend(`-device ${optionText}: `);
    }
    return device;
  }

  protected override endOfInterruptNotifier(sink: IrqSink, callback: () => void): (() => void) | undefined {
    return this.gic.onSinkDeactivate(sink, callback);
  }

  private addFixed<T extends SysBusDevice>(cls: RegisteredClass<T>, name: string, props: Readonly<Record<string, string>>, mmioAt: readonly number[]): T {
    const device = this.addDevice(cls, name, props, mmioAt);
    this.fixedDevices.push(device);
    return device;
  }

  /** The device type claiming each place, with its properties there; a place claimed twice is refused. */
  private placeClaims(): Map<VirtPlace, { type: TypeInfo; properties: Readonly<Record<string, string>> }> {
    const claims = new Map<VirtPlace, { type: TypeInfo; properties: Readonly<Record<string, string>> }>();
    for (const { type, fixed } of this.tree.registry.fixedTypes(VIRT)) {
      const place = VIRT_DEVICE_PLACES.find((p) => p === fixed.place);
      if (!place)
        throw new DeviceError(`type '${type.name}' claims virt's place '${fixed.place}', which virt does not have (places: ${VIRT_DEVICE_PLACES.join(', ')})`);
      const other = claims.get(place);
      if (other) throw new DeviceError(`types '${other.type.name}' and '${type.name}' both claim virt's place '${place}'`);
      claims.set(place, { type, properties: fixed.properties ?? {} });
    }
    return claims;
  }

  /** Makes the device of `type` at `place`: /machine/TYPE, mapped at the place's base, output 0 on its SPI. */
  private fillPlace(place: VirtPlace, type: TypeInfo, properties: Readonly<Record<string, string>>): void {
    const device = this.tree.add(type.name, type.name, properties);
    if (!(device instanceof SysBusDevice)) throw new DeviceError(`type '${type.name}' claims virt's place '${place}' but is not a sys-bus-device`);
    this.system.addSubregion(VIRT_MEMMAP[place].base, device.mmio(0));
    device.connectIrq(0, this.gic.input(GIC_SPI_BASE + VIRT_IRQMAP[place]));
    this.spiOf.set(device, VIRT_IRQMAP[place]);
    this.placed.set(place, device);
    this.fixedDevices.push(device);
  }
}
