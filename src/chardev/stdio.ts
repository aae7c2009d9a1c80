// The `stdio` and `mon:stdio` backends: guest output to stdout, input from stdin. A terminal is put in raw
// mode so keys reach the guest as typed, and given its mode back however the process ends.
// - `stdio` is QEMU's -chardev stdio,signal=on: Ctrl-C interrupts the VMM instead of reaching the guest.
// - `mon:stdio` is what QEMU's -nographic gives the serial port: Ctrl-C (and every other key) reaches the
//   guest, and Ctrl-A starts QEMU's escape keys (EscapeKeys): Ctrl-A X quits, Ctrl-A H lists the keys.
import type { Readable, Writable } from 'node:stream';
import { ChardevBase } from './chardev.js';
import { EscapeKeys } from './escape-keys.js';

const CTRL_C = 0x03;

/** A stdin-like stream: a TTY one has setRawMode (Node's tty.ReadStream). */
export type StdioInput = Readable & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };

export interface StdioOptions {
  /** Default process.stdin; tests pass a PassThrough. */
  input?: StdioInput;
  /** Default process.stdout. */
  output?: Writable;
  /** Ctrl-C typed on a raw terminal (`stdio`); default: SIGINT to this process, as the terminal would send it. */
  onInterrupt?: () => void;
  /** QEMU's escape keys and Ctrl-C to the guest (`mon:stdio`). */
  escapeKeys?: boolean;
}

export class StdioChardev extends ChardevBase {
  private readonly input: StdioInput;
  private readonly output: Writable;
  private readonly onInterrupt: () => void;
  /** Sets a terminal's raw mode: only a TTY has it, and only a TTY is put in raw mode. */
  private readonly setRawMode: ((raw: boolean) => unknown) | undefined;
  private readonly escapes: EscapeKeys | undefined;
  private readonly onData = (data: Buffer | string) => this.received(typeof data === 'string' ? Buffer.from(data) : data);
  /** A process that ends without close() (an uncaught error, process.exit) still restores the terminal. */
  private readonly restoreTerminal = () => this.input.setRawMode?.(false);

  constructor(options: StdioOptions = {}) {
    super();
    this.input = options.input ?? process.stdin;
    this.output = options.output ?? process.stdout;
    this.onInterrupt = options.onInterrupt ?? (() => process.kill(process.pid, 'SIGINT'));
    const { input } = this;
    this.setRawMode = input.isTTY === true && input.setRawMode ? input.setRawMode.bind(input) : undefined;
    if (options.escapeKeys) {
      this.escapes = new EscapeKeys({
        send: (bytes) => this.deliver(bytes),
        print: (text) => this.output.write(text),
        quit: () => this.quit('Ctrl-A X'),
        powerDown: () => this.onPowerDown?.(),
      });
    }
    if (this.setRawMode) {
      this.setRawMode(true);
      process.once('exit', this.restoreTerminal);
    }
    this.input.on('data', this.onData);
  }

  write(bytes: Uint8Array): void {
    this.output.write(bytes);
  }

  /** Stops reading (so stdin no longer keeps Node alive) and gives the terminal its mode back. */
  override close(): void {
    super.close();
    this.input.off('data', this.onData);
    this.input.pause();
    if (this.setRawMode) {
      this.setRawMode(false);
      process.off('exit', this.restoreTerminal);
    }
  }

  private received(data: Uint8Array): void {
    if (this.escapes) return this.escapes.feed(data);
    // On a raw terminal, each Ctrl-C interrupts the VMM and the bytes around it go to the guest.
    let start = 0;
    for (let i = data.indexOf(CTRL_C); this.setRawMode && i >= 0; i = data.indexOf(CTRL_C, start)) {
      this.deliver(data.subarray(start, i));
      this.onInterrupt();
      start = i + 1;
    }
    this.deliver(data.subarray(start));
  }
}
