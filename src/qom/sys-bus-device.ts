// Memory-mapped devices (QEMU's SysBusDevice): a device declares its MMIO regions and IRQ outputs at
// realize; the machine places the regions and wires the outputs. Wiring an output calls onIrqConnected,
// which is where a device that needs to know its destination (vfio-platform) starts that interrupt.
import type { IrqSink } from '../core/irq.js';
import { IrqLine } from '../core/irq.js';
import type { MemoryRegion } from '../memory/region.js';
import type { FdtWriter } from '../fdt/fdt-writer.js';
import { Device } from './device.js';
import { DeviceError } from './device-error.js';
import { machineContextOf, type MachineContext } from './machine-context.js';
import { registerType } from './types.js';

/** What the machine tells a device writing its own device-tree node. */
export interface DeviceTreeContext {
  /** Guest physical address of MMIO region n (the node's unit address and `reg`). */
  mmioAddress(n: number): number;
  /** The interrupt specifier of IRQ output n for the node's `interrupts` (e.g. GIC `<0 spi flags>`). */
  interruptCells(n: number, trigger: 'level' | 'edge'): number[];
  /** Phandle of a clock the machine provides (QEMU virt's `apb-pclk`). */
  clockPhandle(name: string): number;
  /** Cells of an address and of a size in the parent node (#address-cells, #size-cells). */
  addressCells: number;
  sizeCells: number;
  /** A phandle no other node of the tree uses (QEMU's qemu_fdt_alloc_phandle). */
  allocPhandle?(): number;
  /**
   * State shared by the devices of one tree and written at the guest root after the bus (e.g. fixed clocks
   * rebuilt from the host): created by `create` on first use of `key`.
   */
  rootNodes?<T extends RootNodeWriter>(key: string, create: () => T): T;
  /** Reports something the guest node goes without (QEMU's warn_report). */
  warn?(message: string): void;
  /** The machine config's rules for passthrough devices' host properties, by host compatible. */
  passthroughPolicy?: PassthroughPolicy;
}

/** Nodes a device needs at the guest root, written by the machine once the bus node is closed. */
export interface RootNodeWriter {
  writeTo(fdt: FdtWriter): void;
}

/**
 * The machine config's say over one host compatible of a passthrough device: `deny` refuses it; `allow`
 * may carry property rules (names, `*` wildcards) that win over the generic binding's defaults.
 */
export type PassthroughPolicyEntry = { action: 'deny' } | { action: 'allow'; properties?: Readonly<Record<string, 'copy' | 'ignore'>> };
export type PassthroughPolicy = Readonly<Record<string, PassthroughPolicyEntry>>;

/** Splits `value` into `count` big-endian 32-bit cells, for `reg`. */
export function toCells(value: number, count: number): number[] {
  const cells: number[] = [];
  for (let i = count - 1; i >= 0; i--) cells.push(Math.floor(value / 2 ** (32 * i)) % 2 ** 32);
  return cells;
}

export class SysBusDevice extends Device {
  readonly mmioRegions: MemoryRegion[] = [];
  readonly irqOutputs: IrqLine[] = [];
  private guestErrorSource: string | undefined;

  /** The machine's clock and log (throws when the device is not in a machine). */
  get context(): MachineContext {
    return machineContextOf(this);
  }

  /** Reports a guest error of this device; `message` runs only when the line is logged (not rate-limited away). */
  guestError(message: () => string): void {
    // The label is the rate limit's key, looked up on every guest error: built once, not per access.
    this.guestErrorSource ??= this.label();
    this.context.guestError(this.guestErrorSource, message);
  }

  /** Forgets the regions and outputs realize declared, so a later realize declares them afresh. */
  override unrealize(): void {
    super.unrealize();
    this.mmioRegions.length = 0;
    this.irqOutputs.length = 0;
  }

  /** Declares MMIO region n (in order of calls). */
  protected initMmio(region: MemoryRegion): number {
    this.mmioRegions.push(region);
    return this.mmioRegions.length - 1;
  }

  /** Declares IRQ output n (in order of calls) and returns the line the device drives. */
  protected initIrq(): IrqLine {
    const line = new IrqLine(`${this.label()}.irq[${this.irqOutputs.length}]`);
    this.irqOutputs.push(line);
    return line;
  }

  mmio(n: number): MemoryRegion {
    const region = this.mmioRegions[n];
    if (!region) throw new DeviceError(`${this.label()}: no MMIO region ${n} (it has ${this.mmioRegions.length})`);
    return region;
  }

  irq(n: number): IrqLine {
    const line = this.irqOutputs[n];
    if (!line) throw new DeviceError(`${this.label()}: no IRQ output ${n} (it has ${this.irqOutputs.length})`);
    return line;
  }

  /** Wires IRQ output n to `sink` (a controller input); the device hears of it through onIrqConnected. */
  connectIrq(n: number, sink: IrqSink): void {
    this.irq(n).connect(sink);
    this.onIrqConnected(n);
  }

  isIrqConnected(n: number): boolean {
    return this.irq(n).connected;
  }

  /** Guest-visible physical address of MMIO region n, if the machine placed it. */
  mmioAddress(n: number): number | undefined {
    let region: MemoryRegion | undefined = this.mmio(n);
    let address = 0;
    while (region?.container) {
      address += region.offset!;
      region = region.container;
    }
    return region === this.mmio(n) ? undefined : address;
  }

  /** Called after IRQ output n was wired. */
  protected onIrqConnected(_n: number): void {}

  /** Writes the device's node for the guest's device tree; devices without one leave it out. */
  writeDeviceTree?(fdt: FdtWriter, context: DeviceTreeContext): void;
}

registerType({
  name: 'sys-bus-device',
  parent: 'device',
  cls: SysBusDevice,
  abstract: true,
  description: 'Base of memory-mapped devices: MMIO regions and IRQ outputs wired by the machine',
});
