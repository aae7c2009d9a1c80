// A person at a terminal: runs the real armvirt CLI on a pseudo-terminal (test/support/pty-relay.py, with
// python3's pty module), types keys into it and reads what it shows. Each wait looks at the output after
// the previous match, so a prompt seen before is not taken for the next one.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RELAY = fileURLToPath(new URL('../../../test/support/pty-relay.py', import.meta.url));
export const ARMVIRT_CLI = fileURLToPath(new URL('../../src/cli/armvirt.js', import.meta.url));

export interface TerminalExit {
  exitCode: number;
  /** The terminal's mode (termios) after the run equals the one before it. */
  terminalRestored: boolean;
}

export class TerminalSession {
  /** Everything the program showed, as text. */
  screen = '';
  /** Where the next wait starts looking. */
  private mark = 0;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters = new Set<() => void>();
  private relayReport = '';
  readonly exited: Promise<TerminalExit>;

  /** Runs `armvirt ARGS...` on a new terminal. */
  constructor(args: string[]) {
    this.child = spawn('python3', [RELAY, process.execPath, ARMVIRT_CLI, ...args], { stdio: 'pipe' });
    this.child.stdout.setEncoding('utf8').on('data', (text: string) => {
      this.screen += text;
      for (const check of this.waiters) check();
    });
    this.child.stderr.setEncoding('utf8').on('data', (text: string) => (this.relayReport += text));
    this.exited = new Promise((resolve, reject) => {
      this.child.on('close', () => {
        for (const check of this.waiters) check();
        const line = this.relayReport.trim().split('\n').at(-1) ?? '';
        try {
          resolve(JSON.parse(line) as TerminalExit);
        } catch {
          reject(new Error(`the pty relay ended without a report: ${this.relayReport || '(nothing on stderr)'}`));
        }
      });
    });
  }

  /** Keys as typed: control characters included ('\x03' is Ctrl-C). */
  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  /** Resolves with the text up to and including the first match after the last one; rejects after `timeoutMs`. */
  waitFor(pattern: string | RegExp, timeoutMs = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const rest = this.screen.slice(this.mark);
        const found = typeof pattern === 'string' ? { index: rest.indexOf(pattern), length: pattern.length } : matchOf(rest, pattern);
        if (found.index < 0) {
          if (this.child.exitCode !== null || this.child.signalCode !== null) fail('the program ended');
          return;
        }
        this.waiters.delete(check);
        clearTimeout(timer);
        const end = this.mark + found.index + found.length;
        const text = this.screen.slice(this.mark, end);
        this.mark = end;
        resolve(text);
      };
      const fail = (why: string) => {
        this.waiters.delete(check);
        clearTimeout(timer);
        reject(new Error(`${why} before showing ${String(pattern)}; the screen ends with:\n${this.screen.slice(-600)}`));
      };
      const timer = setTimeout(() => fail(`${timeoutMs} ms passed`), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** The program gets SIGTERM (through the relay, which is what this process can signal). */
  terminate(): void {
    this.child.kill('SIGUSR1');
  }

  /** Ends the program if it still runs (a failed test). */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}

function matchOf(text: string, pattern: RegExp): { index: number; length: number } {
  const m = pattern.exec(text);
  return m ? { index: m.index, length: m[0].length } : { index: -1, length: 0 };
}
