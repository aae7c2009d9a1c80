// The `null` backend (QEMU's -chardev null): output is discarded and no input ever arrives.
import { ChardevBase } from './chardev.js';

export class NullChardev extends ChardevBase {
  write(_bytes: Uint8Array): void {}
}
