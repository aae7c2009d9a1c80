// Medians for the benchmarks: the host's speed drifts between runs, so each figure is the median of a few.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The median of `n` runs of `fn`, one after the other. */
export async function medianOf(n: number, fn: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await fn());
  return median(xs);
}
