// Flattening a region tree into the ranges the guest sees: for every address, the enabled leaf region
// (RAM, RAM-device or I/O) that wins by priority, with the offset into that region.
import type { MemoryRegion } from './region.js';

export interface FlatRange {
  start: number;
  size: number;
  region: MemoryRegion;
  /** Offset into `region` that `start` maps to. */
  regionOffset: number;
}

export function flatten(root: MemoryRegion): FlatRange[] {
  const ranges: FlatRange[] = [];
  render(root, 0, 0, root.size, ranges);
  return ranges.sort((a, b) => a.start - b.start);
}

/** Renders `region` placed at `base`, limited to [clipStart, clipEnd), into what `claimed` leaves free. */
function render(region: MemoryRegion, base: number, clipStart: number, clipEnd: number, claimed: FlatRange[]): void {
  if (!region.enabled) return;
  const start = Math.max(base, clipStart);
  const end = Math.min(base + region.size, clipEnd);
  if (start >= end) return;
  switch (region.kind) {
    case 'alias':
      render(region.aliasOf!, base - region.aliasOffset, start, end, claimed);
      return;
    case 'container': {
      const byPrecedence = [...region.subregions].sort((a, b) => b.priority - a.priority || b.order - a.order);
      for (const sub of byPrecedence) render(sub.region, base + sub.offset, start, end, claimed);
      return;
    }
    default:
      for (const [s, e] of unclaimed(start, end, claimed)) {
        claimed.push({ start: s, size: e - s, region, regionOffset: s - base });
      }
  }
}

/** The parts of [start, end) that no range in `claimed` covers. */
function unclaimed(start: number, end: number, claimed: FlatRange[]): [number, number][] {
  const overlaps = claimed
    .filter((r) => r.start < end && r.start + r.size > start)
    .sort((a, b) => a.start - b.start);
  const free: [number, number][] = [];
  let cursor = start;
  for (const r of overlaps) {
    if (r.start > cursor) free.push([cursor, r.start]);
    cursor = Math.max(cursor, r.start + r.size);
  }
  if (cursor < end) free.push([cursor, end]);
  return free;
}

/** The range holding `address`, by binary search over a sorted view. */
export function findRange(view: readonly FlatRange[], address: number): FlatRange | undefined {
  let lo = 0;
  let hi = view.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = view[mid]!;
    if (address < r.start) hi = mid - 1;
    else if (address >= r.start + r.size) lo = mid + 1;
    else return r;
  }
  return undefined;
}
