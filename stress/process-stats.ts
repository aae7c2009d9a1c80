// What a long run must not grow: resident memory, open file descriptors and memory mappings (Linux /proc),
// measured after a full garbage collection so that memory the collector would give back is not counted.
import { readdirSync, readFileSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';

export interface ProcessStats {
  rssBytes: number;
  fds: number;
  mappings: number;
  /**
   * The shared mappings: what the VMM maps itself (guest RAM and device memory are shared anonymous
   * memory, a VFIO region's mmap a shared map of the device fd). The private ones are the runtime's heaps
   * (V8's pages and code space, malloc's arenas), which grow to a working size: RSS tells whether they leak.
   */
  sharedMappings: number;
  /** Each mapping as `perms size path`, to say what a growth is made of. */
  mappingKinds: string[];
}

/** Collects garbage (when node runs with --expose-gc) and lets finalizers unmap what they hold, then measures. */
export async function settledStats(): Promise<ProcessStats> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await turn();
  }
  const maps = readFileSync('/proc/self/maps', 'utf8').trimEnd().split('\n');
  return {
    rssBytes: process.memoryUsage().rss,
    fds: readdirSync('/proc/self/fd').length,
    mappings: maps.length,
    sharedMappings: maps.filter((line) => line.split(/\s+/)[1]![3] === 's').length,
    mappingKinds: maps.map((line) => {
      const [range, perms, , , , path] = line.split(/\s+/);
      const [start, end] = range!.split('-').map((hex) => parseInt(hex, 16));
      return `${perms} ${(end! - start!) / 1024}K ${path || 'anonymous'}`;
    }),
  };
}

/** Mapping kinds `after` has more of than `before`: `3 x rw-p 256K anonymous`. */
export function newMappingKinds(before: ProcessStats, after: ProcessStats): string[] {
  const count = (kinds: string[]) => kinds.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
  const was = count(before.mappingKinds);
  return [...count(after.mappingKinds)].flatMap(([kind, n]) => (n > (was.get(kind) ?? 0) ? [`${n - (was.get(kind) ?? 0)} x ${kind}`] : []));
}

export function gcExposed(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}
