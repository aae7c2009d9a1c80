// `info mtree`: the region tree with absolute addresses, and (-f) the flattened view, in QEMU's layout.
import type { AddressSpace } from './address-space.js';
import type { MemoryRegion } from './region.js';

const addr = (n: number) => n.toString(16).padStart(16, '0');

function kindLabel(region: MemoryRegion): string {
  return region.kind === 'io' ? 'i/o' : region.kind;
}

function line(start: number, region: MemoryRegion, priority: number, depth: number): string {
  const alias = region.kind === 'alias' ? ` @${region.aliasOf.name} ${addr(region.aliasOffset)}-${addr(region.aliasOffset + region.size - 1)}` : '';
  const off = region.enabled ? '' : ' [disabled]';
  return `${'  '.repeat(depth)}${addr(start)}-${addr(start + region.size - 1)} (prio ${priority}, ${kindLabel(region)}): ${region.name}${alias}${off}`;
}

function tree(region: MemoryRegion, base: number, priority: number, depth: number, out: string[]): void {
  out.push(line(base, region, priority, depth));
  if (region.kind !== 'container') return;
  const children = [...region.subregions].sort((a, b) => a.offset - b.offset || b.priority - a.priority);
  for (const s of children) tree(s.region, base + s.offset, s.priority, depth + 1, out);
}

export function formatMtree(space: AddressSpace, options: { flat?: boolean } = {}): string {
  if (options.flat) {
    const rows = space.view.map(
      (r) =>
        `  ${addr(r.start)}-${addr(r.start + r.size - 1)} (${kindLabel(r.region)}): ${r.region.name}` + (r.regionOffset ? ` @${addr(r.regionOffset)}` : ''),
    );
    return [`FlatView for ${space.name}:`, ...rows].join('\n') + '\n';
  }
  const out = [`address-space: ${space.name}`];
  tree(space.root, 0, 0, 1, out);
  return out.join('\n') + '\n';
}
