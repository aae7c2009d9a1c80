// Runs an addon call and turns its system-call failures (Error with `errno` and `operation`) into
// VfioHostError, adding what the user can do about it. Other errors (bad arguments) are bugs: rethrown.
import { constants } from 'node:os';
import { VfioHostError, type Errno } from '../host.js';

export interface CallContext {
  /** Replaces the addon's operation text (which names only the fd). */
  operation?: string;
  /** Detail for the error message, by errno: the likely cause and the fix. */
  hint?: (errno: Errno) => string | undefined;
}

export function isErrno(name: unknown): name is Errno {
  return typeof name === 'string' && Object.hasOwn(constants.errno, name);
}

export function hostCall<T>(call: () => T, context: CallContext = {}): T {
  try {
    return call();
  } catch (e) {
    const { errno, operation } = (e ?? {}) as { errno?: unknown; operation?: unknown };
    if (isErrno(errno) && typeof operation === 'string') {
      throw new VfioHostError(errno, context.operation ?? operation, context.hint?.(errno));
    }
    throw e;
  }
}
