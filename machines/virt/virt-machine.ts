// The `virt` machine: QEMU virt's memory map with one Cortex-A72, a GICv2, the generic timer, a PL011 and
// a PL031 on the common machine (RAM at 0x40000000, PSCI over HVC). The guest device tree is generated
// from its devices (virt-fdt.ts).
import type { VcpuOptions } from '../../src/cpu/vcpu.js';
import type { SysBusDevice } from '../../src/qom/sys-bus-device.js';
import { Machine } from '../../src/vmm/machine.js';
import { GIC_SPI_BASE, type GicDevice } from '../../devices/gic/gic-device.js';
import { GenericTimer } from '../../devices/generic-timer/index.js';
import type { Pl011 } from '../../devices/pl011.js';
import '../../devices/gic/gic-device.js';
import '../../devices/pl011.js';
import '../../devices/pl031.js';
import { VIRT_IRQMAP, VIRT_MEMMAP, VIRT_TIMER_PPIS } from './memory-map.js';

const PPI_BASE = 16;

export interface VirtMachineOptions extends VcpuOptions {
  /** RAM size in bytes (default 128 MiB). */
  ramSize?: number;
  /** Character backend of the PL011 (`stdio`, `file:PATH`, `memory`, `null`; default `memory`). */
  serial?: string;
}

export class VirtMachine extends Machine {
  readonly gic: GicDevice;
  readonly uart: Pl011;
  readonly rtc: SysBusDevice;
  readonly timer: GenericTimer;
  /** Where each fixed device's IRQ output 0 goes: its GIC SPI number (INTID - 32). */
  readonly spiOf = new Map<SysBusDevice, number>();

  constructor(options: VirtMachineOptions = {}) {
    super({ ...options, ram: { name: 'mach-virt.ram', base: VIRT_MEMMAP.ram.base, size: options.ramSize ?? 128 * 1024 * 1024 } });
    this.gic = this.addDevice<GicDevice>('arm-gic', 'gic', {}, [VIRT_MEMMAP.gicDist.base, VIRT_MEMMAP.gicCpu.base]);
    this.gic.connectIrq(0, (level) => this.vcpu.setIrq(level));
    this.uart = this.addDevice<Pl011>('pl011', 'pl011', { chardev: options.serial ?? 'memory' }, [VIRT_MEMMAP.uart.base]);
    this.wireSpi(this.uart, VIRT_IRQMAP.uart);
    this.uart.chardev.onInput = () => this.loop.wake();
    this.rtc = this.addDevice<SysBusDevice>('pl031', 'pl031', {}, [VIRT_MEMMAP.rtc.base]);
    this.wireSpi(this.rtc, VIRT_IRQMAP.rtc);

    this.timer = new GenericTimer(this.vcpu, this.loop);
    this.timer.virtualIrq.connect(this.gic.input(PPI_BASE + VIRT_TIMER_PPIS.virtual));
    this.timer.physicalIrq.connect(this.gic.input(PPI_BASE + VIRT_TIMER_PPIS.physical));
  }

  private wireSpi(device: SysBusDevice, spi: number): void {
    device.connectIrq(0, this.gic.input(GIC_SPI_BASE + spi));
    this.spiOf.set(device, spi);
  }

  override close(): void {
    this.uart.chardev.close();
    super.close();
  }
}
