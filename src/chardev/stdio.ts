// The `stdio` backend (QEMU's -chardev stdio,signal=on): guest output to stdout, input from stdin. A
// terminal is put in raw mode so keys reach the guest as typed (no line editing, no echo); Ctrl-C still
// interrupts the VMM, as QEMU's signal=on keeps it, instead of reaching the guest.
import type { Readable, Writable } from 'node:stream';
import { ChardevBase } from './chardev.js';

const CTRL_C = 0x03;

/** A stdin-like stream: a TTY one has setRawMode (Node's tty.ReadStream). */
export type StdioInput = Readable & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };

export interface StdioOptions {
  /** Default process.stdin; tests pass a PassThrough. */
  input?: StdioInput;
  /** Default process.stdout. */
  output?: Writable;
  /** Ctrl-C typed on a raw terminal; default: SIGINT to this process, as the terminal would send it. */
  onInterrupt?: () => void;
}

export class StdioChardev extends ChardevBase {
  private readonly input: StdioInput;
  private readonly output: Writable;
  private readonly onInterrupt: () => void;
  private readonly raw: boolean;
  private readonly onData = (data: Buffer | string) => this.received(typeof data === 'string' ? Buffer.from(data) : data);

  constructor(options: StdioOptions = {}) {
    super();
    this.input = options.input ?? process.stdin;
    this.output = options.output ?? process.stdout;
    this.onInterrupt = options.onInterrupt ?? (() => process.kill(process.pid, 'SIGINT'));
    this.raw = this.input.isTTY === true && this.input.setRawMode !== undefined;
    if (this.raw) this.input.setRawMode!(true);
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
    if (this.raw) this.input.setRawMode!(false);
  }

  /** On a raw terminal, each Ctrl-C interrupts the VMM and the bytes around it go to the guest. */
  private received(data: Uint8Array): void {
    let start = 0;
    for (let i = data.indexOf(CTRL_C); this.raw && i >= 0; i = data.indexOf(CTRL_C, start)) {
      this.deliver(data.subarray(start, i));
      this.onInterrupt();
      start = i + 1;
    }
    this.deliver(data.subarray(start));
  }
}
