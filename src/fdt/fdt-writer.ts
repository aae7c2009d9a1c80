// Builds a version 17 DTB in one pass, in the style of rust-vmm's vm-fdt: nodes are opened and
// closed in order and properties are written as they come. Every mistake that would give a blob
// dtc or a guest kernel rejects (or silently misreads) is thrown here, naming node and property.

import { hex } from '../util/hex.js';
import { ByteBuffer } from './fdt-bytes.js';
import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_HEADER_SIZE,
  FDT_LAST_COMP_VERSION,
  FDT_MAGIC,
  FDT_PROP,
  FDT_RSV_ALIGN,
  FDT_RSV_ENTRY_SIZE,
  FDT_TOKEN_ALIGN,
  FDT_VERSION,
  PHANDLE_MAX,
  PHANDLE_MIN,
  U32_MAX,
  U64_MAX,
  alignUp,
} from './fdt-format.js';
import { nodeNameProblem, propertyNameProblem } from './fdt-names.js';
import { childPath, type FdtNode, type FdtReservation } from './fdt-node.js';

export interface FdtWriterOptions {
  /** Physical id of the boot CPU, stored in the header (boot_cpuid_phys); defaults to 0. */
  bootCpuId?: number;
}

/** A node between beginNode and endNode, with what is needed to catch duplicates. */
interface OpenNode {
  path: string;
  propertyNames: Set<string>;
  childNames: Set<string>;
}

/** Property names whose u32 value is this node's phandle (linux,phandle is the pre-2.0 spelling). */
const PHANDLE_PROPERTIES = new Set(['phandle', 'linux,phandle']);

const utf8 = new TextEncoder();

export class FdtWriter {
  private readonly struct = new ByteBuffer();
  private readonly strings = new ByteBuffer();
  /** Offset of each name already in the strings block, so each name is stored once. */
  private readonly stringOffsets = new Map<string, number>();
  private readonly reservations: FdtReservation[] = [];
  private readonly openNodes: OpenNode[] = [];
  private readonly bootCpuId: number;
  private rootStarted = false;
  private finished = false;

  private nextPhandle = PHANDLE_MIN;
  private readonly allocatedPhandles = new Set<number>();
  private readonly reservedPhandles = new Set<number>();
  /** Phandle value -> path of the node whose phandle property holds it, to catch two nodes sharing one. */
  private readonly phandleOwners = new Map<number, string>();
  /** Each node's `compatible` strings, in the order written, for nodes that refer to others by path. */
  private readonly compatibles: { path: string; strings: string[] }[] = [];

  constructor(opts: FdtWriterOptions = {}) {
    const id = opts.bootCpuId ?? 0;
    if (!isU32(id)) throw new Error(`FdtWriter: bootCpuId ${id} is not a 32-bit unsigned integer`);
    this.bootCpuId = id;
  }

  /** Adds a /memreserve/ range the guest OS must leave alone (e.g. firmware or a spin table). */
  addMemoryReservation(address: bigint, size: bigint): void {
    const m = 'addMemoryReservation';
    this.checkNotFinished(m);
    if (!isU64(address)) fail(m, `address ${address} is not a 64-bit unsigned integer`);
    if (!isU64(size)) fail(m, `size ${size} is not a 64-bit unsigned integer`);
    // Readers (dtc, libfdt, Linux) stop at the first entry whose size is zero.
    if (size === 0n) fail(m, `size of the range at ${hex(address)} is zero; a zero size ends the reservation list`);
    if (address + size - 1n > U64_MAX) fail(m, `range ${hex(address)} + ${hex(size)} goes past the 64-bit address space`);
    this.reservations.push({ address, size });
  }

  /** Opens a node; the first node must be the root, named ''. */
  beginNode(name: string): void {
    const m = 'beginNode';
    this.checkNotFinished(m);
    const parent = this.openNodes.at(-1);
    let path: string;
    if (parent === undefined) {
      if (this.rootStarted) fail(m, `the root node is already closed; a tree has one root (got '${name}')`);
      if (name !== '') fail(m, `the first node must be the root, named '' (got '${name}')`);
      path = '/';
      this.rootStarted = true;
    } else {
      const problem = nodeNameProblem(name);
      if (problem !== undefined) fail(m, `invalid node name '${name}' under '${parent.path}': ${problem}`);
      if (parent.childNames.has(name)) fail(m, `node '${parent.path}' already has a child named '${name}'`);
      parent.childNames.add(name);
      path = childPath(parent.path, name);
    }
    this.struct.u32(FDT_BEGIN_NODE);
    this.struct.append(utf8.encode(name));
    this.struct.append(new Uint8Array(1));
    this.struct.align(FDT_TOKEN_ALIGN);
    this.openNodes.push({ path, propertyNames: new Set(), childNames: new Set() });
  }

  /** Closes the node opened by the matching beginNode. */
  endNode(): void {
    this.checkNotFinished('endNode');
    if (this.openNodes.pop() === undefined) fail('endNode', 'no open node to close');
    this.struct.u32(FDT_END_NODE);
  }

  /** A property with raw bytes as its value; the other property* methods encode and call this. */
  property(name: string, value: Uint8Array): void {
    this.writeProperty('property', name, value);
  }

  /** A property with no value, a boolean flag such as 'interrupt-controller' or 'ranges'. */
  propertyEmpty(name: string): void {
    this.writeProperty('propertyEmpty', name, new Uint8Array(0));
  }

  propertyU32(name: string, n: number): void {
    const node = this.checkProperty('propertyU32', name);
    if (!isU32(n)) {
      fail('propertyU32', `value of property '${name}' in node '${node.path}' is ${n}, not a 32-bit unsigned integer`);
    }
    this.writeProperty('propertyU32', name, cellBytes([n]));
  }

  /** A 64-bit value as two cells, high word first, the way #address-cells = 2 reads it. */
  propertyU64(name: string, n: bigint): void {
    const node = this.checkProperty('propertyU64', name);
    if (!isU64(n)) {
      fail('propertyU64', `value of property '${name}' in node '${node.path}' is ${n}, not a 64-bit unsigned integer`);
    }
    const value = new Uint8Array(8);
    new DataView(value.buffer).setBigUint64(0, n, false);
    this.writeProperty('propertyU64', name, value);
  }

  /** A list of big-endian u32 cells, printed by dtc as <a b c>. */
  propertyCells(name: string, cells: number[]): void {
    const node = this.checkProperty('propertyCells', name);
    cells.forEach((c, i) => {
      if (!isU32(c)) {
        fail('propertyCells', `cell ${i} of property '${name}' in node '${node.path}' is ${c}, not a 32-bit unsigned integer`);
      }
    });
    this.writeProperty('propertyCells', name, cellBytes(cells));
  }

  /** A NUL-terminated string. */
  propertyString(name: string, s: string): void {
    const node = this.checkProperty('propertyString', name);
    if (s.includes('\0')) {
      fail('propertyString', `property '${name}' in node '${node.path}' contains a NUL character, which would end the string early`);
    }
    this.writeProperty('propertyString', name, stringListBytes([s]));
  }

  /** Strings stored back to back, each NUL-terminated, as in compatible = "a", "b". */
  propertyStringList(name: string, list: string[]): void {
    const node = this.checkProperty('propertyStringList', name);
    list.forEach((s, i) => {
      if (s.includes('\0')) {
        const where = `string ${i} of property '${name}' in node '${node.path}'`;
        fail('propertyStringList', `${where} contains a NUL character, which would split it in two`);
      }
    });
    this.writeProperty('propertyStringList', name, stringListBytes(list));
  }

  /** A reference to another node's phandle, e.g. interrupt-parent. Forward references are fine. */
  propertyPhandle(name: string, p: number): void {
    const node = this.checkProperty('propertyPhandle', name);
    if (!isPhandle(p)) {
      const where = `property '${name}' in node '${node.path}'`;
      fail('propertyPhandle', `${where} refers to phandle ${p}, outside ${PHANDLE_MIN}..${hex(PHANDLE_MAX)}`);
    }
    this.writeProperty('propertyPhandle', name, cellBytes([p]));
  }

  /** A fresh phandle, counting up from 1 and skipping reserved values and phandles already written. */
  allocPhandle(): number {
    this.checkNotFinished('allocPhandle');
    while (this.reservedPhandles.has(this.nextPhandle) || this.phandleOwners.has(this.nextPhandle)) this.nextPhandle++;
    if (this.nextPhandle > PHANDLE_MAX) fail('allocPhandle', 'all phandles are used');
    const p = this.nextPhandle++;
    this.allocatedPhandles.add(p);
    return p;
  }

  /** Keeps allocPhandle from handing out `n`, e.g. a phandle copied from a host device tree. */
  reservePhandle(n: number): void {
    this.checkNotFinished('reservePhandle');
    if (!isPhandle(n)) fail('reservePhandle', `phandle ${n} is outside ${PHANDLE_MIN}..${hex(PHANDLE_MAX)}`);
    if (this.allocatedPhandles.has(n)) fail('reservePhandle', `phandle ${n} was already handed out by allocPhandle`);
    this.reservedPhandles.add(n);
  }

  /** Paths of the nodes written so far whose `compatible` includes `compatible`, in the order written. */
  pathsCompatibleWith(compatible: string): string[] {
    return this.compatibles.filter((c) => c.strings.includes(compatible)).map((c) => c.path);
  }

  /** Writes `node` and everything below it, e.g. a subtree read from a host DTB or sysfs. */
  appendNode(node: FdtNode): void {
    this.beginNode(node.name);
    for (const [name, value] of node.properties) this.property(name, value);
    for (const child of node.children) this.appendNode(child);
    this.endNode();
  }

  /** The finished DTB: header, memory reservation block, structure block, strings block. */
  finish(): Uint8Array {
    const m = 'finish';
    this.checkNotFinished(m);
    if (!this.rootStarted) fail(m, 'no root node was written');
    const unclosed = this.openNodes.at(-1);
    if (unclosed !== undefined) fail(m, `node '${unclosed.path}' was never closed`);
    this.finished = true;
    this.struct.u32(FDT_END);

    const offRsvmap = alignUp(FDT_HEADER_SIZE, FDT_RSV_ALIGN);
    const offStruct = offRsvmap + (this.reservations.length + 1) * FDT_RSV_ENTRY_SIZE;
    const offStrings = offStruct + this.struct.length;
    const totalSize = offStrings + this.strings.length;

    const out = new ByteBuffer();
    for (const field of [
      FDT_MAGIC,
      totalSize,
      offStruct,
      offStrings,
      offRsvmap,
      FDT_VERSION,
      FDT_LAST_COMP_VERSION,
      this.bootCpuId,
      this.strings.length,
      this.struct.length,
    ]) {
      out.u32(field);
    }
    out.align(FDT_RSV_ALIGN);
    for (const r of this.reservations) {
      out.u64(r.address);
      out.u64(r.size);
    }
    out.u64(0n); // the (0, 0) entry that ends the list
    out.u64(0n);
    out.append(this.struct.toBytes());
    out.append(this.strings.toBytes());
    return out.toBytes();
  }

  /** Checks shared by every property: open node, valid and unused name. Returns the open node. */
  private checkProperty(method: string, name: string): OpenNode {
    this.checkNotFinished(method);
    const node = this.openNodes.at(-1);
    if (node === undefined) {
      const why = this.rootStarted ? 'the root node is already closed' : 'call beginNode first';
      fail(method, `property '${name}' is outside any node (${why})`);
    }
    const problem = propertyNameProblem(name);
    if (problem !== undefined) fail(method, `invalid property name '${name}' in node '${node.path}': ${problem}`);
    if (node.propertyNames.has(name)) fail(method, `node '${node.path}' already has a property '${name}'`);
    // The spec puts all of a node's properties before its children; readers may rely on it.
    if (node.childNames.size > 0) {
      fail(method, `property '${name}' of node '${node.path}' comes after a child node; properties must precede children`);
    }
    return node;
  }

  private writeProperty(method: string, name: string, value: Uint8Array): void {
    const node = this.checkProperty(method, name);
    if (PHANDLE_PROPERTIES.has(name)) this.claimPhandle(method, node.path, name, value);
    if (name === 'compatible') this.compatibles.push({ path: node.path, strings: new TextDecoder().decode(value).split('\0').filter(Boolean) });
    node.propertyNames.add(name);
    this.struct.u32(FDT_PROP);
    this.struct.u32(value.length);
    this.struct.u32(this.stringOffset(name));
    this.struct.append(value);
    this.struct.align(FDT_TOKEN_ALIGN);
  }

  /** A node's own phandle must be one valid cell and unique in the tree, or references become ambiguous. */
  private claimPhandle(method: string, path: string, name: string, value: Uint8Array): void {
    if (value.length !== 4) fail(method, `property '${name}' in node '${path}' must be one cell, got ${value.length} bytes`);
    const p = new DataView(value.buffer, value.byteOffset, 4).getUint32(0, false);
    if (!isPhandle(p)) fail(method, `phandle ${p} of node '${path}' is outside ${PHANDLE_MIN}..${hex(PHANDLE_MAX)}`);
    const owner = this.phandleOwners.get(p);
    // 'phandle' and 'linux,phandle' on one node legitimately hold the same value.
    if (owner !== undefined && owner !== path) {
      fail(method, `phandle ${hex(p)} of node '${path}' is already used by node '${owner}'`);
    }
    this.phandleOwners.set(p, path);
  }

  private stringOffset(name: string): number {
    let off = this.stringOffsets.get(name);
    if (off === undefined) {
      off = this.strings.length;
      this.strings.append(utf8.encode(`${name}\0`));
      this.stringOffsets.set(name, off);
    }
    return off;
  }

  private checkNotFinished(method: string): void {
    if (this.finished) fail(method, 'finish() was already called');
  }
}

function fail(method: string, message: string): never {
  throw new Error(`FdtWriter.${method}: ${message}`);
}

function isU32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= U32_MAX;
}

function isU64(n: bigint): boolean {
  return typeof n === 'bigint' && n >= 0n && n <= U64_MAX;
}

function isPhandle(n: number): boolean {
  return Number.isInteger(n) && n >= PHANDLE_MIN && n <= PHANDLE_MAX;
}

function cellBytes(cells: number[]): Uint8Array {
  const out = new Uint8Array(cells.length * 4);
  const view = new DataView(out.buffer);
  cells.forEach((c, i) => view.setUint32(i * 4, c, false));
  return out;
}

function stringListBytes(list: string[]): Uint8Array {
  return utf8.encode(list.map((s) => `${s}\0`).join(''));
}
