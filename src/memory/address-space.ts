// An address space: a root region, its flat view, the listeners that follow it (the vCPU's map), and host
// accesses through it (DMA) that reach RAM and devices exactly as the guest would.
import { findRange, flatten, type FlatRange } from './flat-view.js';
import { ioRead, ioWrite } from './access.js';
import type { MemoryRegion } from './region.js';

export interface MemoryListener {
  /** The new flat view after a commit. */
  commit(view: readonly FlatRange[]): void;
}

/** A host-side access (DMA) that hit no region. */
export class BusError extends Error {
  constructor(
    readonly address: number,
    readonly write: boolean,
    space: string,
  ) {
    super(`${space}: ${write ? 'write to' : 'read from'} unmapped address 0x${address.toString(16)}`);
    this.name = 'BusError';
  }
}

/** What a bus master (a DMA engine) reaches: guest physical memory, RAM and devices alike. */
export interface DmaMemory {
  /** Throws a BusError at the first address no region covers. */
  read(address: number, length: number): Uint8Array;
  write(address: number, bytes: Uint8Array): void;
}

export class AddressSpace implements DmaMemory {
  private flat: FlatRange[] = [];
  private readonly listeners: MemoryListener[] = [];

  constructor(
    readonly name: string,
    readonly root: MemoryRegion,
    private readonly log: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
  ) {
    root.onChange(() => this.commit());
    this.flat = flatten(root);
  }

  get view(): readonly FlatRange[] {
    return this.flat;
  }

  addListener(listener: MemoryListener): void {
    this.listeners.push(listener);
    listener.commit(this.flat);
  }

  /**
   * Every region change commits at once, so a vCPU unmaps a region before whoever removed it can give its
   * host memory back (the addon refuses to unmap memory a vCPU still maps).
   */
  private commit(): void {
    this.flat = flatten(this.root);
    for (const l of this.listeners) l.commit(this.flat);
  }

  /** Where `address` lands, for lookups and tests. */
  lookup(address: number): FlatRange | undefined {
    return findRange(this.flat, address);
  }

  /** Host read through the address space (DMA): RAM bytes directly, devices through their ops. */
  read(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.each(address, length, false, (r, regionOffset, pos, len) => {
      const region = r.region;
      if (region.kind !== 'io') {
        const at = region.memoryOffset + regionOffset;
        out.set(region.memory.bytes.subarray(at, at + len), pos);
        return;
      }
      for (let i = 0; i < len;) {
        const size = accessSize(regionOffset + i, len - i);
        const v = ioRead(
          region.ops,
          regionOffset + i,
          size,
          (m) => this.log(m()),
          () => `'${region.name}'`,
        );
        for (let b = 0; b < size; b++) out[pos + i + b] = Math.floor(v / 2 ** (8 * b)) & 0xff;
        i += size;
      }
    });
    return out;
  }

  /** Host write through the address space (DMA). */
  write(address: number, bytes: Uint8Array): void {
    this.each(address, bytes.length, true, (r, regionOffset, pos, len) => {
      const region = r.region;
      if (region.kind !== 'io') {
        region.memory.bytes.set(bytes.subarray(pos, pos + len), region.memoryOffset + regionOffset);
        return;
      }
      for (let i = 0; i < len;) {
        const size = accessSize(regionOffset + i, len - i);
        let v = 0;
        for (let b = 0; b < size; b++) v += (bytes[pos + i + b] ?? 0) * 2 ** (8 * b);
        ioWrite(
          region.ops,
          regionOffset + i,
          size,
          v,
          (m) => this.log(m()),
          () => `'${region.name}'`,
        );
        i += size;
      }
    });
  }

  private each(address: number, length: number, write: boolean, fn: (r: FlatRange, regionOffset: number, pos: number, len: number) => void) {
    let pos = 0;
    while (pos < length) {
      const addr = address + pos;
      const r = findRange(this.flat, addr);
      if (!r) throw new BusError(addr, write, this.name);
      const len = Math.min(length - pos, r.start + r.size - addr);
      fn(r, r.regionOffset + (addr - r.start), pos, len);
      pos += len;
    }
  }
}

/** Largest naturally aligned access (4, 2 or 1 bytes) at `offset` within `remaining` bytes. */
function accessSize(offset: number, remaining: number): number {
  if (remaining >= 4 && offset % 4 === 0) return 4;
  if (remaining >= 2 && offset % 2 === 0) return 2;
  return 1;
}
