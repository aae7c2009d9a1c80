// Parses a DTB (version 16 or 17) into an FdtNode tree. Every offset is bounds-checked so a
// corrupt or truncated blob fails with a message saying what and where, never with a RangeError.

import { hex } from '../util/hex.js';
import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_HEADER_SIZE,
  FDT_MAGIC,
  FDT_MIN_READ_VERSION,
  FDT_NOP,
  FDT_PROP,
  FDT_RSV_ALIGN,
  FDT_RSV_ENTRY_SIZE,
  FDT_TOKEN_ALIGN,
  FDT_VERSION,
  HDR_BOOT_CPUID_PHYS,
  HDR_LAST_COMP_VERSION,
  HDR_MAGIC,
  HDR_OFF_DT_STRINGS,
  HDR_OFF_DT_STRUCT,
  HDR_OFF_MEM_RSVMAP,
  HDR_SIZE_DT_STRINGS,
  HDR_SIZE_DT_STRUCT,
  HDR_TOTALSIZE,
  HDR_VERSION,
  alignUp,
} from './fdt-format.js';
import { childPath, type DtbContents, type FdtNode, type FdtReservation } from './fdt-node.js';

// The query helpers work on the parsed tree; re-exported so one import gives reading and querying.
export { findByCompatible, findByPhandle, findNode, getCells, getString, getStringList, getU32 } from './fdt-query.js';

/** The node tree of a DTB. */
export function parseDtb(bytes: Uint8Array): FdtNode {
  return readDtb(bytes).root;
}

/** The node tree plus the header facts and memory reservations of a DTB. */
export function readDtb(bytes: Uint8Array): DtbContents {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) fail(`not a DTB: only ${bytes.length} bytes`);
  const magic = view.getUint32(HDR_MAGIC, false);
  if (magic !== FDT_MAGIC) fail(`not a DTB: bad magic ${hex(magic)} (expected ${hex(FDT_MAGIC)})`);
  // v16 headers stop before size_dt_struct; read the common part first.
  const v16HeaderSize = FDT_HEADER_SIZE - 4;
  if (bytes.length < v16HeaderSize) fail(`truncated header: ${bytes.length} bytes, need at least ${v16HeaderSize}`);
  const field = (off: number): number => view.getUint32(off, false);

  const version = field(HDR_VERSION);
  const lastCompVersion = field(HDR_LAST_COMP_VERSION);
  if (version < FDT_MIN_READ_VERSION) {
    fail(`unsupported version ${version} (this reader handles ${FDT_MIN_READ_VERSION}..${FDT_VERSION})`);
  }
  if (lastCompVersion > FDT_VERSION) {
    fail(`unsupported version: last_comp_version ${lastCompVersion} is newer than ${FDT_VERSION}`);
  }
  if (version >= 17 && bytes.length < FDT_HEADER_SIZE) {
    fail(`truncated header: ${bytes.length} bytes, need ${FDT_HEADER_SIZE} for version ${version}`);
  }

  const totalSize = field(HDR_TOTALSIZE);
  if (totalSize > bytes.length) fail(`truncated blob: totalsize is ${totalSize} but only ${bytes.length} bytes are present`);
  const offStruct = field(HDR_OFF_DT_STRUCT);
  const offStrings = field(HDR_OFF_DT_STRINGS);
  const offRsvmap = field(HDR_OFF_MEM_RSVMAP);
  const sizeStrings = field(HDR_SIZE_DT_STRINGS);
  // Before v17 the structure block size is not recorded; it can run at most to the end of the blob.
  const sizeStruct = version >= 17 ? field(HDR_SIZE_DT_STRUCT) : totalSize - offStruct;

  checkBlock('memory reservation block', offRsvmap, FDT_RSV_ENTRY_SIZE, totalSize, FDT_RSV_ALIGN);
  checkBlock('structure block', offStruct, sizeStruct, totalSize, FDT_TOKEN_ALIGN);
  checkBlock('strings block', offStrings, sizeStrings, totalSize, 1);

  const reservations = readReservations(view, offRsvmap, totalSize);
  const strings = bytes.subarray(offStrings, offStrings + sizeStrings);
  const root = new StructParser(bytes, view, offStruct, offStruct + sizeStruct, strings).parse();
  return { root, reservations, bootCpuId: field(HDR_BOOT_CPUID_PHYS), version };
}

function checkBlock(what: string, offset: number, size: number, totalSize: number, align: number): void {
  if (offset % align !== 0) fail(`${what} offset ${hex(offset)} is not ${align}-byte aligned`);
  if (offset > totalSize || size > totalSize - offset) {
    fail(`${what} at ${hex(offset)} (${size} bytes) runs past totalsize ${hex(totalSize)}`);
  }
}

/** Entries up to the first one with size 0: where dtc, libfdt and Linux all stop. */
function readReservations(view: DataView, offset: number, end: number): FdtReservation[] {
  const out: FdtReservation[] = [];
  for (let off = offset; ; off += FDT_RSV_ENTRY_SIZE) {
    if (off + FDT_RSV_ENTRY_SIZE > end) fail(`truncated memory reservation block at offset ${hex(off)}: no terminating entry`);
    const address = view.getBigUint64(off, false);
    const size = view.getBigUint64(off + 8, false);
    if (size === 0n) return out;
    out.push({ address, size });
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Walks the structure block token by token. */
class StructParser {
  private pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly view: DataView,
    start: number,
    private readonly end: number,
    private readonly strings: Uint8Array,
  ) {
    this.pos = start;
  }

  parse(): FdtNode {
    const first = this.nextToken();
    if (first !== FDT_BEGIN_NODE) {
      fail(`structure block must start with FDT_BEGIN_NODE, found token ${hex(first)} at offset ${hex(this.pos - 4)}`);
    }
    const rootName = this.cString();
    // v16+ roots are named ''; tolerate a non-empty name but still call the node '/'.
    const root = this.node(rootName, '/');
    const last = this.nextToken();
    if (last !== FDT_END) fail(`expected FDT_END after the root node, found token ${hex(last)} at offset ${hex(this.pos - 4)}`);
    return root;
  }

  /** Reads properties and children up to the node's FDT_END_NODE (its FDT_BEGIN_NODE and name are consumed). */
  private node(name: string, path: string): FdtNode {
    const node: FdtNode = { name, path, properties: new Map(), children: [] };
    for (;;) {
      const tokenOffset = this.pos;
      const token = this.nextToken();
      switch (token) {
        case FDT_PROP:
          this.property(node);
          break;
        case FDT_BEGIN_NODE: {
          const childName = this.cString();
          node.children.push(this.node(childName, childPath(path, childName)));
          break;
        }
        case FDT_END_NODE:
          return node;
        case FDT_END:
          return fail(`FDT_END at offset ${hex(tokenOffset)} inside node '${path}', which was never closed`);
        default:
          return fail(`unknown token ${hex(token)} at offset ${hex(tokenOffset)} in node '${path}'`);
      }
    }
  }

  private property(node: FdtNode): void {
    const at = this.pos - 4;
    const len = this.u32();
    const nameOff = this.u32();
    if (len > this.end - this.pos) {
      fail(`truncated structure block at offset ${hex(this.pos)}: property value of ${len} bytes in node '${node.path}' runs past the block`);
    }
    const name = this.propertyName(nameOff, at, node.path);
    if (node.properties.has(name)) fail(`duplicate property '${name}' in node '${node.path}' at offset ${hex(at)}`);
    node.properties.set(name, this.bytes.slice(this.pos, this.pos + len));
    this.pos = alignUp(this.pos + len, FDT_TOKEN_ALIGN);
  }

  private propertyName(nameOff: number, at: number, path: string): string {
    if (nameOff >= this.strings.length) {
      const size = this.strings.length;
      fail(`property at offset ${hex(at)} in node '${path}' has name offset ${hex(nameOff)} past the strings block (${size} bytes)`);
    }
    const nul = this.strings.indexOf(0, nameOff);
    if (nul < 0) fail(`property name at strings offset ${hex(nameOff)} is not NUL-terminated`);
    return utf8.decode(this.strings.subarray(nameOff, nul));
  }

  /** Next token, skipping FDT_NOP (left behind by in-place editors such as libfdt's fdt_nop_node). */
  private nextToken(): number {
    for (;;) {
      const token = this.u32();
      if (token !== FDT_NOP) return token;
    }
  }

  /** A NUL-terminated node name, then padding to the next token. */
  private cString(): string {
    const nul = this.bytes.subarray(0, this.end).indexOf(0, this.pos);
    if (nul < 0) fail(`truncated structure block at offset ${hex(this.pos)}: node name is not NUL-terminated`);
    const s = utf8.decode(this.bytes.subarray(this.pos, nul));
    this.pos = alignUp(nul + 1, FDT_TOKEN_ALIGN);
    return s;
  }

  private u32(): number {
    if (this.pos + 4 > this.end) fail(`truncated structure block at offset ${hex(this.pos)}`);
    const n = this.view.getUint32(this.pos, false);
    this.pos += 4;
    return n;
  }
}

function fail(message: string): never {
  throw new Error(`readDtb: ${message}`);
}
