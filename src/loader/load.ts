// Copies a parsed ELF image into guest RAM, zero-filling .bss, with errors that name the segment.
import type { GuestRam } from '../memory/guest-ram.js';
import type { ElfImage } from './elf.js';

export function loadElfIntoRam(image: ElfImage, ram: GuestRam, ramBase: number, what = 'ELF image'): void {
  for (const [i, seg] of image.segments.entries()) {
    const start = seg.physicalAddress - ramBase;
    if (start < 0 || start + seg.memorySize > ram.size) {
      throw new Error(
        `${what}: segment ${i} at 0x${seg.physicalAddress.toString(16)}+0x${seg.memorySize.toString(16)} ` +
          `is outside RAM 0x${ramBase.toString(16)}-0x${(ramBase + ram.size - 1).toString(16)}`,
      );
    }
    ram.write(start, seg.data);
    ram.fill(start + seg.data.length, seg.memorySize - seg.data.length);
  }
}
