// The signals that end a run (SIGHUP, SIGINT, SIGQUIT, SIGTERM): caught from the start of the launcher, so
// that whenever one arrives the run ends as a guest power-off does, with the machine closed and everything
// it took given back (a fake host's temp tree, mappings, eventfds, VFIO fds), one line saying which signal,
// and exit code 128 + its number, as a shell reports a process the signal killed.
import { constants } from 'node:os';

export type TerminationSignal = 'SIGHUP' | 'SIGINT' | 'SIGQUIT' | 'SIGTERM';

const WHAT: Record<TerminationSignal, string> = {
  SIGHUP: 'hung up',
  SIGINT: 'interrupted',
  SIGQUIT: 'quit',
  SIGTERM: 'terminated',
};

/** The exit code of a run a termination signal ended: 128 + its number, as a shell reports it. */
export function signalExitCode(name: TerminationSignal): number {
  return 128 + constants.signals[name];
}

/** The signals that end a run, with their exit codes. */
export const TERMINATION_SIGNALS = Object.keys(WHAT) as TerminationSignal[];

export interface ReceivedSignal {
  name: TerminationSignal;
  /** `terminated (SIGTERM)`: the run's stop reason. */
  reason: string;
  /** 128 + the signal number: 129, 130, 131, 143. */
  exitCode: number;
}

export class TerminationSignals {
  /** The first signal received, if any. */
  received: ReceivedSignal | undefined;
  private onSignal: ((signal: ReceivedSignal) => void) | undefined;
  private readonly handlers = new Map<TerminationSignal, () => void>();

  /** Catches the signals from now until dispose(). */
  constructor() {
    for (const name of TERMINATION_SIGNALS) {
      const handler = () => this.receive(name);
      this.handlers.set(name, handler);
      process.on(name, handler);
    }
  }

  /** Runs `stop` for the signal received, now if one already was (during set-up), else when one arrives. */
  whenReceived(stop: (signal: ReceivedSignal) => void): void {
    this.onSignal = stop;
    if (this.received) stop(this.received);
  }

  /** Gives the signals their default action back. */
  dispose(): void {
    for (const [name, handler] of this.handlers) process.off(name, handler);
    this.handlers.clear();
    this.onSignal = undefined;
  }

  private receive(name: TerminationSignal): void {
    if (this.received) return; // the run is ending already
    this.received = { name, reason: `${WHAT[name]} (${name})`, exitCode: signalExitCode(name) };
    this.onSignal?.(this.received);
  }
}
