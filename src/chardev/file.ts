// The `file:PATH` backend (QEMU's -chardev file): guest output appended to a file, no input. Writes are
// synchronous so the file holds every byte the guest sent, in order, even if the VMM dies right after.
import { closeSync, constants, openSync, statSync, writeSync } from 'node:fs';
import { ChardevBase } from './chardev.js';

export class FileChardev extends ChardevBase {
  private fd: number | undefined;

  /** Opens `path` for appending (creating it); throws naming the path when that fails. */
  constructor(readonly path: string) {
    super();
    try {
      this.fd = openForAppending(path);
    } catch (error) {
      throw new Error(`cannot open '${path}' for appending: ${(error as Error).message}`, { cause: error });
    }
  }

  write(bytes: Uint8Array): void {
    if (this.fd === undefined) return;
    try {
      writeAll(this.fd, bytes);
    } catch (error) {
      throw new Error(`cannot write to '${this.path}': ${(error as Error).message}`, { cause: error });
    }
  }

  override close(): void {
    super.close();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Opening a FIFO for writing waits for a reader, for ever if none comes. A FIFO is opened without waiting
 * instead: that fails (ENXIO) when no process reads it, and its writes then wait in write() (EAGAIN).
 */
function openForAppending(path: string): number {
  let isFifo = false;
  try {
    isFifo = statSync(path).isFIFO();
  } catch {
    // absent: created as a regular file
  }
  if (!isFifo) return openSync(path, 'a');
  try {
    return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENXIO') throw new Error('it is a FIFO no process reads', { cause: error });
    throw error;
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** writeSync to the end, waiting while a non-blocking FIFO is full. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) {
    try {
      done += writeSync(fd, bytes, done);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1); // the reader is behind: give it a millisecond
    }
  }
}
