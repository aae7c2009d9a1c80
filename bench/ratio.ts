// Ratios measured the stable way: each run times our side and its reference back to back in this process,
// alternating which goes first so a drift in the host's speed cancels out, and the figure is the median of
// the per-run ratios, with their spread. A spread wider than NOISE_LIMIT of the median says the host was too
// noisy for the figure to be trusted (other load, frequency changes), and the printout says so.
import { median } from './median.js';

export const NOISE_LIMIT = 0.25;

export interface PairedRatio {
  /** Median of the per-run ratios ours / reference. */
  ratio: number;
  low: number;
  high: number;
  /** Medians of the two sides, for the printout. */
  ours: number;
  reference: number;
}

/** `runs` pairs of `ours()` and `reference()`, interleaved, as ratios ours / reference. */
export async function pairedRatio(runs: number, ours: () => Promise<number>, reference: () => Promise<number>): Promise<PairedRatio> {
  const oursValues: number[] = [];
  const referenceValues: number[] = [];
  for (let i = 0; i < runs; i++) {
    let a: number;
    let b: number;
    if (i % 2 === 0) {
      a = await ours();
      b = await reference();
    } else {
      b = await reference();
      a = await ours();
    }
    oursValues.push(a);
    referenceValues.push(b);
  }
  return ratioOfPairs(oursValues, referenceValues);
}

/** The ratio of runs made in pairs (ours[i] beside reference[i]). */
export function ratioOfPairs(ours: number[], reference: number[]): PairedRatio {
  const ratios = ours.map((value, i) => value / reference[i]!);
  return { ratio: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios), ours: median(ours), reference: median(reference) };
}

/** Whether a ratio's spread is too wide to trust. */
export function isNoisy(r: PairedRatio): boolean {
  return (r.high - r.low) / r.ratio > NOISE_LIMIT;
}

/** `0.93 (0.90-0.97)` */
export function formatRatio(r: PairedRatio, digits = 2): string {
  return `${r.ratio.toFixed(digits)} (${r.low.toFixed(digits)}-${r.high.toFixed(digits)})`;
}
