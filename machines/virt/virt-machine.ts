// The `virt` machine: QEMU virt's memory map with one Cortex-A72, a GICv2, the generic timer, a PL011,
// a PL031, PSCI over HVC and RAM at 0x40000000. Devices are objects under /machine; the guest device tree
// is generated from them (virt-fdt.ts).
import { HostMemory } from '../../src/cpu/host-memory.js';
import { Vcpu, type VcpuOptions } from '../../src/cpu/vcpu.js';
import { RunLoop, type ExitReason } from '../../src/core/run-loop.js';
import { AddressSpace } from '../../src/memory/address-space.js';
import { CpuMemoryMap } from '../../src/memory/cpu-map.js';
import { MemoryRegion } from '../../src/memory/region.js';
import type { ArmObject } from '../../src/qom/object.js';
import { provideMachineContext } from '../../src/qom/machine-context.js';
import type { SysBusDevice } from '../../src/qom/sys-bus-device.js';
import { cast, defaultRegistry } from '../../src/qom/types.js';
import { Psci } from '../../src/vmm/psci.js';
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

export class VirtMachine {
  readonly vcpu: Vcpu;
  readonly loop: RunLoop;
  readonly ram: HostMemory;
  readonly system = MemoryRegion.container('system', 2 ** 40);
  readonly memory: AddressSpace;
  readonly root: ArmObject;
  readonly machine: ArmObject;
  readonly gic: GicDevice;
  readonly uart: Pl011;
  readonly rtc: SysBusDevice;
  readonly timer: GenericTimer;
  /** Where each fixed device's IRQ output 0 goes: its GIC SPI number (INTID - 32). */
  readonly spiOf = new Map<SysBusDevice, number>();

  constructor(options: VirtMachineOptions = {}) {
    const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
    this.vcpu = new Vcpu(options);
    this.loop = new RunLoop(this.vcpu);
    this.memory = new AddressSpace('memory', this.system, log);
    this.memory.addListener(new CpuMemoryMap(this.vcpu, log));
    this.ram = new HostMemory(options.ramSize ?? 128 * 1024 * 1024);
    this.system.addSubregion(VIRT_MEMMAP.ram.base, MemoryRegion.ram('mach-virt.ram', this.ram));

    this.root = defaultRegistry.create('container');
    provideMachineContext(this.root, { clock: this.loop, log });
    this.machine = defaultRegistry.create('container');
    this.root.addChild('machine', this.machine);

    this.gic = this.add<GicDevice>('arm-gic', 'gic', {}, [VIRT_MEMMAP.gicDist.base, VIRT_MEMMAP.gicCpu.base]);
    this.gic.connectIrq(0, (level) => this.vcpu.setIrq(level));
    this.uart = this.add<Pl011>('pl011', 'pl011', { chardev: options.serial ?? 'memory' }, [VIRT_MEMMAP.uart.base]);
    this.wireSpi(this.uart, VIRT_IRQMAP.uart);
    this.uart.chardev.onInput = () => this.loop.wake();
    this.rtc = this.add<SysBusDevice>('pl031', 'pl031', {}, [VIRT_MEMMAP.rtc.base]);
    this.wireSpi(this.rtc, VIRT_IRQMAP.rtc);

    this.timer = new GenericTimer(this.vcpu, this.loop);
    this.timer.virtualIrq.connect(this.gic.input(PPI_BASE + VIRT_TIMER_PPIS.virtual));
    this.timer.physicalIrq.connect(this.gic.input(PPI_BASE + VIRT_TIMER_PPIS.physical));

    const psci = new Psci({ powerOff: (reason, status) => this.loop.stop(reason, status), reset: (reason) => this.loop.stop(reason, 0) });
    this.vcpu.onHypercall((cpu, call) => psci.handle(cpu, call));
  }

  /** Creates, configures, realizes and places a device at /machine/NAME. */
  private add<T extends SysBusDevice>(type: string, name: string, props: Record<string, string>, mmioAt: number[]): T {
    const device = cast<T>(defaultRegistry.create(type), 'sys-bus-device');
    this.machine.addChild(name, device);
    for (const [prop, text] of Object.entries(props)) device.setPropertyText(prop, text);
    device.realize();
    mmioAt.forEach((address, n) => this.system.addSubregion(address, device.mmio(n)));
    return device;
  }

  private wireSpi(device: SysBusDevice, spi: number): void {
    device.connectIrq(0, this.gic.input(GIC_SPI_BASE + spi));
    this.spiOf.set(device, spi);
  }

  run(options: { untilNs?: number } = {}): Promise<ExitReason> {
    return this.loop.run(options);
  }

  close(): void {
    this.uart.chardev.close();
    this.vcpu.close();
  }
}
