// Lays a bank's register declarations out once: checks them (errors name the bank and the register), expands
// arrays into elements, gives each register its 32-bit words in the bank's storage and indexes every byte
// offset, so an MMIO access finds its register with one map lookup.
import { hex } from '../util/hex.js';
import type { AccessMode, FieldSpec, RegisterSpec, RegisterSpecs } from './spec.js';
import { bytes } from './text.js';
import { at } from '../util/at.js';

export interface Register {
  /** The element name: `UARTFR`, or `GICD_ISENABLER3` for element 3 of an array. */
  readonly name: string;
  readonly index: number;
  readonly offset: number;
  readonly size: 1 | 2 | 4 | 8;
  readonly access: AccessMode;
  /** Index of its first 32-bit word in the bank's storage (an 8-byte register has two: low, then high). */
  readonly word: number;
  /** Per word. */
  readonly readMask: readonly number[];
  readonly writeMask: readonly number[];
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /** The declared hooks, typed for either width: bigints for 8-byte registers, numbers otherwise. */
  readonly onRead?: (value: number | bigint, index: number) => number | bigint;
  readonly beforeWrite?: (value: number | bigint, oldValue: number | bigint, index: number) => number | bigint | undefined;
  readonly onWrite?: (newValue: number | bigint, oldValue: number | bigint, index: number) => void;
}

interface Declared {
  readonly elements: readonly Register[];
  readonly isArray: boolean;
}

const SIZES = [1, 2, 4, 8];

export class RegisterLayout {
  private readonly declared = new Map<string, Declared>();
  private readonly byByte = new Map<number, Register>();
  private readonly reset: number[] = [];

  /** `label` names the bank in errors (its device's label, asked for only when an error is thrown). */
  constructor(
    private readonly label: () => string,
    specs: RegisterSpecs,
  ) {
    for (const [name, spec] of Object.entries(specs)) this.declare(name, spec);
  }

  /** The register covering byte `offset`. */
  at(offset: number): Register | undefined {
    return this.byByte.get(offset);
  }

  /** Register `name`, or element `index` of array `name`. */
  element(name: string, index: number | undefined): Register {
    const declared = this.declared.get(name);
    if (!declared) throw new Error(`${this.label()}: no register named '${name}' (registers: ${[...this.declared.keys()].join(', ')})`);
    if (!declared.isArray) {
      if (index !== undefined) throw new Error(`${this.label()}: register ${name} is not an array: it takes no index (given ${index})`);
      return at(declared.elements, 0);
    }
    const element = index === undefined ? undefined : declared.elements[index];
    if (!element) throw new RangeError(`${this.label()}: index ${index} of register array ${name} is not an integer from 0 to ${declared.elements.length - 1}`);
    return element;
  }

  /** Reset values of every storage word. */
  resetWords(): Uint32Array {
    return Uint32Array.from(this.reset);
  }

  private declare(name: string, spec: RegisterSpec): void {
    const fail = (problem: string, register = name) => new RangeError(`${this.label()}: register ${register}: ${problem}`);
    const size = spec.size ?? 4;
    if (!SIZES.includes(size)) throw fail(`size ${size} is not accepted (1, 2, 4 or 8 bytes)`);
    const count = spec.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw fail(`count ${count} is not a positive integer`);
    const stride = spec.stride ?? size;
    const words = (value: number | bigint | undefined, what: string, fallback: number) =>
      wordsOf(value, size, fallback, (problem) => fail(`${what} ${problem}`));
    const reset = words(spec.reset, 'reset', 0);
    const readMask = words(spec.readMask, 'readMask', -1);
    const writeMask = words(spec.writeMask, 'writeMask', -1);
    const fields = spec.fields ?? {};
    for (const [field, { bit, width = 1 }] of Object.entries(fields)) {
      if (!Number.isInteger(bit) || !Number.isInteger(width) || bit < 0 || width < 1 || bit + width > size * 8) {
        throw fail(`field ${field} (bit ${bit}, width ${width}) does not fit in ${size * 8} bits`);
      }
    }
    const elements: Register[] = [];
    for (let index = 0; index < count; index++) {
      const offset = spec.offset + index * stride;
      const elementName = spec.count === undefined ? name : `${name}${index}`;
      if (!Number.isSafeInteger(offset) || offset < 0 || offset % Math.min(size, 4) !== 0) {
        throw fail(`offset ${hex(offset)} is not a non-negative integer aligned to ${bytes(Math.min(size, 4))}`, elementName);
      }
      const register: Register = {
        name: elementName,
        index,
        offset,
        size,
        access: spec.access ?? 'RW',
        word: this.reset.length,
        readMask,
        writeMask,
        fields,
        onRead: spec.onRead as Register['onRead'],
        beforeWrite: spec.beforeWrite as Register['beforeWrite'],
        onWrite: spec.onWrite as Register['onWrite'],
      };
      this.reset.push(...reset);
      for (let byte = offset; byte < offset + size; byte++) {
        const other = this.byByte.get(byte);
        if (other) throw fail(`offset ${hex(offset)} (${bytes(size)}) overlaps ${other.name} (offset ${hex(other.offset)}, ${bytes(other.size)})`, elementName);
        this.byByte.set(byte, register);
      }
      elements.push(register);
    }
    this.declared.set(name, { elements, isArray: spec.count !== undefined });
  }
}

/** A value as the register's 32-bit words (low first); `fallback` (-1: all ones) when absent. */
function wordsOf(value: number | bigint | undefined, size: number, fallback: number, fail: (problem: string) => Error): number[] {
  const widthMask = size === 4 || size === 8 ? 0xffff_ffff : (1 << (size * 8)) - 1;
  const lanes = size === 8 ? 2 : 1;
  if (value === undefined) return Array<number>(lanes).fill((fallback & widthMask) >>> 0);
  if (size === 8) {
    if (typeof value !== 'bigint' || value < 0n || value >= 1n << 64n) throw fail(`${String(value)} is not a bigint from 0 to 2^64-1 (8-byte register)`);
    return [Number(value & 0xffff_ffffn), Number(value >> 32n)];
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > widthMask) {
    throw fail(`${String(value)} is not a number from 0 to ${hex(widthMask)} (${size}-byte register)`);
  }
  return [value];
}
