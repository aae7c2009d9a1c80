// Guest-visible host memory: page-aligned, shared with the guest through pointer mappings (no copy), so
// device models read and write what the guest sees (DMA) and the guest sees what they wrote.
import { native } from './native.js';

export const PAGE_SIZE = 0x1000;

export class HostMemory {
  readonly buffer: ArrayBuffer;
  readonly bytes: Uint8Array;
  readonly view: DataView;

  constructor(readonly size: number) {
    if (!Number.isSafeInteger(size) || size <= 0 || size % PAGE_SIZE !== 0) {
      throw new RangeError(`host memory size ${size} is not a positive multiple of ${PAGE_SIZE}`);
    }
    this.buffer = native.allocateHostMemory(size);
    this.bytes = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
  }
}
