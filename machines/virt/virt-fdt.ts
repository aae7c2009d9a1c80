// The virt machine's guest device tree, node for node as QEMU's virt writes it for one CPU and a GICv2
// (same names, properties, order and phandles), each device writing its own node.
import { createHash, randomBytes } from 'node:crypto';
import { FdtWriter } from '../../src/fdt/fdt-writer.js';
import { toCells, type DeviceTreeContext, type RootNodeWriter, type SysBusDevice } from '../../src/qom/sys-bus-device.js';
import { writeDeviceTree as writeTimerNode } from '../../devices/generic-timer/index.js';
import { gicSpiCells } from '../../devices/gic/gic-device.js';
import { VIRT_IRQMAP, VIRT_MEMMAP } from './memory-map.js';
import type { VirtMachine } from './virt-machine.js';

const PHANDLE_APB_PCLK = 0x8000;
const PHANDLE_CPU0 = 0x8001;
const PHANDLE_INTC = 0x8002;
/** Phandles handed to devices (rebuilt host clocks) start after the machine's own. */
const FIRST_DEVICE_PHANDLE = 0x8003;

export interface BootInfo {
  bootargs?: string;
  /** Where warnings about host properties a passthrough node goes without are reported (default: dropped). */
  warn?: (message: string) => void;
  initrd?: { start: number; end: number };
}

/**
 * /chosen/rng-seed, as QEMU's virt gives it: without one Linux's CRNG is not ready for a long while and
 * every random number is a full ChaCha block (each system call takes one for its stack offset: twenty times
 * the instructions). Random in a real-time run, as QEMU's; fixed in a deterministic one, which must give the
 * same run every time. No kaslr-seed: a kernel at fixed addresses matches its symbols, and KASLR would turn
 * on page-table isolation, which makes every system call dearer.
 */
function rngSeed(clock: 'deterministic' | 'realtime'): Uint8Array {
  if (clock === 'realtime') return new Uint8Array(randomBytes(32));
  return new Uint8Array(createHash('sha256').update('armvirt deterministic rng-seed').digest());
}

function machineClock(name: string, device?: SysBusDevice): number {
  if (name !== 'apb-pclk') throw new Error(`${device ? `${device.label()}: ` : ''}the virt machine has no clock '${name}'`);
  return PHANDLE_APB_PCLK;
}

function contextFor(vm: VirtMachine, device: SysBusDevice): DeviceTreeContext {
  return {
    mmioAddress: (n) => device.mmioAddress(n)!,
    interruptCells: (n, trigger) => {
      const spi = vm.spiOf.get(device);
      if (spi === undefined || n !== 0) throw new Error(`${device.label()}: IRQ output ${n} is not wired to a GIC SPI`);
      return gicSpiCells(spi, trigger);
    },
    clockPhandle: (name) => machineClock(name, device),
    addressCells: 2,
    sizeCells: 2,
  };
}

/**
 * With PL011s on the platform bus (added or passed through), `/aliases` numbers the serial ports: serial0 is
 * the machine's UART, then the bus's in bus order. Linux's amba-pl011 names ttyAMA<n> by alias; without one
 * it takes the first free number in probe order, and the bus node comes first in the tree, so a bus UART
 * would be ttyAMA0 and take the console. Newer QEMU writes serial0 for the same reason.
 */
function writeSerialAliases(fdt: FdtWriter, uartPath: string): void {
  const busUarts = fdt.pathsCompatibleWith('arm,pl011').filter((path) => path !== uartPath);
  if (busUarts.length === 0) return;
  fdt.beginNode('aliases');
  [uartPath, ...busUarts].forEach((path, n) => fdt.propertyString(`serial${n}`, path));
  fdt.endNode();
}

export function buildVirtDtb(vm: VirtMachine, boot: BootInfo = {}): Uint8Array {
  const fdt = new FdtWriter();
  fdt.beginNode('');
  fdt.propertyCells('interrupt-parent', [PHANDLE_INTC]);
  fdt.propertyString('model', 'linux,dummy-virt');
  fdt.propertyCells('#size-cells', [2]);
  fdt.propertyCells('#address-cells', [2]);
  fdt.propertyString('compatible', 'linux,dummy-virt');

  fdt.beginNode('psci');
  fdt.propertyCells('migrate', [0xc400_0005]);
  fdt.propertyCells('cpu_on', [0xc400_0003]);
  fdt.propertyCells('cpu_off', [0x8400_0002]);
  fdt.propertyCells('cpu_suspend', [0xc400_0001]);
  fdt.propertyString('method', 'hvc');
  fdt.propertyStringList('compatible', ['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci']);
  fdt.endNode();

  const ram = VIRT_MEMMAP.ram.base;
  fdt.beginNode(`memory@${ram.toString(16)}`);
  fdt.propertyCells('reg', [...toCells(ram, 2), ...toCells(vm.ram.size, 2)]);
  fdt.propertyString('device_type', 'memory');
  fdt.endNode();

  let nextPhandle = FIRST_DEVICE_PHANDLE;
  const rootNodes = new Map<string, RootNodeWriter>();
  vm.platformBus.writeBusNode(fdt, {
    base: VIRT_MEMMAP.platformBus.base,
    firstSpi: VIRT_IRQMAP.platformBus,
    intcPhandle: PHANDLE_INTC,
    nodeName: vm.platformBusNodeName,
    clockPhandle: (name) => machineClock(name),
    allocPhandle: () => nextPhandle++,
    rootNodes: <T extends RootNodeWriter>(key: string, create: () => T): T => {
      if (!rootNodes.has(key)) rootNodes.set(key, create());
      return rootNodes.get(key) as T;
    },
    warn: boot.warn ?? (() => {}),
    passthroughPolicy: vm.passthroughPolicy,
  });
  for (const nodes of rootNodes.values()) nodes.writeTo(fdt);
  vm.rtc.writeDeviceTree?.(fdt, contextFor(vm, vm.rtc));
  vm.uart.writeDeviceTree(fdt, contextFor(vm, vm.uart));
  const uartPath = `/pl011@${VIRT_MEMMAP.uart.base.toString(16)}`;
  vm.gic.writeIntcNode(fdt, contextFor(vm, vm.gic), PHANDLE_INTC);

  fdt.beginNode('cpus');
  fdt.propertyCells('#size-cells', [0]);
  fdt.propertyCells('#address-cells', [1]);
  fdt.beginNode('cpu@0');
  fdt.propertyCells('phandle', [PHANDLE_CPU0]);
  fdt.propertyCells('reg', [0]);
  fdt.propertyString('compatible', 'arm,cortex-a72');
  fdt.propertyString('device_type', 'cpu');
  fdt.endNode();
  fdt.endNode();

  writeTimerNode(fdt);

  fdt.beginNode('apb-pclk');
  fdt.propertyCells('phandle', [PHANDLE_APB_PCLK]);
  fdt.propertyString('clock-output-names', 'clk24mhz');
  fdt.propertyCells('clock-frequency', [24_000_000]);
  fdt.propertyCells('#clock-cells', [0]);
  fdt.propertyString('compatible', 'fixed-clock');
  fdt.endNode();

  writeSerialAliases(fdt, uartPath);

  fdt.beginNode('chosen');
  if (boot.initrd) {
    fdt.propertyCells('linux,initrd-end', toCells(boot.initrd.end, 2));
    fdt.propertyCells('linux,initrd-start', toCells(boot.initrd.start, 2));
  }
  if (boot.bootargs !== undefined) fdt.propertyString('bootargs', boot.bootargs);
  fdt.propertyString('stdout-path', uartPath);
  fdt.property('rng-seed', rngSeed(vm.vcpu.clock));
  fdt.endNode();

  fdt.endNode();
  return fdt.finish();
}
