// Keeps the vCPU's physical map equal to an address space's flat view: page-aligned RAM becomes pointer
// mappings (no trap), everything else becomes trapped MMIO pages that dispatch to the device. Each commit
// changes only what differs, so enabling a RAM-device region over an I/O region is one map call.
import { hex } from '../util/hex.js';
import { PAGE_SIZE } from '../cpu/host-memory.js';
import type { MmioHandler, Vcpu } from '../cpu/vcpu.js';
import { ioRead, ioWrite, type InvalidAccessReporter } from './access.js';
import type { MemoryListener } from './address-space.js';
import { findRange, type FlatRange } from './flat-view.js';
import type { RamRegion } from './region.js';
import { at } from '../util/at.js';

interface CpuMapping {
  start: number;
  size: number;
  /** Identity of what backs it: pointer mappings by memory+offset, MMIO spans by their ranges. */
  key: string;
  apply(vcpu: CpuMapTarget): void;
}

/** What the map drives: the vCPU, or a stand-in that dispatches accesses the same way (the device harness). */
export type CpuMapTarget = Pick<Vcpu, 'mapMemory' | 'mapMmio' | 'unmap' | 'handleUnmapped'>;

export class CpuMemoryMap implements MemoryListener {
  private current = new Map<number, CpuMapping>();

  constructor(
    private readonly vcpu: CpuMapTarget,
    /** Accesses of a size the device refuses (guest errors). */
    private readonly log: InvalidAccessReporter = (m) => process.stderr.write(`${m()}\n`),
  ) {}

  commit(view: readonly FlatRange[]): void {
    const wanted = this.plan(view);
    for (const [start, m] of this.current) {
      const w = wanted.get(start);
      if (!w || w.size !== m.size) this.vcpu.unmap(m.start, m.size);
    }
    for (const [start, w] of wanted) {
      const m = this.current.get(start);
      if (m && m.size === w.size && m.key === w.key) continue;
      w.apply(this.vcpu); // same range, other backing: the engine swaps it in place
    }
    this.current = wanted;
  }

  private plan(view: readonly FlatRange[]): Map<number, CpuMapping> {
    const out = new Map<number, CpuMapping>();
    let span: FlatRange[] = [];
    let spanStart = 0;
    let spanEnd = 0;
    const flush = () => {
      if (span.length) out.set(spanStart, this.mmioSpan(spanStart, spanEnd - spanStart, span));
      span = [];
    };
    for (const r of view) {
      const region = r.region;
      if (region.kind !== 'io' && isPageAligned(r, region)) {
        flush();
        const memory = region.memory;
        const offset = region.memoryOffset + r.regionOffset;
        out.set(r.start, {
          start: r.start,
          size: r.size,
          key: `ptr:${identity(memory)}:${offset}`,
          apply: (vcpu) => vcpu.mapMemory(r.start, memory, offset, r.size),
        });
        continue;
      }
      const pageStart = Math.floor(r.start / PAGE_SIZE) * PAGE_SIZE;
      const pageEnd = Math.ceil((r.start + r.size) / PAGE_SIZE) * PAGE_SIZE;
      if (span.length && pageStart <= spanEnd) {
        spanEnd = Math.max(spanEnd, pageEnd);
      } else {
        flush();
        spanStart = pageStart;
        spanEnd = pageEnd;
      }
      span.push(r);
    }
    flush();
    return out;
  }

  private mmioSpan(start: number, size: number, ranges: FlatRange[]): CpuMapping {
    const key = `mmio:${ranges.map((r) => `${r.start}+${r.size}:${identity(r.region)}:${r.regionOffset}`).join(',')}`;
    return { start, size, key, apply: (vcpu) => vcpu.mapMmio(start, size, this.dispatcher(start, size, ranges)) };
  }

  /** The handler for one trapped span. A span that is exactly one I/O range skips the lookup. */
  private dispatcher(start: number, size: number, ranges: FlatRange[]): MmioHandler {
    const only = ranges.length === 1 ? at(ranges, 0) : undefined;
    if (only?.region.kind === 'io' && only.start === start && only.size === size) {
      const ops = only.region.ops;
      const base = only.regionOffset;
      const what = () => `'${only.region.name}'`;
      return {
        read: (offset, sz) => ioRead(ops, base + offset, sz, this.log, what),
        write: (offset, sz, value) => ioWrite(ops, base + offset, sz, value, this.log, what),
      };
    }
    return {
      read: (offset, sz) => this.access(ranges, start + offset, sz, false, 0),
      write: (offset, sz, value) => void this.access(ranges, start + offset, sz, true, value),
    };
  }

  private access(ranges: FlatRange[], address: number, size: number, write: boolean, value: number): number {
    const r = findRange(ranges, address);
    if (!r) return this.vcpu.handleUnmapped({ address, size, write, ...(write ? { value } : {}) });
    const offset = r.regionOffset + (address - r.start);
    const region = r.region;
    if (region.kind !== 'io') {
      // RAM that does not fill whole pages: served through the trap.
      const view = region.memory.view;
      const at = region.memoryOffset + offset;
      if (write) {
        for (let b = 0; b < size; b++) view.setUint8(at + b, Math.floor(value / 2 ** (8 * b)) & 0xff);
        return 0;
      }
      let v = 0;
      for (let b = 0; b < size; b++) v += view.getUint8(at + b) * 2 ** (8 * b);
      return v;
    }
    const what = () => `'${region.name}' (${hex(address)})`;
    if (write) {
      ioWrite(region.ops, offset, size, value, this.log, what);
      return 0;
    }
    return ioRead(region.ops, offset, size, this.log, what);
  }
}

/** Whether RAM range `r` covers whole pages of its host memory: the engine can map it directly. */
function isPageAligned(r: FlatRange, region: RamRegion): boolean {
  return r.start % PAGE_SIZE === 0 && r.size % PAGE_SIZE === 0 && (region.memoryOffset + r.regionOffset) % PAGE_SIZE === 0;
}

const ids = new WeakMap<object, number>();
let nextId = 1;
/** A number per object (host memory, region), for the keys that tell whether a mapping changed. */
function identity(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return id;
}
