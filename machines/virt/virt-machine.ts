// The `virt` machine: QEMU virt's memory map with one Cortex-A72, a GICv2, the generic timer, a PL011, a
// PL031 and the platform bus for -device sysbus devices, on the common machine (RAM at 0x40000000, PSCI
// over HVC). The guest device tree is generated from its devices (virt-fdt.ts).
import type { VcpuOptions } from '../../src/cpu/vcpu.js';
import type { VfioBackend } from '../../src/vfio/host.js';
import type { PassthroughPolicy, SysBusDevice } from '../../src/qom/sys-bus-device.js';
import { Machine } from '../../src/vmm/machine.js';
import { GIC_SPI_BASE, type GicDevice } from '../../devices/gic/gic-device.js';
import { GenericTimer } from '../../devices/generic-timer/index.js';
import type { Pl011 } from '../../devices/pl011.js';
import type { PlatformBus } from '../../devices/platform-bus.js';
import type { Device } from '../../src/qom/device.js';
import { DeviceError } from '../../src/qom/device-error.js';
import { createDeviceFromOptions, parseDeviceOptions } from '../../src/qom/device-options.js';
import { defaultRegistry } from '../../src/qom/types.js';
import '../../devices/gic/gic-device.js';
import '../../devices/platform-bus.js';
import '../../devices/pl011.js';
import '../../devices/pl031.js';
import '../../devices/vfio-platform/vfio-platform.js';
import { PLATFORM_BUS_NUM_IRQS, VIRT_IRQMAP, VIRT_MEMMAP, VIRT_TIMER_PPIS } from './memory-map.js';

const PPI_BASE = 16;

/** Device types -device may add (they go on the platform bus): QEMU's allow-list idea, with our types. */
export const VIRT_DYNAMIC_DEVICE_TYPES: string[] = ['pl011', 'pl031', 'vfio-platform'];

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
  readonly rtc: SysBusDevice;
  readonly timer: GenericTimer;
  readonly platformBus: PlatformBus;
  readonly platformBusNodeName: 'platform' | 'platform-bus';
  readonly passthroughPolicy: PassthroughPolicy | undefined;
  /** Where each fixed device's IRQ output 0 goes: its GIC SPI number (INTID - 32). */
  readonly spiOf = new Map<SysBusDevice, number>();

  constructor(options: VirtMachineOptions = {}) {
    super({ ...options, ram: { name: 'mach-virt.ram', base: VIRT_MEMMAP.ram.base, size: options.ramSize ?? 128 * 1024 * 1024 } });
    this.gic = this.addDevice<GicDevice>('arm-gic', 'gic', {}, [VIRT_MEMMAP.gicDist.base, VIRT_MEMMAP.gicCpu.base]);
    this.gic.connectIrq(0, (level) => this.vcpu.setIrq(level));
    this.gic.connectIrq(1, (level) => this.vcpu.setFiq(level));
    this.context.onEndOfInterrupt = (sink, callback) => this.gic.onSinkDeactivate(sink, callback);
    this.uart = this.addDevice<Pl011>('pl011', 'pl011', { chardev: options.serial ?? 'memory' }, [VIRT_MEMMAP.uart.base]);
    this.wireSpi(this.uart, VIRT_IRQMAP.uart);
    this.uart.chardev.onInput = () => this.loop.wake();
    this.uart.chardev.onQuit = (reason) => this.loop.stop(reason, 0);
    this.rtc = this.addDevice<SysBusDevice>('pl031', 'pl031', {}, [VIRT_MEMMAP.rtc.base]);
    this.wireSpi(this.rtc, VIRT_IRQMAP.rtc);

    this.timer = new GenericTimer(this.vcpu, this.loop);
    this.timer.virtualIrq.connect(this.gic.input(PPI_BASE + VIRT_TIMER_PPIS.virtual));
    this.timer.physicalIrq.connect(this.gic.input(PPI_BASE + VIRT_TIMER_PPIS.physical));

    const busSize = options.platformBusSize ?? VIRT_MEMMAP.platformBus.size;
    this.platformBus = this.addDevice<PlatformBus>('platform-bus-device', 'platform-bus', { 'num-irqs': String(PLATFORM_BUS_NUM_IRQS), 'mmio-size': String(busSize) }, [VIRT_MEMMAP.platformBus.base]);
    for (let line = 0; line < PLATFORM_BUS_NUM_IRQS; line++) this.platformBus.connectIrq(line, this.gic.input(GIC_SPI_BASE + VIRT_IRQMAP.platformBus + line));
    this.platformBusNodeName = options.platformBusNodeName ?? 'platform';
    this.passthroughPolicy = options.passthroughPolicy;
  }

  /**
   * Adds a device from a -device option (`TYPE,prop=value,...`) on the platform bus: its regions are placed
   * in the bus window and its IRQs on free bus lines. Only VIRT_DYNAMIC_DEVICE_TYPES (and their subtypes) are taken.
   */
  addDynamicDevice(optionText: string): Device {
    const options = parseDeviceOptions(optionText);
    if (options.help === undefined && defaultRegistry.typeNames().includes(options.type)) {
      const type = defaultRegistry.get(options.type);
      if (!VIRT_DYNAMIC_DEVICE_TYPES.some((allowed) => type.isA(allowed))) {
        throw new DeviceError(`Option '-device ${options.type}' cannot be handled by this machine (it takes: ${VIRT_DYNAMIC_DEVICE_TYPES.join(', ')})`);
      }
    }
    const device = createDeviceFromOptions(optionText, { machine: this.machine });
    try {
      this.platformBus.link(device as SysBusDevice);
    } catch (error) {
      if (device.realized) device.unrealize(); // gives back what realize took (a passthrough's host device)
      device.unparent();
      throw DeviceError.from(error).prepend(`-device ${optionText}: `);
    }
    return device;
  }

  private wireSpi(device: SysBusDevice, spi: number): void {
    device.connectIrq(0, this.gic.input(GIC_SPI_BASE + spi));
    this.spiOf.set(device, spi);
  }
}
