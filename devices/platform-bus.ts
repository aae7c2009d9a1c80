// The platform bus of QEMU's virt (hw/core/platform-bus.c): a window of guest physical space and a set of
// GIC lines for devices added with -device. Each such device's MMIO regions are placed first-fit at their
// size rounded up to a power of two, its IRQ outputs take the first free lines; wiring a line calls the
// device's onIrqConnected, which is when a vfio-platform interrupt starts. The bus writes its own
// device-tree node and asks each device on it for its node, with bus-relative addresses.
import { MemoryRegion, type ContainerRegion } from '../src/memory/region.js';
import { prop, registerType } from '../src/qom/index.js';
import { DeviceError } from '../src/qom/device-error.js';
import { toCells, type DevicePlacement, type DeviceTreeContext } from '../src/qom/device-tree.js';
import { SysBusDevice } from '../src/qom/sys-bus-device.js';
import type { IrqLine } from '../src/core/irq.js';
import type { FdtWriter } from '../src/fdt/fdt-writer.js';
import { at } from '../src/util/at.js';

export class PlatformBus extends SysBusDevice {
  private windowRegion: ContainerRegion | undefined;
  private lines: IrqLine[] = [];
  /** The device whose IRQ output is on each bus line. */
  private lineUsers: (SysBusDevice | undefined)[] = [];
  /** Bus line of each linked device's IRQ outputs. */
  private readonly linesOf = new Map<SysBusDevice, Map<number, number>>();
  readonly devices: SysBusDevice[] = [];

  get window(): ContainerRegion {
    if (!this.windowRegion) throw new DeviceError(`${this.label()}: not realized`);
    return this.windowRegion;
  }

  get mmioSize(): number {
    return Number(this.getProperty('mmio-size'));
  }

  protected override onRealize(): void {
    const size = this.mmioSize;
    if (size <= 0) throw new DeviceError(`${this.label()}: mmio-size must be above 0`);
    this.windowRegion = MemoryRegion.container('platform bus', size);
    this.initMmio(this.windowRegion);
    const count = Number(this.getProperty('num-irqs'));
    this.lines = Array.from({ length: count }, () => this.initIrq());
    this.lineUsers = new Array<SysBusDevice | undefined>(count).fill(undefined);
  }

  /**
   * Places `device`'s regions in the window and wires its IRQ outputs to free lines (QEMU's
   * platform_bus_link_device). Nothing changes when something does not fit, or when the device refuses a
   * line it is given (vfio-platform starts its interrupt there and the host may say no).
   */
  link(device: SysBusDevice): void {
    const placed: { offset: number; size: number }[] = this.window.subregions.map((s) => ({ offset: s.offset, size: s.region.size }));
    const offsets = device.mmioRegions.map((region) => {
      if (region.container) return undefined;
      const offset = this.findFreeOffset(region.size, placed);
      if (offset === undefined) throw new DeviceError(`Platform Bus: Can not fit MMIO region of size ${region.size.toString(16)}`);
      placed.push({ offset, size: region.size });
      return offset;
    });
    const outputs = device.irqOutputs.map((_, n) => n).filter((n) => !device.isIrqConnected(n));
    const freeLines = this.lineUsers.flatMap((user, line) => (user === undefined ? [line] : []));
    if (outputs.length > freeLines.length) throw new DeviceError('Platform Bus: Can not fit IRQ line');

    const added = device.mmioRegions.filter((_, n) => offsets[n] !== undefined);
    device.mmioRegions.forEach((region, n) => {
      const offset = offsets[n];
      if (offset !== undefined) this.window.addSubregion(offset, region);
    });
    const lines = new Map<number, number>();
    this.linesOf.set(device, lines);
    try {
      outputs.forEach((n, i) => {
        const line = at(freeLines, i);
        this.lineUsers[line] = device;
        lines.set(n, line);
        // The device gets the bus line's destination itself (QEMU hands it the GIC's qemu_irq), so a device
        // that looks up its line's interrupt controller input (vfio-platform's EOI notifier) finds it. A bus
        // whose lines are not wired yet records the level on its own line instead.
        const busLine = at(this.lines, line);
        device.connectIrq(n, busLine.destination ?? ((level) => busLine.set(level)));
      });
    } catch (error) {
      for (const [n, line] of lines) {
        if (device.isIrqConnected(n)) device.irq(n).disconnect();
        this.lineUsers[line] = undefined;
      }
      this.linesOf.delete(device);
      for (const region of added) this.window.removeSubregion(region);
      throw error;
    }
    this.devices.push(device);
  }

  /** Offset of `device`'s region n in the window, or undefined when it is not on this bus. */
  mmioOffset(device: SysBusDevice, n: number): number | undefined {
    const region = device.mmio(n);
    return region.container === this.window ? region.offset : undefined;
  }

  /** Bus line of `device`'s IRQ output n, or undefined when it is not on this bus. */
  irqLine(device: SysBusDevice, n: number): number | undefined {
    return this.linesOf.get(device)?.get(n);
  }

  /**
   * The bus node (`simple-bus`, its window as `ranges`, 1/1 cells) and the node of each device on it, with
   * addresses relative to the window and interrupts on the bus's lines (QEMU's platform_bus_add_all_fdt_nodes).
   */
  override writeDeviceTree(fdt: FdtWriter, dt: DeviceTreeContext): void {
    const base = dt.mmioAddress(0);
    fdt.beginNode(`${this.getString('node-name') ?? 'platform'}@${base.toString(16)}`);
    fdt.propertyCells('interrupt-parent', [dt.interruptParent()]);
    fdt.propertyCells('ranges', [0, ...toCells(base, dt.addressCells), this.mmioSize]);
    fdt.propertyCells('#address-cells', [1]);
    fdt.propertyCells('#size-cells', [1]);
    fdt.propertyStringList('compatible', ['qemu,platform', 'simple-bus']);
    for (const device of this.devices) {
      if (!device.writeDeviceTree) throw new DeviceError(`Device ${device.typeName} can not be dynamically instantiated`);
      device.writeDeviceTree(fdt, dt.forChild(device, this.placementOf(device, dt)));
    }
    fdt.endNode();
  }

  private placementOf(device: SysBusDevice, dt: DeviceTreeContext): DevicePlacement {
    return {
      mmioAddress: (n) => {
        const offset = this.mmioOffset(device, n);
        if (offset === undefined) throw new DeviceError(`${device.label()}: MMIO region ${n} is not on the platform bus`);
        return offset;
      },
      interruptCells: (n, trigger) => {
        const line = this.irqLine(device, n);
        if (line === undefined) throw new DeviceError(`${device.label()}: IRQ output ${n} is not on the platform bus`);
        return dt.interruptCells(line, trigger);
      },
      addressCells: 1,
      sizeCells: 1,
    };
  }

  /** First offset, stepping by the size rounded up to a power of two, where [offset, offset+size) is free. */
  private findFreeOffset(size: number, placed: { offset: number; size: number }[]): number | undefined {
    const alignment = 2 ** Math.ceil(Math.log2(Math.max(size, 1)));
    for (let offset = 0; offset + size <= this.mmioSize; offset += alignment) {
      const overlaps = placed.some((p) => p.offset < offset + size && offset < p.offset + p.size);
      if (!overlaps) return offset;
    }
    return undefined;
  }
}

registerType({
  name: 'platform-bus-device',
  parent: 'sys-bus-device',
  cls: PlatformBus,
  description: 'The machine window and GIC lines where -device sysbus devices are placed',
  properties: [
    prop.uint32('num-irqs', { default: 64, description: 'IRQ lines on the bus' }),
    prop.size('mmio-size', { default: 32n * 1024n * 1024n, description: 'Size of the MMIO window' }),
    prop.enum('node-name', ['platform', 'platform-bus'], { description: "Name of the bus's device-tree node: QEMU's up to 7.1, or 7.2's" }),
  ],
});
