// Typed access to a parsed tree. A missing property gives undefined so callers can apply the
// spec's defaults (e.g. #address-cells = 2); a property of the wrong shape throws, because
// guessing would hide a broken tree.

import type { FdtNode } from './fdt-node.js';

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A single-cell property such as #address-cells or phandle. */
export function getU32(node: FdtNode, name: string): number | undefined {
  const value = node.properties.get(name);
  if (value === undefined) return undefined;
  if (value.length !== 4) fail('getU32', node, name, `is ${value.length} bytes, not one 4-byte cell`);
  return u32At(value, 0);
}

/** A property made of big-endian u32 cells, such as reg or interrupts. */
export function getCells(node: FdtNode, name: string): number[] | undefined {
  const value = node.properties.get(name);
  if (value === undefined) return undefined;
  if (value.length % 4 !== 0) fail('getCells', node, name, `is ${value.length} bytes, not a whole number of 4-byte cells`);
  const cells: number[] = [];
  for (let off = 0; off < value.length; off += 4) cells.push(u32At(value, off));
  return cells;
}

/** A single NUL-terminated string such as device_type or stdout-path. */
export function getString(node: FdtNode, name: string): string | undefined {
  const list = readStrings('getString', node, name);
  if (list === undefined) return undefined;
  if (list.length !== 1) fail('getString', node, name, `holds ${list.length} strings, not one (use getStringList)`);
  return list[0];
}

/** Back-to-back NUL-terminated strings such as compatible; an empty property is an empty list. */
export function getStringList(node: FdtNode, name: string): string[] | undefined {
  return readStrings('getStringList', node, name);
}

/**
 * The node at `path` ('/' is the root). Like libfdt, a component without a unit address also
 * matches a child whose name has one ('memory' finds 'memory@40000000') when no exact match exists.
 */
export function findNode(root: FdtNode, path: string): FdtNode | undefined {
  if (!path.startsWith('/')) throw new Error(`findNode: path '${path}' must start with '/'`);
  let node: FdtNode | undefined = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    const children: FdtNode[] = node.children;
    node = children.find((c) => c.name === part) ?? (part.includes('@') ? undefined : children.find((c) => c.name.split('@')[0] === part));
    if (node === undefined) return undefined;
  }
  return node;
}

/** The node whose phandle (or legacy linux,phandle) property equals `phandle`. */
export function findByPhandle(root: FdtNode, phandle: number): FdtNode | undefined {
  for (const node of walk(root)) {
    for (const name of ['phandle', 'linux,phandle']) {
      const value = node.properties.get(name);
      if (value !== undefined && value.length === 4 && u32At(value, 0) === phandle) return node;
    }
  }
  return undefined;
}

/** Every node listing `compat` in its compatible property, in tree order. */
export function findByCompatible(root: FdtNode, compat: string): FdtNode[] {
  const found: FdtNode[] = [];
  for (const node of walk(root)) {
    const value = node.properties.get('compatible');
    // A malformed compatible elsewhere in the tree should not stop a search, so it just does not match.
    if (value !== undefined && splitStrings(value)?.includes(compat)) found.push(node);
  }
  return found;
}

/** Depth-first, parents before children, in blob order. */
export function* walk(node: FdtNode): Generator<FdtNode> {
  yield node;
  for (const child of node.children) yield* walk(child);
}

function readStrings(fn: string, node: FdtNode, name: string): string[] | undefined {
  const value = node.properties.get(name);
  if (value === undefined) return undefined;
  const list = splitStrings(value);
  if (list === undefined) fail(fn, node, name, 'is not NUL-terminated, so it is not a string');
  return list;
}

function splitStrings(value: Uint8Array): string[] | undefined {
  if (value.length === 0) return [];
  if (value[value.length - 1] !== 0) return undefined;
  return utf8.decode(value.subarray(0, value.length - 1)).split('\0');
}

function u32At(value: Uint8Array, off: number): number {
  return new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(off, false);
}

function fail(fn: string, node: FdtNode, name: string, problem: string): never {
  throw new Error(`${fn}: property '${name}' of node '${node.path}' ${problem}`);
}
