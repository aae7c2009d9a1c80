// The debugger's view of guest memory: virtual addresses translated by the guest's current page tables
// (page-walk.ts), then RAM and device memory the guest reaches directly. Trapped device registers are not
// touched (a read there has side effects) and read as an error, like unmapped space.
import type { Vcpu } from '../cpu/vcpu.js';
import type { AddressSpace } from '../memory/address-space.js';
import { translate, type Translation } from './page-walk.js';

export class GuestMemory {
  constructor(
    private readonly vcpu: Vcpu,
    private readonly space: AddressSpace,
  ) {}

  /** Where `va` lands now, or why it does not. */
  translate(va: bigint): Translation {
    const regs = {
      sctlr: this.vcpu.readRegister('SCTLR_EL1'),
      tcr: this.vcpu.readRegister('TCR_EL1'),
      ttbr0: this.vcpu.readRegister('TTBR0_EL1'),
      ttbr1: this.vcpu.readRegister('TTBR1_EL1'),
    };
    return translate(va, regs, (pa) => {
      const bytes = this.physicalChunk(pa, 8);
      return bytes?.length === 8 ? bytes.readBigUInt64LE() : undefined;
    });
  }

  /** The bytes from `va` on, up to `length`: fewer when the range runs into unmapped memory, none at all then. */
  read(va: bigint, length: number): Buffer {
    const parts: Buffer[] = [];
    this.eachPiece(va, length, (pa, size) => {
      const bytes = this.physicalChunk(pa, size);
      if (bytes) parts.push(bytes);
      return bytes?.length === size;
    });
    return Buffer.concat(parts);
  }

  /** Writes all of `bytes` at `va`, or nothing when any of it is not writable memory. */
  write(va: bigint, bytes: Uint8Array): boolean {
    const pieces: { pa: bigint; from: number; size: number }[] = [];
    let from = 0;
    const whole = this.eachPiece(va, bytes.length, (pa, size) => {
      pieces.push({ pa, from, size });
      from += size;
      return this.isDirectMemory(pa, size);
    });
    if (!whole) return false;
    // Through the engine, so code written over is translated again.
    for (const p of pieces) this.vcpu.writeMemory(Number(p.pa), bytes.subarray(p.from, p.from + p.size));
    return true;
  }

  /** Calls `visit` for each physically contiguous piece of [va, va+length); false when a piece is unmapped or refused. */
  private eachPiece(va: bigint, length: number, visit: (pa: bigint, size: number) => boolean): boolean {
    let done = 0;
    while (done < length) {
      const t = this.translate(va + BigInt(done));
      if ('fault' in t) return false;
      const size = Number(t.size < BigInt(length - done) ? t.size : BigInt(length - done));
      if (!visit(t.physical, size)) return false;
      done += size;
    }
    return true;
  }

  /** The whole range is plain RAM (not device memory, where an access has effects beyond the bytes). */
  isRam(pa: bigint, size: number): boolean {
    const range = this.space.lookup(Number(pa));
    return range?.region.kind === 'ram' && Number(pa) + size <= range.start + range.size;
  }

  /** Up to `size` bytes of RAM or device memory at `pa` (fewer where it ends), or undefined when there is none. */
  private physicalChunk(pa: bigint, size: number): Buffer | undefined {
    const length = this.directBytes(pa, size);
    return length ? this.vcpu.readMemory(Number(pa), length) : undefined;
  }

  private isDirectMemory(pa: bigint, size: number): boolean {
    return this.directBytes(pa, size) === size;
  }

  /** How many of the `size` bytes from `pa` on are memory the guest reaches directly (RAM, device memory). */
  private directBytes(pa: bigint, size: number): number {
    const start = Number(pa);
    let at = start;
    while (at < start + size) {
      const range = this.space.lookup(at);
      if (!range || range.region.kind === 'io') break;
      at = Math.min(start + size, range.start + range.size);
    }
    return at - start;
  }
}
