// How a device declares its registers: one object keyed by register name (the datasheet mnemonic), each
// register with its hooks, so names are checked by the compiler wherever device code reads or sets a register.
// Values are numbers for registers of 1, 2 and 4 bytes and bigints for 8-byte ones, which the guest reaches
// as two 4-byte halves (little-endian: the low half at the lower offset).

/**
 * What an MMIO access does (device-side `set` ignores it):
 * RW read/write; RO writes ignored and reported; WO reads as zero and reported; W1C a written 1 clears the
 * bit; W1S a written 1 sets the bit; RC read-to-clear (a read clears the bits it returned; writes ignored
 * and reported).
 */
export type AccessMode = 'RW' | 'RO' | 'WO' | 'W1C' | 'W1S' | 'RC';

/** A named bit field, for debug output (`describe`). */
export interface FieldSpec {
  bit: number;
  /** In bits; default 1. */
  width?: number;
}

interface CommonSpec {
  /** Byte offset in the bank (of element 0 for an array), aligned to the size (to 4 for 8-byte registers). */
  offset: number;
  /** Default RW. */
  access?: AccessMode;
  fields?: Record<string, FieldSpec>;
  /** Declares an array `NAME0`..`NAME<count-1>`: element n at offset + n * stride. */
  count?: number;
  /** Bytes between array elements; default the register size. */
  stride?: number;
}

interface RegisterKind<V, S> {
  size: S;
  /** Default 0. */
  reset?: V;
  /** Bits an MMIO write may change; default all. */
  writeMask?: V;
  /** Bits an MMIO read returns (others read as zero); default all. */
  readMask?: V;
  /** Computes what the guest reads from the stored value (`index`: array element, 0 otherwise). */
  onRead?: (value: V, index: number) => V;
  /**
   * Decides what an MMIO write stores: given the value the write would leave (access mode and masks
   * applied) and the value before, returns the value to store, or undefined to refuse the write (a locked
   * register: nothing is stored and onWrite does not run).
   */
  beforeWrite?: (value: V, oldValue: V, index: number) => V | undefined;
  /** Runs after an MMIO write has stored its result, for side effects. */
  onWrite?: (newValue: V, oldValue: V, index: number) => void;
}

export type NarrowRegisterSpec = CommonSpec & Partial<RegisterKind<number, 1 | 2 | 4>>;
export type WideRegisterSpec = CommonSpec & RegisterKind<bigint, 8>;
export type RegisterSpec = NarrowRegisterSpec | WideRegisterSpec;
export type RegisterSpecs = Record<string, RegisterSpec>;

export type RegisterValue<S extends RegisterSpec> = S extends { size: 8 } ? bigint : number;
/** An array register takes its element index; a single one takes none. */
export type IndexArgs<S extends RegisterSpec> = S extends { count: number } ? [index: number] : [];
export type SetArgs<S extends RegisterSpec> = S extends { count: number } ? [index: number, value: RegisterValue<S>] : [value: RegisterValue<S>];
