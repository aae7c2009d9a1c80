// The `memory` backend, for tests: guest output collected as text (and as complete lines, for Renode-style
// "wait for line on UART" helpers), input injected by the test.
import { ChardevBase } from './chardev.js';

export class MemoryChardev extends ChardevBase {
  /** Everything the guest wrote, decoded as UTF-8. */
  output = '';
  /** Called with each line the guest completes (without its line ending), e.g. to stop the run loop. */
  onLine: ((line: string) => void) | undefined;
  /** Called after every write, with `output` already extended: for text that ends no line (a prompt). */
  onOutput: (() => void) | undefined;
  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();
  private completeLines: string[] = [];
  /** Where the line being written starts in `output`. */
  private lineStart = 0;

  write(bytes: Uint8Array): void {
    // Streaming, so a UTF-8 character split across writes (one byte per UARTDR write) decodes whole.
    this.output += this.decoder.decode(bytes, { stream: true });
    for (let end = this.output.indexOf('\n', this.lineStart); end >= 0; end = this.output.indexOf('\n', this.lineStart)) {
      const line = this.output.slice(this.lineStart, end).replace(/\r$/, '');
      this.lineStart = end + 1;
      this.completeLines.push(line);
      this.onLine?.(line);
    }
    this.onOutput?.();
  }

  /** Lines ended by `\n` so far (a `\r` before it removed); the line still being written is not included. */
  get lines(): readonly string[] {
    return this.completeLines;
  }

  /** Sends `text` (as UTF-8) to the frontend, as if typed. */
  inject(text: string): void {
    this.deliver(this.encoder.encode(text));
  }
}
