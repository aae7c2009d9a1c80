// The `file:PATH` backend (QEMU's -chardev file): guest output appended to a file, no input. Writes are
// synchronous so the file holds every byte the guest sent, in order, even if the VMM dies right after.
import { closeSync, openSync, writeSync } from 'node:fs';
import { ChardevBase } from './chardev.js';

export class FileChardev extends ChardevBase {
  private fd: number | undefined;

  /** Opens `path` for appending (creating it); throws naming the path when that fails. */
  constructor(readonly path: string) {
    super();
    try {
      this.fd = openSync(path, 'a');
    } catch (error) {
      throw new Error(`cannot open '${path}' for appending: ${(error as Error).message}`, { cause: error });
    }
  }

  write(bytes: Uint8Array): void {
    if (this.fd === undefined) return;
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done);
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
