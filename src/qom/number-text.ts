// Numbers as users type them in `-device` options: unsigned integers (decimal or 0x hex) and sizes with
// binary suffixes, following the rules of QEMU's size parser (util/cutils.c, qemu_strtosz).
import { at } from '../util/at.js';

export const UINT32_MAX = 0xffff_ffffn;
export const UINT64_MAX = 0xffff_ffff_ffff_ffffn;

const SIZE_SUFFIXES = ['B', 'K', 'M', 'G', 'T', 'P', 'E'];

/** Multiplier of a size suffix: B = 1, K = 1 KiB, M = 1 MiB ... E = 1 EiB. */
const suffixMultiplier = (suffix: string) => 1n << BigInt(10 * SIZE_SUFFIXES.indexOf(suffix.toUpperCase()));

/** Decimal or 0x hex, no sign, no fraction; undefined when malformed or above `max`. */
export function parseUnsigned(text: string, max: bigint): bigint | undefined {
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(text)) return undefined;
  // "010" is decimal ten: we offer no octal (QEMU's strtoull base 0 would read 8, a surprise to users).
  const value = BigInt(text);
  return value <= max ? value : undefined;
}

/**
 * A size in bytes: `4096`, `0x1000`, `4k`, `512M`, `1.5G` (fraction truncated to a byte). Like QEMU, hex
 * takes no suffix (so `0x1b` is 27), a fraction needs a suffix of K or more, and negatives are rejected.
 */
export function parseSize(text: string): bigint | undefined {
  if (/^0[xX]/.test(text)) return parseUnsigned(text, UINT64_MAX);
  const match = /^(\d*)(?:\.(\d*))?([bkmgtpe])?$/i.exec(text);
  if (!match || !/\d/.test(text)) return undefined;
  const [, whole, fraction, suffix] = match;
  const multiplier = suffix ? suffixMultiplier(suffix) : 1n;
  if (fraction !== undefined && multiplier === 1n) return undefined;
  let bytes = BigInt(whole || '0') * multiplier;
  if (fraction) bytes += (BigInt(fraction) * multiplier) / 10n ** BigInt(fraction.length);
  return bytes <= UINT64_MAX ? bytes : undefined;
}

/** The shortest exact form with a suffix (`32M`, `4K`, `1000`), which parseSize reads back. */
export function formatSize(bytes: bigint): string {
  for (let i = SIZE_SUFFIXES.length - 1; i > 0; i--) {
    const suffix = at(SIZE_SUFFIXES, i);
    const multiplier = suffixMultiplier(suffix);
    if (bytes !== 0n && bytes % multiplier === 0n) return `${bytes / multiplier}${suffix}`;
  }
  return bytes.toString();
}
