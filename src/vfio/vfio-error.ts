// A VFIO host problem as the user reads it: QEMU's message, advice on a line of its own, and the host's
// failure as the cause. The device that assigns the host device adds its own context in front.
export class VfioError extends Error {
  override name = 'VfioError';
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string | undefined; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.hint = options.hint;
  }
}
