// Distributor register arrays with one field per interrupt (Arm IHI 0048B §4.3: 1 bit in GICD_ISENABLERn and
// kin, 2 bits in GICD_ICFGRn, 8 bits in GICD_IPRIORITYRn): INTID n's field sits `n * bits` bits into the
// array, so one loop serves every such register and access size. Fields of unimplemented INTIDs are RAZ/WI.
import type { GicRegister } from './gic-access.js';

export interface FieldArray {
  /** Array name without the element number: `GICD_ISENABLER`. */
  readonly name: string;
  readonly base: number;
  readonly bits: 1 | 2 | 8;
  /** INTIDs the architecture leaves room for (1024, or 16 for the SGI registers). */
  readonly span: number;
  /** INTIDs that exist: 0..implemented-1. */
  readonly implemented: number;
  readonly byteAccess: boolean;
  get(intid: number): number;
  set(intid: number, field: number): void;
}

export function containsOffset(array: FieldArray, offset: number): boolean {
  return offset >= array.base && offset < array.base + (array.span * array.bits) / 8;
}

/** The register element an offset falls in: `GICD_IPRIORITYR8` for offset 0x420..0x423. */
export function elementAt(array: FieldArray, offset: number): GicRegister {
  return { name: `${array.name}${(offset - array.base) >> 2}`, access: 'RW', byteAccess: array.byteAccess };
}

export function readFields(array: FieldArray, offset: number, size: number): number {
  let value = 0;
  forEachField(array, offset, size, (intid, shift) => (value |= array.get(intid) << shift));
  return value >>> 0;
}

export function writeFields(array: FieldArray, offset: number, size: number, value: number): void {
  const mask = (1 << array.bits) - 1;
  forEachField(array, offset, size, (intid, shift) => array.set(intid, (value >>> shift) & mask));
}

function forEachField(array: FieldArray, offset: number, size: number, each: (intid: number, shift: number) => void): void {
  const first = ((offset - array.base) * 8) / array.bits;
  const fields = (size * 8) / array.bits;
  for (let i = 0; i < fields && first + i < array.implemented; i++) each(first + i, i * array.bits);
}
