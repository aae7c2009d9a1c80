// Guest errors (QEMU's LOG_GUEST_ERROR): an access to nothing, to no register, of a size a device refuses.
// Real hardware ignores them, so a guest can make millions a second; each is logged, but per source only
// the first few in every interval, then one line saying how many more were suppressed (the kernel's
// printk_ratelimit). `-d guest_errors` logs every one, as QEMU does. A message is a function that runs only
// when its line is written, so a suppressed error builds no string.

/** A guest error's text, built only if it is logged. */
export type LazyMessage = () => string;

/** Reports one guest error of `source` (a device's label, `unmapped access`, ...). */
export type GuestErrorReporter = (source: string, message: LazyMessage) => void;

export interface GuestErrorLogOptions {
  /** Log every guest error (`-d guest_errors`); default: rate-limited per source. */
  all?: boolean;
  /** Lines a source may write per interval (default 10). */
  burst?: number;
  /** The interval, in host ms (default 5000). */
  intervalMs?: number;
  /** Host time in ms (default performance.now), for tests. */
  now?: () => number;
}

interface SourceState {
  intervalStart: number;
  written: number;
  suppressed: number;
}

export class GuestErrorLog {
  private readonly sources = new Map<string, SourceState>();
  private readonly all: boolean;
  private readonly burst: number;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly write: (line: string) => void,
    options: GuestErrorLogOptions = {},
  ) {
    this.all = options.all ?? false;
    this.burst = options.burst ?? 10;
    this.intervalMs = options.intervalMs ?? 5000;
    this.now = options.now ?? (() => performance.now());
  }

  /** The reporter devices are handed (bound, so it can be passed around on its own). */
  readonly report: GuestErrorReporter = (source, message) => {
    if (this.all) {
      this.write(message());
      return;
    }
    let state = this.sources.get(source);
    const now = this.now();
    if (!state) this.sources.set(source, (state = { intervalStart: now, written: 0, suppressed: 0 }));
    else if (now - state.intervalStart >= this.intervalMs) {
      this.flushSource(source, state);
      state.intervalStart = now;
      state.written = 0;
    }
    if (state.written < this.burst) {
      state.written++;
      this.write(message());
    } else {
      state.suppressed++;
    }
  };

  /** Writes the suppressed counts not yet reported (at the end of a run). */
  flush(): void {
    for (const [source, state] of this.sources) this.flushSource(source, state);
  }

  private flushSource(source: string, state: SourceState): void {
    if (state.suppressed === 0) return;
    this.write(`${source}: ${state.suppressed} more guest error${state.suppressed === 1 ? '' : 's'} suppressed (-d guest_errors logs every one)`);
    state.suppressed = 0;
  }
}
