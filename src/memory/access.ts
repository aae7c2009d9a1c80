// One access to an I/O region with the device's rules applied: valid sizes, splitting wider accesses into
// what the device implements, and byte order (the CPU is little-endian).
import type { LazyMessage } from '../core/guest-errors.js';
import type { MemoryOps } from './region.js';

/** Where an access of a size the device refuses is reported; the message is built only if logged. */
export type InvalidAccessReporter = (message: LazyMessage) => void;

function swap(value: number, size: number): number {
  switch (size) {
    case 2:
      return ((value & 0xff) << 8) | ((value >>> 8) & 0xff);
    case 4:
      return (((value & 0xff) << 24) | ((value & 0xff00) << 8) | ((value >>> 8) & 0xff00) | (value >>> 24)) >>> 0;
    default:
      return value;
  }
}

function validSize(ops: MemoryOps, size: number): boolean {
  const { min, max } = ops.valid ?? { min: 1, max: 4 };
  return size >= min && size <= max;
}

export function ioRead(ops: MemoryOps, offset: number, size: number, report: InvalidAccessReporter, what: () => string): number {
  if (!validSize(ops, size)) {
    report(() => `invalid ${size}-byte read of ${what()} at offset 0x${offset.toString(16)}: read as zero`);
    return 0;
  }
  const impl = ops.implMax ?? 4;
  let value: number;
  if (size <= impl) {
    value = ops.read(offset, size);
  } else {
    value = 0;
    for (let part = 0; part < size; part += impl) value += ops.read(offset + part, impl) * 2 ** (8 * part);
  }
  return ops.endianness === 'big' ? swap(value, size) : value;
}

export function ioWrite(ops: MemoryOps, offset: number, size: number, value: number, report: InvalidAccessReporter, what: () => string): void {
  if (!validSize(ops, size)) {
    report(() => `invalid ${size}-byte write of 0x${value.toString(16)} to ${what()} at offset 0x${offset.toString(16)}: ignored`);
    return;
  }
  const v = ops.endianness === 'big' ? swap(value, size) : value;
  const impl = ops.implMax ?? 4;
  if (size <= impl) return ops.write(offset, size, v);
  for (let part = 0; part < size; part += impl) {
    ops.write(offset + part, impl, Math.floor(v / 2 ** (8 * part)) % 2 ** (8 * impl));
  }
}
