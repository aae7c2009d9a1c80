// Trace events (QEMU's trace-events, declared in TS next to the code that fires them): a registry of named
// events with printf-style formats, enabled by glob patterns, whose records go to any number of sinks.
import { formatTrace, parseFormat, type ParsedFormat, type TraceArgs } from './format.js';
import { globToRegExp } from './glob.js';

/** What an enabled event hands its sinks. */
export interface TraceRecord {
  readonly name: string;
  readonly args: readonly unknown[];
  /** The format applied to the args, without the event name. */
  readonly message: string;
  /** From the registry's clock, in ns (virtual or host time, as the VMM chose); absent without a clock. */
  readonly timeNs?: number;
}

export interface TraceSink {
  write(record: TraceRecord): void;
}

export interface TraceEventInfo {
  readonly name: string;
  readonly format: string;
  readonly enabled: boolean;
}

/** A defined event's firing function: a single boolean check while the event is disabled. */
export type TraceFunction<F extends string> = (...args: TraceArgs<F>) => void;

interface TraceEvent {
  readonly name: string;
  readonly format: string;
  readonly parsed: ParsedFormat;
  enabled: boolean;
}

interface TracePattern {
  readonly glob: RegExp;
  readonly enable: boolean;
}

/** The firing function takes its arguments by position, so a disabled call allocates no rest array. */
const MAX_ARGS = 8;
const EVENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class TraceRegistry {
  private readonly events = new Map<string, TraceEvent>();
  private readonly patterns: TracePattern[] = [];
  private readonly sinks: TraceSink[] = [];
  private clock: (() => number) | undefined;

  define<F extends string>(name: string, format: F): TraceFunction<F> {
    if (!EVENT_NAME.test(name)) throw new Error(`trace event name '${name}' is not an identifier (letters, digits and _, not starting with a digit)`);
    const existing = this.events.get(name);
    if (existing) throw new Error(`trace event '${name}' is already defined (format '${existing.format}')`);
    const parsed = parseFormat(format, name);
    if (parsed.conversions.length > MAX_ARGS) {
      throw new Error(`trace event '${name}': format '${format}' takes ${parsed.conversions.length} arguments; at most ${MAX_ARGS} are accepted`);
    }
    const event: TraceEvent = { name, format, parsed, enabled: false };
    for (const p of this.patterns) if (p.glob.test(name)) event.enabled = p.enable;
    this.events.set(name, event);
    const fire = (a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown, a4?: unknown, a5?: unknown, a6?: unknown, a7?: unknown): void => {
      if (event.enabled) this.emit(event, [a0, a1, a2, a3, a4, a5, a6, a7].slice(0, parsed.conversions.length));
    };
    return fire as TraceFunction<F>;
  }

  /**
   * Applies patterns in order, to the events defined so far and to those defined later: `glob` enables,
   * `-glob` disables, and the last matching pattern decides. Returns a warning for each pattern that matches
   * no event defined so far.
   */
  enable(...patterns: string[]): string[] {
    const warnings: string[] = [];
    for (const pattern of patterns) {
      const enable = !pattern.startsWith('-');
      const glob = globToRegExp(enable ? pattern : pattern.slice(1));
      this.patterns.push({ glob, enable });
      let matched = 0;
      for (const event of this.events.values()) {
        if (glob.test(event.name)) {
          event.enabled = enable;
          matched++;
        }
      }
      if (matched === 0) warnings.push(`trace pattern '${pattern}' matches no event`);
    }
    return warnings;
  }

  /** Every event, sorted by name: what `--trace help` lists. */
  list(): TraceEventInfo[] {
    return [...this.events.values()]
      .map(({ name, format, enabled }) => ({ name, format, enabled }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  addSink(sink: TraceSink): void {
    this.sinks.push(sink);
  }

  removeSink(sink: TraceSink): void {
    const i = this.sinks.indexOf(sink);
    if (i >= 0) this.sinks.splice(i, 1);
  }

  /** Installs the time source stamped on every record (e.g. the virtual clock), or removes it. */
  setClock(clockNs: (() => number) | undefined): void {
    this.clock = clockNs;
  }

  private emit(event: TraceEvent, args: unknown[]): void {
    const message = formatTrace(event.parsed, args);
    const record: TraceRecord = this.clock ? { name: event.name, args, message, timeNs: this.clock() } : { name: event.name, args, message };
    for (const sink of this.sinks) sink.write(record);
  }
}
