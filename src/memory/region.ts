// Memory regions: the tree a machine builds its address space from (QEMU's memory API, our own design).
// Kinds: containers (hold subregions), RAM and RAM-device (host memory: the guest's fast path), I/O
// (device ops: the trapped path) and aliases (a window onto another region). A subregion has an offset in
// its container, a priority (higher wins where siblings overlap; equal: the later one) and can be disabled.
import type { HostMemory } from '../cpu/host-memory.js';

export type Endianness = 'little' | 'big';

/** A device's MMIO operations. Offsets are relative to the region; sizes are 1, 2, 4 (or 8 from DMA). */
export interface MemoryOps {
  read(offset: number, size: number): number;
  write(offset: number, size: number, value: number): void;
  /** Access sizes the device accepts (others are invalid: logged, read as zero, ignored). Default 1..4. */
  valid?: { min: number; max: number };
  /** Largest access the device implements; wider valid accesses are split (little-endian order). */
  implMax?: number;
  endianness?: Endianness;
}

export type RegionKind = MemoryRegion['kind'];

export interface Subregion {
  offset: number;
  region: MemoryRegion;
  priority: number;
}

/**
 * A memory region: a container, RAM or RAM-device, I/O or an alias. The kind says which members it has (the
 * host memory behind RAM, a device's ops, an alias's target), so code that switches on it needs no checks.
 */
export type MemoryRegion = ContainerRegion | RamRegion | IoRegion | AliasRegion;

/** The regions a flattened view is made of: those the guest's accesses land in. */
export type LeafRegion = RamRegion | IoRegion;

/** What every kind of region has: its place in a container and whether it is enabled. */
abstract class RegionNode {
  /** The container this region is in and its offset there (set by the container). */
  placement: { container: ContainerRegion; offset: number } | undefined;
  enabled = true;
  private listeners = new Set<() => void>();

  protected constructor(
    readonly name: string,
    readonly size: number,
  ) {
    if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError(`memory region '${name}': size ${size} is not a positive integer`);
  }

  /** Disabling a region uncovers what lies beneath it (the way the fast path gives way to the trapped one). */
  setEnabled(enabled: boolean): void {
    if (this.enabled === enabled) return;
    this.enabled = enabled;
    this.changed();
  }

  get container(): ContainerRegion | undefined {
    return this.placement?.container;
  }

  /** Offset of this region in its container, or undefined if it is in none. */
  get offset(): number | undefined {
    return this.placement?.offset;
  }

  /** Called when this region or anything below it changes (address spaces recompute their view). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected changed(): void {
    for (const l of this.listeners) l();
    this.container?.changed();
    // An alias's target has no link back to its aliases: a change below a target reaches address spaces
    // through the target's own container, if any; aliases of a detached target see it at next commit.
  }
}

/** Holds subregions; it has no contents of its own. */
export class ContainerRegion extends RegionNode {
  readonly kind = 'container' as const;
  readonly subregions: Subregion[] = [];

  constructor(name: string, size: number) {
    super(name, size);
  }

  addSubregion(offset: number, region: MemoryRegion, priority = 0): void {
    if (region.container) throw new Error(`memory region '${region.name}' is already in '${region.container.name}'`);
    if (offset < 0 || offset + region.size > this.size) {
      throw new RangeError(
        `memory region '${region.name}' at 0x${offset.toString(16)}+0x${region.size.toString(16)} does not fit in '${this.name}' (size 0x${this.size.toString(16)})`,
      );
    }
    region.placement = { container: this, offset };
    // Kept in precedence order (higher priority first; on a tie, the later first) so flattening never sorts.
    const entry = { offset, region, priority };
    const at = this.subregions.findIndex((s) => s.priority <= priority);
    this.subregions.splice(at < 0 ? this.subregions.length : at, 0, entry);
    this.changed();
  }

  removeSubregion(region: MemoryRegion): void {
    const i = this.subregions.findIndex((s) => s.region === region);
    if (i < 0) throw new Error(`memory region '${region.name}' is not in '${this.name}'`);
    this.subregions.splice(i, 1);
    region.placement = undefined;
    this.changed();
  }
}

/** Host memory (whole or a page-aligned part of it) the guest reaches directly: RAM, or a device's mmap. */
export class RamRegion extends RegionNode {
  constructor(
    name: string,
    readonly kind: 'ram' | 'ram-device',
    readonly memory: HostMemory,
    readonly memoryOffset = 0,
    size = memory.size - memoryOffset,
  ) {
    if (memoryOffset < 0 || memoryOffset + size > memory.size) {
      throw new RangeError(
        `memory region '${name}': 0x${memoryOffset.toString(16)}+0x${size.toString(16)} is outside its host memory (0x${memory.size.toString(16)} bytes)`,
      );
    }
    super(name, size);
  }
}

/** A device's registers: every access goes through its ops (the trapped path). */
export class IoRegion extends RegionNode {
  readonly kind = 'io' as const;

  constructor(
    name: string,
    size: number,
    readonly ops: MemoryOps,
  ) {
    super(name, size);
  }
}

/** A window of `size` bytes onto `aliasOf`, from `aliasOffset` on. */
export class AliasRegion extends RegionNode {
  readonly kind = 'alias' as const;

  constructor(
    name: string,
    readonly aliasOf: MemoryRegion,
    readonly aliasOffset: number,
    size: number,
  ) {
    if (aliasOffset < 0 || aliasOffset + size > aliasOf.size) {
      throw new RangeError(
        `alias '${name}': 0x${aliasOffset.toString(16)}+0x${size.toString(16)} is outside '${aliasOf.name}' (size 0x${aliasOf.size.toString(16)})`,
      );
    }
    super(name, size);
  }
}

/** The ways to make a region, by kind. */
export const MemoryRegion = {
  container: (name: string, size: number): ContainerRegion => new ContainerRegion(name, size),
  /** RAM backed by host memory (whole or a page-aligned part of it). */
  ram: (name: string, memory: HostMemory, offset?: number, size?: number): RamRegion => new RamRegion(name, 'ram', memory, offset, size),
  /** Device memory the guest reaches directly (e.g. a passed-through region's mmap). */
  ramDevice: (name: string, memory: HostMemory, offset?: number, size?: number): RamRegion => new RamRegion(name, 'ram-device', memory, offset, size),
  io: (name: string, size: number, ops: MemoryOps): IoRegion => new IoRegion(name, size, ops),
  alias: (name: string, target: MemoryRegion, offset: number, size: number): AliasRegion => new AliasRegion(name, target, offset, size),
};
