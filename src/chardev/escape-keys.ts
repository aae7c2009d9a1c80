// QEMU's multiplexed console keys (chardev/char-mux.c, `-nographic`): Ctrl-A starts an escape; the next
// key picks the action. armvirt has no monitor, disks or timestamps, so it keeps the keys that apply, and
// adds one for what QEMU's monitor does with `system_powerdown`: Ctrl-A P presses the power button.
import { at } from '../util/at.js';

const CTRL_A = 0x01;

const HELP =
  '\r\nC-a h    print this help\r\n' +
  'C-a x    exit emulator\r\n' +
  "C-a p    power down (press the power button, as the monitor's system_powerdown)\r\n" +
  'C-a C-a  sends C-a\r\n';

export interface EscapeActions {
  /** Bytes for the guest. */
  send(bytes: Uint8Array): void;
  /** Text for the person at the terminal. */
  print(text: string): void;
  /** Ctrl-A X. */
  quit(): void;
  /** Ctrl-A P. */
  powerDown(): void;
}

export class EscapeKeys {
  private escaping = false;

  constructor(private readonly actions: EscapeActions) {}

  /** Host input: plain bytes go to the guest in runs, escapes act between them. */
  feed(data: Uint8Array): void {
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      const byte = at(data, i);
      if (!this.escaping && byte !== CTRL_A) continue;
      this.actions.send(data.subarray(start, i));
      start = i + 1;
      if (!this.escaping) {
        this.escaping = true;
        continue;
      }
      this.escaping = false;
      this.escape(byte);
    }
    this.actions.send(data.subarray(start));
  }

  private escape(key: number): void {
    switch (String.fromCharCode(key).toLowerCase()) {
      case '\x01':
        this.actions.send(Uint8Array.of(CTRL_A));
        break;
      case 'h':
      case '?':
        this.actions.print(HELP);
        break;
      case 'x':
        this.actions.quit();
        break;
      case 'p':
        this.actions.powerDown();
        break;
      default: // QEMU ignores a key it has no action for
    }
  }
}
