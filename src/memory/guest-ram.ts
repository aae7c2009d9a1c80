// A machine's RAM: host memory in banks of at most 4 GiB, because that is the most one Node.js buffer or
// typed array holds, and virt takes up to 255 GiB. RAM that fits in one bank is one region, as QEMU's
// `mach-virt.ram`; larger RAM is a container of banks the guest sees as one contiguous range. Loaders and
// tests reach the bytes through write/read/fill, which cross banks as needed.
import { HostMemory } from '../cpu/host-memory.js';
import { MemoryRegion } from './region.js';
import { at } from '../util/at.js';

export const RAM_BANK_BYTES = 2 ** 32;

export interface RamBank {
  /** Offset of the bank in RAM. */
  offset: number;
  memory: HostMemory;
}

export class GuestRam {
  readonly banks: readonly RamBank[];
  readonly region: MemoryRegion;

  constructor(
    readonly name: string,
    readonly size: number,
  ) {
    const banks: RamBank[] = [];
    for (let offset = 0; offset < size; offset += RAM_BANK_BYTES) banks.push({ offset, memory: new HostMemory(Math.min(RAM_BANK_BYTES, size - offset)) });
    this.banks = banks;
    const [first] = banks;
    if (first && banks.length === 1) {
      this.region = MemoryRegion.ram(name, first.memory);
    } else {
      const container = MemoryRegion.container(name, size);
      banks.forEach((bank, i) => container.addSubregion(bank.offset, MemoryRegion.ram(`${name}[${i}]`, bank.memory)));
      this.region = container;
    }
  }

  /** Copies `bytes` into RAM at `offset`. */
  write(offset: number, bytes: Uint8Array): void {
    this.forEachPiece(offset, bytes.length, (memory, at, from, length) => memory.bytes.set(bytes.subarray(from, from + length), at));
  }

  /** A copy of `length` bytes of RAM from `offset`. */
  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.forEachPiece(offset, length, (memory, at, from, n) => out.set(memory.bytes.subarray(at, at + n), from));
    return out;
  }

  fill(offset: number, length: number, value = 0): void {
    this.forEachPiece(offset, length, (memory, at, _from, n) => memory.bytes.fill(value, at, at + n));
  }

  /** Calls `piece(bank memory, offset in the bank, offset in the span, length)` for each bank the span touches. */
  private forEachPiece(offset: number, length: number, piece: (memory: HostMemory, at: number, from: number, length: number) => void): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new RangeError(`${this.name}: 0x${offset.toString(16)}+0x${length.toString(16)} is outside its 0x${this.size.toString(16)} bytes`);
    }
    for (let from = 0; from < length;) {
      const bank = at(this.banks, Math.floor((offset + from) / RAM_BANK_BYTES));
      const within = offset + from - bank.offset;
      const n = Math.min(length - from, bank.memory.size - within);
      piece(bank.memory, within, from, n);
      from += n;
    }
  }
}
