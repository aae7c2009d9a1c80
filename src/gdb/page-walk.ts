// Stage 1 translation of the EL1&0 regime (Arm ARM D8, VMSAv8-64): what a guest virtual address means under
// the guest's current SCTLR_EL1, TCR_EL1 and TTBR0/1_EL1, for the debugger's memory accesses. 4K, 16K and
// 64K granules, 48-bit output addresses, top-byte-ignore; permissions are not checked (a debugger reads what
// the kernel could). The Unicorn engine has no virtual-address API in 2.1.
import { hex } from '../util/hex.js';

export interface TranslationRegisters {
  sctlr: bigint;
  tcr: bigint;
  ttbr0: bigint;
  ttbr1: bigint;
}

/** A descriptor read at a guest physical address; undefined when nothing readable is there. */
export type DescriptorReader = (physical: bigint) => bigint | undefined;

/** `physical` maps `va`; the mapping holds for `size` more bytes, to the end of its page or block. */
export type Translation = { physical: bigint; size: bigint } | { fault: string };

const bits = (value: bigint, high: number, low: number) => (value >> BigInt(low)) & ((1n << BigInt(high - low + 1)) - 1n);
const OUTPUT_MASK = (1n << 48n) - 1n;

/** log2 of the granule: TCR.TG0 (0 4K, 1 64K, 2 16K) and TCR.TG1 (1 16K, 2 4K, 3 64K) encode it differently. */
function granuleBits(tcr: bigint, upper: boolean): number | undefined {
  const tg = Number(upper ? bits(tcr, 31, 30) : bits(tcr, 15, 14));
  return upper ? ({ 1: 14, 2: 12, 3: 16 } as Record<number, number>)[tg] : ({ 0: 12, 1: 16, 2: 14 } as Record<number, number>)[tg];
}

export function translate(va: bigint, regs: TranslationRegisters, read: DescriptorReader): Translation {
  va &= (1n << 64n) - 1n;
  if ((regs.sctlr & 1n) === 0n) {
    // MMU off: flat, up to the 48-bit physical space.
    return va >> 48n ? { fault: `${hex(va)} is beyond the physical address space (MMU off)` } : { physical: va, size: (1n << 48n) - va };
  }
  const upper = bits(va, 55, 55) === 1n;
  const tcr = regs.tcr;
  const tsz = Number(upper ? bits(tcr, 21, 16) : bits(tcr, 5, 0));
  const walkDisabled = upper ? bits(tcr, 23, 23) : bits(tcr, 7, 7);
  const topByteIgnored = upper ? bits(tcr, 38, 38) : bits(tcr, 37, 37);
  const granule = granuleBits(tcr, upper);
  const inputBits = 64 - tsz;
  if (granule === undefined || inputBits < 16 || inputBits > 48) return { fault: `TCR_EL1 ${hex(tcr)} has a reserved granule or size` };
  // Bits above the input size must all equal bit 55 (from bit 55 down when the top byte is ignored).
  const top = topByteIgnored ? bits(va, 55, inputBits) : bits(va, 63, inputBits);
  const topWidth = (topByteIgnored ? 56 : 64) - inputBits;
  if (top !== (upper ? (1n << BigInt(topWidth)) - 1n : 0n)) return { fault: `${hex(va)} is outside both translation ranges` };
  if (walkDisabled) return { fault: `${hex(va)}: translation through TTBR${upper ? 1 : 0}_EL1 is disabled (TCR_EL1.EPD${upper ? 1 : 0})` };

  const stride = granule - 3;
  let level = 4 - Math.ceil((inputBits - granule) / stride);
  let table = (upper ? regs.ttbr1 : regs.ttbr0) & OUTPUT_MASK & ~1n;
  for (;;) {
    const shift = granule + (3 - level) * stride;
    const indexHigh = Math.min(shift + stride, inputBits) - 1;
    const address = (table & ~((1n << 3n) - 1n)) + bits(va, indexHigh, shift) * 8n;
    const descriptor = read(address);
    if (descriptor === undefined) return { fault: `the level ${level} table entry for ${hex(va)} at ${hex(address)} is not in RAM` };
    const type = descriptor & 3n;
    if ((type & 1n) === 0n) return { fault: `${hex(va)} is not mapped (level ${level} translation fault)` };
    if (level === 3 || type === 1n) {
      if (level === 3 && type !== 3n) return { fault: `${hex(va)}: reserved level 3 descriptor ${hex(descriptor)}` };
      if (level < 3 && (level === 0 || (level === 1 && granule !== 12)))
        return { fault: `${hex(va)}: block descriptor at level ${level} is not allowed with this granule` };
      const blockSize = 1n << BigInt(shift);
      const offset = va & (blockSize - 1n);
      return { physical: (descriptor & OUTPUT_MASK & ~(blockSize - 1n)) | offset, size: blockSize - offset };
    }
    table = descriptor & OUTPUT_MASK & ~((1n << BigInt(granule)) - 1n);
    level++;
  }
}
