// Interrupt lines: a device output wired to a controller input (or any sink). Lines are level-triggered;
// pulse() gives an edge. Levels set before a line is connected are kept and delivered on connection, and
// a test can intercept a line to watch or redirect it.

export type IrqSink = (level: boolean) => void;

export class IrqLine {
  private sink: IrqSink | undefined;
  private interceptor: IrqSink | undefined;
  private levelNow = false;
  /** Low-to-high transitions, for `info irq`. */
  raises = 0;

  constructor(readonly name: string) {}

  get level(): boolean {
    return this.levelNow;
  }

  get connected(): boolean {
    return this.sink !== undefined;
  }

  /** Unwires the line (a failed hot-plug undone); its level is kept. */
  disconnect(): void {
    this.sink = undefined;
  }

  /** Where the line is wired (a controller input), for a device that must know its destination. */
  get destination(): IrqSink | undefined {
    return this.sink;
  }

  /** Wires the line to its destination and delivers the current level. */
  connect(sink: IrqSink): void {
    if (this.sink) throw new Error(`IRQ line '${this.name}' is already connected`);
    this.sink = sink;
    if (this.levelNow) this.deliver(true);
  }

  set(level: boolean): void {
    if (level === this.levelNow) return;
    this.levelNow = level;
    if (level) this.raises++;
    this.deliver(level);
  }

  raise(): void {
    this.set(true);
  }

  lower(): void {
    this.set(false);
  }

  /** An edge: high then low. */
  pulse(): void {
    this.set(true);
    this.set(false);
  }

  /**
   * Sends the line's changes to `observer` (tests). With `passThrough` the destination still gets them.
   * Returns a function that removes the interception.
   */
  intercept(observer: IrqSink, passThrough = false): () => void {
    this.interceptor = passThrough ? (l) => (observer(l), this.sink?.(l)) : observer;
    return () => (this.interceptor = undefined);
  }

  private deliver(level: boolean): void {
    (this.interceptor ?? this.sink)?.(level);
  }
}

/** `info irq`: each line with its level and how many times it was raised. */
export function formatIrqLines(lines: readonly IrqLine[]): string {
  return (
    lines
      .map((l) => `${l.name}: ${l.level ? 'high' : 'low'}, raised ${l.raises} time${l.raises === 1 ? '' : 's'}${l.connected ? '' : ' (not connected)'}`)
      .join('\n') + '\n'
  );
}
