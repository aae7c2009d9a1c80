// Flattening a region tree into the ranges the guest sees: for every address, the enabled leaf region
// (RAM, RAM-device or I/O) that wins by priority, with the offset into that region.
import type { LeafRegion, MemoryRegion } from './region.js';
import { at } from '../util/at.js';

export interface FlatRange {
  start: number;
  size: number;
  region: LeafRegion;
  /** Offset into `region` that `start` maps to. */
  regionOffset: number;
}

export function flatten(root: MemoryRegion): FlatRange[] {
  const ranges: FlatRange[] = []; // kept sorted by start while rendering
  render(root, 0, 0, root.size, ranges);
  return ranges;
}

/** Renders `region` placed at `base`, limited to [clipStart, clipEnd), into what `claimed` leaves free. */
function render(region: MemoryRegion, base: number, clipStart: number, clipEnd: number, claimed: FlatRange[]): void {
  if (!region.enabled) return;
  const start = Math.max(base, clipStart);
  const end = Math.min(base + region.size, clipEnd);
  if (start >= end) return;
  switch (region.kind) {
    case 'alias':
      render(region.aliasOf, base - region.aliasOffset, start, end, claimed);
      return;
    case 'container':
      // subregions are kept in precedence order (see MemoryRegion.addSubregion)
      for (const sub of region.subregions) render(sub.region, base + sub.offset, start, end, claimed);
      return;
    default:
      claimFree(start, end, base, region, claimed);
  }
}

/** Adds the parts of [start, end) that no range in the sorted `claimed` covers, keeping it sorted. */
function claimFree(start: number, end: number, base: number, region: LeafRegion, claimed: FlatRange[]): void {
  let i = firstEndingAfter(claimed, start);
  let cursor = start;
  while (cursor < end) {
    const next = claimed[i];
    const gapEnd = next ? Math.min(next.start, end) : end;
    if (gapEnd > cursor) {
      claimed.splice(i, 0, { start: cursor, size: gapEnd - cursor, region, regionOffset: cursor - base });
      i++;
    }
    if (!next || next.start >= end) return;
    cursor = Math.max(cursor, next.start + next.size);
    i++;
  }
}

/** Index of the first range in the sorted `ranges` that ends after `address`. */
function firstEndingAfter(ranges: readonly FlatRange[], address: number): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const r = at(ranges, mid);
    if (r.start + r.size <= address) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The range holding `address`, by binary search over a sorted view. */
export function findRange(view: readonly FlatRange[], address: number): FlatRange | undefined {
  let lo = 0;
  let hi = view.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = at(view, mid);
    if (address < r.start) hi = mid - 1;
    else if (address >= r.start + r.size) lo = mid + 1;
    else return r;
  }
  return undefined;
}
