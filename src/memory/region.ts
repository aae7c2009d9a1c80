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

export type RegionKind = 'container' | 'ram' | 'ram-device' | 'io' | 'alias';

export interface Subregion {
  offset: number;
  region: MemoryRegion;
  priority: number;
}

export class MemoryRegion {
  readonly subregions: Subregion[] = [];
  container: MemoryRegion | undefined;
  enabled = true;
  private listeners = new Set<() => void>();

  private constructor(
    readonly name: string,
    readonly kind: RegionKind,
    readonly size: number,
    readonly memory?: HostMemory,
    readonly memoryOffset = 0,
    readonly ops?: MemoryOps,
    readonly aliasOf?: MemoryRegion,
    readonly aliasOffset = 0,
  ) {
    if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError(`memory region '${name}': size ${size} is not a positive integer`);
  }

  static container(name: string, size: number): MemoryRegion {
    return new MemoryRegion(name, 'container', size);
  }

  /** RAM backed by host memory (whole or a page-aligned part of it). */
  static ram(name: string, memory: HostMemory, offset = 0, size = memory.size - offset): MemoryRegion {
    MemoryRegion.checkBacking(name, memory, offset, size);
    return new MemoryRegion(name, 'ram', size, memory, offset);
  }

  /** Device memory the guest reaches directly (e.g. a passed-through region's mmap). */
  static ramDevice(name: string, memory: HostMemory, offset = 0, size = memory.size - offset): MemoryRegion {
    MemoryRegion.checkBacking(name, memory, offset, size);
    return new MemoryRegion(name, 'ram-device', size, memory, offset);
  }

  static io(name: string, size: number, ops: MemoryOps): MemoryRegion {
    return new MemoryRegion(name, 'io', size, undefined, 0, ops);
  }

  static alias(name: string, target: MemoryRegion, offset: number, size: number): MemoryRegion {
    if (offset < 0 || offset + size > target.size) {
      throw new RangeError(`alias '${name}': 0x${offset.toString(16)}+0x${size.toString(16)} is outside '${target.name}' (size 0x${target.size.toString(16)})`);
    }
    return new MemoryRegion(name, 'alias', size, undefined, 0, undefined, target, offset);
  }

  private static checkBacking(name: string, memory: HostMemory, offset: number, size: number) {
    if (offset < 0 || offset + size > memory.size) {
      throw new RangeError(`memory region '${name}': 0x${offset.toString(16)}+0x${size.toString(16)} is outside its host memory (0x${memory.size.toString(16)} bytes)`);
    }
  }

  addSubregion(offset: number, region: MemoryRegion, priority = 0): void {
    if (this.kind !== 'container') throw new Error(`memory region '${this.name}' is ${this.kind}, not a container: it cannot hold '${region.name}'`);
    if (region.container) throw new Error(`memory region '${region.name}' is already in '${region.container.name}'`);
    if (offset < 0 || offset + region.size > this.size) {
      throw new RangeError(
        `memory region '${region.name}' at 0x${offset.toString(16)}+0x${region.size.toString(16)} does not fit in '${this.name}' (size 0x${this.size.toString(16)})`,
      );
    }
    region.container = this;
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
    region.container = undefined;
    this.changed();
  }

  /** Disabling a region uncovers what lies beneath it (the way the fast path gives way to the trapped one). */
  setEnabled(enabled: boolean): void {
    if (this.enabled === enabled) return;
    this.enabled = enabled;
    this.changed();
  }

  /** Offset of this region in its container, or undefined if it is in none. */
  get offset(): number | undefined {
    return this.container?.subregions.find((s) => s.region === this)?.offset;
  }

  /** Called when this region or anything below it changes (address spaces recompute their view). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
    this.container?.changed();
    // An alias's target has no link back to its aliases: a change below a target reaches address spaces
    // through the target's own container, if any; aliases of a detached target see it at next commit.
  }
}
