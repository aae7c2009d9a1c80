// Guest-visible host memory: page-aligned, shared with the guest through pointer mappings (no copy), so
// device models read and write what the guest sees (DMA) and the guest sees what they wrote.
import { native } from './native.js';

export const PAGE_SIZE = 0x1000;

/** Memory that someone else mapped (a device region's mmap) and how to give it back. */
interface ExistingMapping {
  buffer: ArrayBuffer;
  release?: () => void;
}

export class HostMemory {
  readonly buffer: ArrayBuffer;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  private releaseMapping: (() => void) | undefined;

  /** Allocates `size` bytes of zeroed memory; `existing` is HostMemory.wrap's. */
  constructor(
    readonly size: number,
    existing?: ExistingMapping,
  ) {
    if (!Number.isSafeInteger(size) || size <= 0 || size % PAGE_SIZE !== 0) {
      throw new RangeError(`host memory size ${size} is not a positive multiple of ${PAGE_SIZE}`);
    }
    this.buffer = existing?.buffer ?? native.allocateHostMemory(size);
    this.releaseMapping = existing?.release;
    this.bytes = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
  }

  /** Host memory over an existing page-aligned mapping (e.g. native.mapSharedFile); `release` unmaps it. */
  static wrap(buffer: ArrayBuffer, release?: () => void): HostMemory {
    return new HostMemory(buffer.byteLength, { buffer, release });
  }

  /**
   * Gives a wrapped mapping back now rather than when collected: the buffer becomes empty (detached), so a
   * stale view reads nothing instead of unmapped memory. While a vCPU maps it, the addon refuses (an Error
   * naming the vCPU and guest address) and the memory stays as it was: unmap it from the guest, or close the
   * vCPU, and release again. A no-op for allocated memory and once released.
   */
  release(): void {
    this.releaseMapping?.();
    this.releaseMapping = undefined;
  }
}
