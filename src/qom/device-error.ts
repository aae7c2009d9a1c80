// The object model's error: a message that callers widen with context as it travels outwards (QEMU's
// error_prepend), plus an optional hint printed on its own line (QEMU's error_append_hint).

export interface DeviceErrorOptions {
  /** Advice for the user, e.g. which option to try instead. */
  hint?: string;
  cause?: unknown;
}

export class DeviceError extends Error {
  override name = 'DeviceError';
  hint: string | undefined;

  constructor(message: string, options: DeviceErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.hint = options.hint;
  }

  /** Adds context in front of the message, e.g. `vfio fff51000.ethernet: `. Returns this, to rethrow. */
  prepend(prefix: string): this {
    this.message = prefix + this.message;
    return this;
  }

  /**
   * The error as a DeviceError, so it can be prepended; other errors become the cause of a new one, which
   * keeps their hint (a VFIO host's advice, say).
   */
  static from(error: unknown): DeviceError {
    if (error instanceof DeviceError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const hint = (error as { hint?: unknown } | null | undefined)?.hint;
    return new DeviceError(message, { cause: error, hint: typeof hint === 'string' ? hint : undefined });
  }
}
