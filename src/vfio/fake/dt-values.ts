// Device tree property values as a host description writes them, encoded the way the flattened tree and
// Linux's /proc/device-tree hold them: strings NUL-terminated, string lists back to back, cells big-endian,
// a boolean property empty. The forms are checked by machines/hosts/vfio-host.schema.json beforehand.

/**
 * JSON forms: "text" (a string), ["a", "b"] (a string list), [1, 2] (u32 cells), {"cells": ["0xfff51000"]}
 * (u32 cells, hex text allowed), true (an empty, boolean property), {"bytes": [0x52, 0x54]} (raw bytes).
 */
export type DtValueJson = string | true | string[] | number[] | { cells: (number | string)[] } | { bytes: number[] };

export function encodeStrings(list: readonly string[]): Uint8Array {
  return new TextEncoder().encode(list.map((s) => `${s}\0`).join(''));
}

export function encodeCells(cells: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(cells.length * 4);
  const view = new DataView(bytes.buffer);
  cells.forEach((cell, i) => view.setUint32(i * 4, cell, false));
  return bytes;
}

/** A schema-checked number: a JSON integer or hex text ("0x1000"). */
export function jsonNumber(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

export function encodeDtValue(value: DtValueJson): Uint8Array {
  if (value === true) return new Uint8Array(0);
  if (typeof value === 'string') return encodeStrings([value]);
  if (Array.isArray(value)) {
    // An empty list is an empty property whichever element type was meant.
    if (value.length > 0 && typeof value[0] === 'string') return encodeStrings(value as string[]);
    return encodeCells(value as number[]);
  }
  if ('cells' in value) return encodeCells(value.cells.map(jsonNumber));
  return Uint8Array.from(value.bytes);
}
