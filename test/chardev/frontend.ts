// A recording frontend for backend tests: takes up to `room` bytes at a time, as a UART FIFO would.
import type { ChardevFrontend } from '../../src/chardev/index.js';

export class RecordingFrontend implements ChardevFrontend {
  readonly received: string[] = [];

  constructor(public room = Infinity) {}

  canReceive(): number {
    return this.room;
  }

  receive(bytes: Uint8Array): void {
    this.received.push(Buffer.from(bytes).toString('latin1'));
    this.room -= bytes.length;
  }
}
