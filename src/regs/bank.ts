// A device's register bank (Renode's register DSL, our own TS shape): registers declared once, each with
// its hooks, then the bank is the device's MMIO handler (guest side: access modes, masks, hooks, traces)
// and its typed register file (device side: `get`/`set` by name, no access modes). The device owns it: its
// label names the bank in logs and traces, and refused accesses are its guest errors.
// MMIO accesses are 1, 2 or 4 bytes, naturally aligned, inside one register (the vCPU splits 8-byte guest
// accesses in two). Anything else, and any offset without a register, reads as zero, ignores writes and is
// reported, never thrown: a guest must not be able to stop the VMM.
import { hex } from '../util/hex.js';
import type { LazyMessage } from '../core/guest-errors.js';
import { defineTraceEvent } from '../trace/index.js';
import { describeRegister } from './describe.js';
import { RegisterLayout, type Register } from './layout.js';
import type { IndexArgs, RegisterSpecs, RegisterValue, SetArgs } from './spec.js';
import { bytes } from './text.js';

const traceRead = defineTraceEvent('regbank_read', '%s: %u-byte read of %s at %#x -> %#x');
const traceWrite = defineTraceEvent('regbank_write', '%s: %u-byte write of %#x to %s at %#x');

/** The device a bank belongs to (a Device is one). */
export interface RegisterBankOwner {
  /** How logs and traces name the device: its id or canonical path. */
  label(): string;
  /** A guest error: an access that matches no register, or that the register's mode refuses. */
  guestError(message: LazyMessage): void;
}

export class RegisterBank<const S extends RegisterSpecs> {
  private readonly layout: RegisterLayout;
  private readonly words: Uint32Array;
  private readonly resetWords: Uint32Array;
  private labelNow: string | undefined;

  /** Declares the registers of `owner`; hooks that read the bank back need their return type written out. */
  constructor(
    private readonly owner: RegisterBankOwner,
    specs: S,
  ) {
    this.layout = new RegisterLayout(() => owner.label(), specs);
    this.resetWords = this.layout.resetWords();
    this.words = this.resetWords.slice();
  }

  /** The owner's label, taken at the first access (the device is in its machine by then) and kept: traces cost no lookup. */
  get label(): string {
    this.labelNow ??= this.owner.label();
    return this.labelNow;
  }

  /** MMIO read (guest side). */
  read(offset: number, size: number): number {
    const register = this.accessed(offset, size);
    if (!register) return 0;
    if (register.access === 'WO') {
      this.owner.guestError(() => `${this.label}: read of write-only register ${register.name} at offset ${hex(offset)} (${bytes(size)}) reads as zero`);
      return 0;
    }
    const relative = offset - register.offset;
    const word = register.word + (relative >> 2);
    const stored = register.onRead ? this.hookedRead(register, register.onRead, relative >> 2) : (this.words[word] ?? 0);
    const returned = stored & (register.readMask[relative >> 2] ?? 0) & accessMask(size, relative);
    if (register.access === 'RC') this.words[word] = (this.words[word] ?? 0) & ~returned;
    const value = returned >>> ((relative & 3) * 8);
    traceRead(this.label, size, register.name, offset, value);
    return value;
  }

  /** MMIO write (guest side): a sub-word write changes only its bytes, as the register's mode says. */
  write(offset: number, size: number, value: number): void {
    const register = this.accessed(offset, size, value);
    if (!register) return;
    if (register.access === 'RO' || register.access === 'RC') {
      this.owner.guestError(
        () =>
          `${this.label}: write of ${hex(value)} to ${register.access === 'RO' ? 'read-only' : 'read-to-clear'} register ${register.name} at offset ${hex(offset)} (${bytes(size)}) ignored`,
      );
      return;
    }
    traceWrite(this.label, size, value, register.name, offset);
    const relative = offset - register.offset;
    const word = register.word + (relative >> 2);
    const mask = accessMask(size, relative) & (register.writeMask[relative >> 2] ?? 0);
    const bits = (value << ((relative & 3) * 8)) & mask;
    const old = this.words[word] ?? 0;
    const written = register.access === 'W1C' ? old & ~bits : register.access === 'W1S' ? old | bits : (old & ~mask) | bits;
    if (!register.beforeWrite && !register.onWrite) {
      this.words[word] = written;
      return;
    }
    const before = this.value(register);
    this.words[word] = written;
    if (register.beforeWrite) {
      const stored = register.beforeWrite(this.value(register), before, register.index);
      this.store(register, stored ?? before);
      if (stored === undefined) return;
    }
    register.onWrite?.(this.value(register), before, register.index);
  }

  /** Device side: the stored value, whatever the access mode. */
  get<K extends keyof S & string>(name: K, ...index: IndexArgs<S[K]>): RegisterValue<S[K]>;
  get(name: string, index?: number): number | bigint {
    return this.value(this.layout.element(name, index));
  }

  /**
   * Device side: stores a value, bypassing access mode, masks and hooks. A 1-4 byte register takes a number
   * that fits its width, or a negative one from JS bitwise operators (`get(r) & ~bit`), taken as 32 bits.
   */
  set<K extends keyof S & string>(name: K, ...args: SetArgs<S[K]>): void;
  set(name: string, first: number | bigint, second?: number | bigint): void {
    const register = second === undefined ? this.layout.element(name, undefined) : this.layout.element(name, Number(first));
    this.store(register, second ?? first);
  }

  /** Restores every register's reset value (no hooks run). */
  reset(): void {
    this.words.set(this.resetWords);
  }

  /** The name of the register at `offset` (any of its bytes), for traces: `GICD_ISENABLER3`. */
  nameAt(offset: number): string | undefined {
    return this.layout.at(offset)?.name;
  }

  /** The stored value with its fields decoded: `UARTFR = 0x90 (TXFE=1 RXFF=0)`. */
  describe<K extends keyof S & string>(name: K, ...index: IndexArgs<S[K]>): string;
  describe(name: string, index?: number): string {
    const register = this.layout.element(name, index);
    return describeRegister(register, this.value(register));
  }

  /** Stores a value that fits the register (a negative number is taken as 32 bits); throws when it does not. */
  private store(register: Register, value: number | bigint): void {
    const invalid = () => new RangeError(`${this.label}: value ${String(value)} does not fit register ${register.name} (${bytes(register.size)})`);
    if (register.size === 8) {
      if (typeof value !== 'bigint' || value < 0n || value >= 1n << 64n) throw invalid();
      this.words[register.word] = Number(value & 0xffff_ffffn);
      this.words[register.word + 1] = Number(value >> 32n);
    } else {
      const limit = 2 ** (register.size * 8);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x8000_0000 || value >= limit || value >>> 0 >= limit) throw invalid();
      this.words[register.word] = value;
    }
  }

  private value(register: Register): number | bigint {
    if (register.size !== 8) return this.words[register.word] ?? 0;
    return (BigInt(this.words[register.word + 1] ?? 0) << 32n) | BigInt(this.words[register.word] ?? 0);
  }

  /** The register's word `lane` as its onRead hook computes it from the whole stored value. */
  private hookedRead(register: Register, onRead: NonNullable<Register['onRead']>, lane: number): number {
    const value = onRead(this.value(register), register.index);
    return typeof value === 'bigint' ? Number(BigInt.asUintN(32, value >> BigInt(32 * lane))) : value;
  }

  /** The register an access falls in, or undefined (reported) when no register answers it. */
  private accessed(offset: number, size: number, writtenValue?: number): Register | undefined {
    const register = this.layout.at(offset);
    const fits =
      register && (size === 1 || size === 2 || size === 4) && (offset - register.offset) % size === 0 && offset + size <= register.offset + register.size;
    if (fits) return register;
    const access = writtenValue === undefined ? 'read' : `write of ${hex(writtenValue)}`;
    this.owner.guestError(() =>
      register
        ? `${this.label}: ${access} at offset ${hex(offset)} (${bytes(size)}) is not an aligned 1, 2 or 4-byte access within register ${register.name} (offset ${hex(register.offset)}, ${bytes(register.size)})`
        : `${this.label}: ${access} ${writtenValue === undefined ? 'of' : 'to'} unknown register at offset ${hex(offset)} (${bytes(size)})`,
    );
    return undefined;
  }
}

/** The bits of its 32-bit word that an access at `relative` bytes into a register covers. */
function accessMask(size: number, relative: number): number {
  return size === 4 ? -1 : ((1 << (size * 8)) - 1) << ((relative & 3) * 8);
}
