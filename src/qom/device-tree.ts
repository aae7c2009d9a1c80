// A device's view of the guest device tree being written (DeviceTreeContext), and the one way a machine and
// the device harness hand it out (DeviceTreeBuilder): phandles counted from QEMU's first one, each device's
// own phandle kept, fixed clocks made on first use, and the nodes a device needs at the root written after
// its own (the writer is one-pass, and a device on a bus writes inside the bus node).
import type { FdtWriter } from '../fdt/fdt-writer.js';

/** QEMU's first phandle (qemu_fdt_alloc_phandle): phandles count up from here. */
export const FIRST_PHANDLE = 0x8000;

/** Where the machine put a device, as its node says it: addresses in the parent's cells, interrupt specifiers. */
export interface DevicePlacement {
  /** Guest physical address (or bus offset) of MMIO region n: the node's unit address and `reg`. */
  mmioAddress(n: number): number;
  /** The interrupt specifier of IRQ output n for the node's `interrupts` (e.g. GIC `<0 spi flags>`). */
  interruptCells(n: number, trigger: 'level' | 'edge'): number[];
  /** Cells of an address and of a size in the parent node (#address-cells, #size-cells). */
  addressCells: number;
  sizeCells: number;
}

/** What the machine tells a device writing its own device-tree node. */
export interface DeviceTreeContext extends DevicePlacement {
  /** Phandle of a clock the machine has by name (QEMU virt's `apb-pclk`). */
  clockPhandle(name: string): number;
  /** Phandle of a `fixed-clock` node running at `hz` (the machine's own if it has one that fast), made on first use. */
  fixedClock(hz: number): number;
  /** The phandle of this device's node, for nodes that refer to it (an interrupt or GPIO controller). */
  phandle(): number;
  /** A phandle no other node of the tree uses (QEMU's qemu_fdt_alloc_phandle). */
  allocPhandle(): number;
  /** Phandle of the interrupt controller the device's IRQ outputs reach (a bus node's `interrupt-parent`). */
  interruptParent(): number;
  /**
   * State shared by the devices of one tree and written at the guest root after the node being written
   * (e.g. fixed clocks rebuilt from a host tree): one `new cls()` per tree, made on first use.
   */
  rootNodes<T extends RootNodeWriter>(cls: new () => T): T;
  /** Reports something the guest node goes without (QEMU's warn_report). */
  warn(message: string): void;
  /** The context of `child`, a device on this device's bus, as the bus places it. */
  forChild(child: object, placement: DevicePlacement): DeviceTreeContext;
}

/** Nodes a device needs at the guest root, written once the node being written is closed. */
export interface RootNodeWriter {
  writeTo(fdt: FdtWriter): void;
}

/** Splits `value` into `count` big-endian 32-bit cells, for `reg`. */
export function toCells(value: number, count: number): number[] {
  const cells: number[] = [];
  for (let i = count - 1; i >= 0; i--) cells.push(Math.floor(value / 2 ** (32 * i)) % 2 ** 32);
  return cells;
}

/** `reg` of one region: its address and size in the parent's cells. */
export function regCells(address: number, size: number, placement: DevicePlacement): number[] {
  return [...toCells(address, placement.addressCells), ...toCells(size, placement.sizeCells)];
}

/** A `fixed-clock` node in QEMU virt's shape (its `apb-pclk`): `name { phandle; clock-output-names; clock-frequency; #clock-cells; compatible }`. */
export function writeFixedClock(fdt: FdtWriter, clock: { name: string; phandle: number; hz: number; outputName?: string }): void {
  fdt.beginNode(clock.name);
  fdt.propertyCells('phandle', [clock.phandle]);
  fdt.propertyString('clock-output-names', clock.outputName ?? clock.name);
  fdt.propertyCells('clock-frequency', [clock.hz]);
  fdt.propertyCells('#clock-cells', [0]);
  fdt.propertyString('compatible', 'fixed-clock');
  fdt.endNode();
}

/** `clk24mhz`, `clk32768hz`: a clock's name from its rate, as Arm's boards name theirs. */
export function clockName(hz: number): string {
  if (hz % 1_000_000 === 0) return `clk${hz / 1_000_000}mhz`;
  if (hz % 1000 === 0) return `clk${hz / 1000}khz`;
  return `clk${hz}hz`;
}

/**
 * Phandles of one tree: counted up from QEMU's first, each device's own given on first request and kept,
 * and one per fixed-clock rate. A machine hands out its devices' phandles in the order it made them, as
 * QEMU does while building the machine (virt-fdt.ts).
 */
export class Phandles {
  private next = FIRST_PHANDLE;
  private readonly owned = new Map<object, number>();
  private readonly clocks = new Map<number, number>();

  alloc(): number {
    return this.next++;
  }

  of(owner: object): number {
    let phandle = this.owned.get(owner);
    if (phandle === undefined) this.owned.set(owner, (phandle = this.alloc()));
    return phandle;
  }

  /** The phandle of the fixed clock at `hz`. */
  clock(hz: number): number {
    let phandle = this.clocks.get(hz);
    if (phandle === undefined) this.clocks.set(hz, (phandle = this.alloc()));
    return phandle;
  }
}

export interface DeviceTreeBuilderOptions {
  phandles: Phandles;
  /** The machine's own clocks by name, written by the machine itself. */
  clocks: Readonly<Record<string, { phandle: number; hz: number }>>;
  /** The interrupt controller's phandle (asked for only when a node names it). */
  interruptParent(): number;
  warn(message: string): void;
}

export class DeviceTreeBuilder {
  /** By the class that shares them (rootNodes), or by `fixed-clock HZ`; written in the order first asked for. */
  private readonly pending = new Map<string | (new () => RootNodeWriter), RootNodeWriter>();
  /** Rates whose fixed-clock node this builder has written or will write. */
  private readonly clocksWritten = new Set<number>();

  constructor(private readonly options: DeviceTreeBuilderOptions) {}

  /** The context `owner` (a device) writes its node with, placed as `placement` says. */
  context(owner: object, placement: DevicePlacement): DeviceTreeContext {
    const { phandles, clocks } = this.options;
    return {
      ...placement,
      clockPhandle: (name) => {
        const clock = clocks[name];
        if (!clock) throw new Error(`the machine has no clock '${name}' (it has: ${Object.keys(clocks).join(', ')})`);
        return clock.phandle;
      },
      fixedClock: (hz) => this.fixedClock(hz),
      phandle: () => phandles.of(owner),
      allocPhandle: () => phandles.alloc(),
      interruptParent: () => this.options.interruptParent(),
      rootNodes: (cls) => this.rootNodes(cls),
      warn: (message) => this.options.warn(message),
      forChild: (child, childPlacement) => this.context(child, childPlacement),
    };
  }

  /** Writes the root nodes the devices written since the last call asked for (the writer is at the root). */
  writeRootNodes(fdt: FdtWriter): void {
    for (const nodes of this.pending.values()) nodes.writeTo(fdt);
    this.pending.clear();
  }

  private rootNodes<T extends RootNodeWriter>(cls: new () => T): T {
    const known = this.pending.get(cls);
    if (known instanceof cls) return known;
    const made = new cls();
    this.pending.set(cls, made);
    return made;
  }

  private fixedClock(hz: number): number {
    if (!Number.isInteger(hz) || hz <= 0 || hz > 0xffff_ffff)
      throw new RangeError(`a fixed clock of ${hz} Hz cannot be described: clock-frequency is a positive 32-bit integer`);
    const own = Object.values(this.options.clocks).find((clock) => clock.hz === hz);
    if (own) return own.phandle;
    // The phandle may come from an earlier pass that only handed phandles out: the node is this builder's to write.
    const phandle = this.options.phandles.clock(hz);
    if (!this.clocksWritten.has(hz)) {
      this.clocksWritten.add(hz);
      this.pending.set(`fixed-clock ${hz}`, { writeTo: (fdt) => writeFixedClock(fdt, { name: clockName(hz), phandle, hz }) });
    }
    return phandle;
  }
}
