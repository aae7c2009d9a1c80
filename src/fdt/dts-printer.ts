// Prints device tree source the way `dtc -I dtb -O dts` (dtc 1.6.1, treesource.c) does, byte for
// byte, so our output can be diffed against dtc's. A DTB carries no type information, so each value's
// form is guessed with dtc's own rule (guess_value_type) rather than a nicer one of our own.

import { readDtb } from './fdt-reader.js';
import type { DtbContents, FdtNode, FdtReservation } from './fdt-node.js';

/** dts source for a DTB, a readDtb result (with /memreserve/ lines), or a bare tree. */
export function printDts(input: Uint8Array | DtbContents | FdtNode): string {
  const { root, reservations } = input instanceof Uint8Array ? readDtb(input) : 'root' in input ? input : { root: input, reservations: [] as FdtReservation[] };
  let out = '/dts-v1/;\n\n';
  for (const r of reservations) out += `/memreserve/\t${hex016(r.address)} ${hex016(r.size)};\n`;
  return out + printNode(root, 0);
}

function printNode(node: FdtNode, depth: number): string {
  const indent = '\t'.repeat(depth);
  let out = `${indent}${node.name === '' ? '/' : node.name} {\n`;
  for (const [name, value] of node.properties) out += `${indent}\t${name}${printValue(value)};\n`;
  // dtc puts a blank line before every child node, none before the closing brace.
  for (const child of node.children) out += `\n${printNode(child, depth + 1)}`;
  return `${out}${indent}};\n`;
}

/** ' = <value>' or '' for an empty property, in the form dtc guesses. */
function printValue(value: Uint8Array): string {
  if (value.length === 0) return '';
  if (looksLikeStrings(value)) return ` = ${quoteStrings(value)}`;
  if (value.length % 4 === 0) {
    const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
    const cells: string[] = [];
    for (let off = 0; off < value.length; off += 4) cells.push(`0x${hex2(view.getUint32(off, false))}`);
    return ` = <${cells.join(' ')}>`;
  }
  return ` = [${Array.from(value, hex2).join(' ')}]`;
}

/**
 * dtc's string test: NUL-terminated, only printable or C-escapable bytes, and no more NULs than
 * other bytes (so mostly-zero data such as [61 00 00] stays binary).
 */
function looksLikeStrings(value: Uint8Array): boolean {
  if (value[value.length - 1] !== 0) return false;
  let nul = 0;
  for (const b of value) {
    if (b === 0) nul++;
    else if (!isPrintable(b) && !C_ESCAPES.has(b)) return false;
  }
  return nul <= value.length - nul;
}

/** Bytes dtc prints as C escapes: \a \b \t \n \v \f \r. */
const C_ESCAPES = new Map<number, string>([
  [0x07, '\\a'],
  [0x08, '\\b'],
  [0x09, '\\t'],
  [0x0a, '\\n'],
  [0x0b, '\\v'],
  [0x0c, '\\f'],
  [0x0d, '\\r'],
]);

/** One quoted string with interior NULs shown as \0, which is how dtc 1.6.1 prints string lists. */
function quoteStrings(value: Uint8Array): string {
  let s = '"';
  for (const b of value.subarray(0, value.length - 1)) {
    if (b === 0) s += '\\0';
    else if (b === 0x5c) s += '\\\\';
    else if (b === 0x22) s += '\\"';
    else s += C_ESCAPES.get(b) ?? String.fromCharCode(b);
  }
  return `${s}"`;
}

/** isprint() in the C locale. */
function isPrintable(b: number): boolean {
  return b >= 0x20 && b <= 0x7e;
}

/** printf("%02x"): at least two digits, more when needed. */
function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** printf("0x%016llx"), used for /memreserve/ entries. */
function hex016(n: bigint): string {
  return `0x${n.toString(16).padStart(16, '0')}`;
}
