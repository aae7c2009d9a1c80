// Copies a parsed ELF image into guest RAM, zero-filling .bss, with errors that name the segment.
import type { HostMemory } from '../cpu/host-memory.js';
import type { ElfImage } from './elf.js';

export function loadElfIntoRam(image: ElfImage, ram: HostMemory, ramBase: number, what = 'ELF image'): void {
  for (const [i, seg] of image.segments.entries()) {
    const start = seg.physicalAddress - ramBase;
    if (start < 0 || start + seg.memorySize > ram.size) {
      throw new Error(
        `${what}: segment ${i} at 0x${seg.physicalAddress.toString(16)}+0x${seg.memorySize.toString(16)} ` +
          `is outside RAM 0x${ramBase.toString(16)}-0x${(ramBase + ram.size - 1).toString(16)}`,
      );
    }
    ram.bytes.set(seg.data, start);
    ram.bytes.fill(0, start + seg.data.length, start + seg.memorySize);
  }
}
