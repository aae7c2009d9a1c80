// The virt machine's guest device tree, node for node as QEMU's virt writes it for one CPU and a GICv2
// (same names, properties, order and phandles), each device writing its own node.
import { createHash, randomBytes } from 'node:crypto';
import { FdtWriter } from '../../src/fdt/fdt-writer.js';
import { gicSpiCells } from '../../src/fdt/gic-cells.js';
import { DeviceTreeBuilder, Phandles, toCells, writeFixedClock, type DevicePlacement } from '../../src/qom/device-tree.js';
import { DeviceError } from '../../src/qom/device-error.js';
import type { SysBusDevice } from '../../src/qom/sys-bus-device.js';
import { writeDeviceTree as writeTimerNode } from '../../devices/generic-timer/index.js';
import { VIRT_MEMMAP } from './memory-map.js';
import type { VirtMachine } from './virt-machine.js';

export interface BootInfo {
  bootargs?: string;
  /** Where warnings about host properties a passthrough node goes without are reported (default: dropped). */
  warn?: (message: string) => void;
  initrd?: { start: number; end: number };
}

/** QEMU virt's APB clock, the machine's one clock: 24 MHz. */
const APB_PCLK_HZ = 24_000_000;

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

/** Where a fixed device sits: at its absolute address, its outputs on the GIC SPIs it is wired to. */
function placementOf(vm: VirtMachine, device: SysBusDevice): DevicePlacement {
  return {
    mmioAddress: (n) => {
      const address = device.mmioAddress(n);
      if (address === undefined) throw new DeviceError(`${device.label()}: MMIO region ${n} is not mapped`);
      return address;
    },
    interruptCells: (n, trigger) => {
      const spi = vm.spiOf.get(device);
      if (spi === undefined || !device.isIrqConnected(n)) throw new DeviceError(`${device.label()}: IRQ output ${n} is not wired to a GIC SPI`);
      return gicSpiCells(spi + n, trigger);
    },
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
  // Phandles in QEMU's order: the APB clock, the CPU, then the machine's devices in the order they were made
  // (a first pass writes their nodes into a scratch tree only to hand those out), then the bus's devices.
  const phandles = new Phandles();
  const apbPclk = { phandle: phandles.alloc(), hz: APB_PCLK_HZ };
  const cpu0 = phandles.alloc();
  const builderOptions = { phandles, clocks: { 'apb-pclk': apbPclk }, interruptParent: () => phandles.of(vm.gic) };
  const handOut = new DeviceTreeBuilder({ ...builderOptions, warn: () => {} });
  const scratch = new FdtWriter();
  scratch.beginNode('');
  for (const device of vm.fixedDevices) {
    if (device !== vm.platformBus) device.writeDeviceTree?.(scratch, handOut.context(device, placementOf(vm, device)));
  }
  const builder = new DeviceTreeBuilder({ ...builderOptions, warn: boot.warn ?? (() => {}) });

  const fdt = new FdtWriter();
  fdt.beginNode('');
  fdt.propertyCells('interrupt-parent', [phandles.of(vm.gic)]);
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

  // The machine's devices, the last made first, as QEMU's tree has them; the root nodes each asks for after it.
  for (const device of [...vm.fixedDevices].reverse()) {
    device.writeDeviceTree?.(fdt, builder.context(device, placementOf(vm, device)));
    builder.writeRootNodes(fdt);
  }
  const uartPath = `/pl011@${VIRT_MEMMAP.uart.base.toString(16)}`;

  fdt.beginNode('cpus');
  fdt.propertyCells('#size-cells', [0]);
  fdt.propertyCells('#address-cells', [1]);
  fdt.beginNode('cpu@0');
  fdt.propertyCells('phandle', [cpu0]);
  fdt.propertyCells('reg', [0]);
  fdt.propertyString('compatible', 'arm,cortex-a72');
  fdt.propertyString('device_type', 'cpu');
  fdt.endNode();
  fdt.endNode();

  writeTimerNode(fdt);

  writeFixedClock(fdt, { name: 'apb-pclk', phandle: apbPclk.phandle, hz: apbPclk.hz, outputName: 'clk24mhz' });

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
