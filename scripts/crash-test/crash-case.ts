// One crash-test case: an armvirt command line that a careless or hostile user might type, and the text the
// one error line must name. Every case expects exit 2.

export interface CrashCase {
  /** devices, flags, config or files: the row of the summary table. */
  family: string;
  /** What is tried, for the report: `pl031 start-time='-1'`. */
  name: string;
  args: string[];
  /** What the first error line must name, one of: the flag, property, JSON path, file or value at fault. */
  culprits: string[];
  /** Part of the CI-sized run (a deterministic sample of every family). */
  ci: boolean;
  /** A file the case needs, written before it runs (a config file). */
  writes?: { path: string; text: string };
}

/** Where cases find what they need: a scratch directory, a kernel that powers off, the fake hosts. */
export interface CaseContext {
  dir: string;
  kernel: string;
  hostsDir: string;
  /** A FIFO no process reads or writes. */
  fifo: string;
}

/** Key names that are members of every JavaScript object: a checker written with `obj[key]` trips on them. */
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;

/** Run options that make an accepted case end quickly instead of booting for long. */
export const QUICK_RUN = ['--clock', 'deterministic', '--timeout', '1'];

/** The first `n` of each group go to CI: every family and every row of it stays covered. */
export function sampled<T>(values: readonly T[], n: number): { value: T; ci: boolean }[] {
  return values.map((value, i) => ({ value, ci: i < n }));
}
