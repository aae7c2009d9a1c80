// Character backends (QEMU's chardev): what a UART's bytes go to and come from. Input waits in the backend
// until the frontend has room (QEMU's can_receive/accept_input), so a paste into the console is never lost
// to a 16-byte FIFO the guest has not drained yet.

/** The device side (QEMU's CharBackend handlers). */
export interface ChardevFrontend {
  /** Bytes the frontend can take now; more input waits in the backend until acceptInput(). */
  canReceive(): number;
  /** At most canReceive() bytes. */
  receive(bytes: Uint8Array): void;
}

export interface Chardev {
  /**
   * Called from Node's event loop after host input reached the frontend: the machine wires its run loop's
   * wake() here, so a guest idling in WFI sees the byte.
   */
  onInput: (() => void) | undefined;
  /** The person at the terminal asked to end the VMM (Ctrl-A X): the machine wires its run loop's stop here. */
  onQuit: ((reason: string) => void) | undefined;
  /** The person at the terminal pressed the power button (Ctrl-A P): the machine wires its power-down request here. */
  onPowerDown: (() => void) | undefined;
  /** Guest output. */
  write(bytes: Uint8Array): void;
  /** Connects the frontend and delivers input that arrived before it. */
  connect(frontend: ChardevFrontend): void;
  /** The frontend has room again (it read its FIFO): delivers waiting input. */
  acceptInput(): void;
  /** Releases host resources (files, the terminal's mode); the backend is unusable afterwards. */
  close(): void;
}

/** Input queueing shared by all backends; those without input simply never call deliver(). */
export abstract class ChardevBase implements Chardev {
  onInput: (() => void) | undefined;
  onQuit: ((reason: string) => void) | undefined;
  onPowerDown: (() => void) | undefined;
  private frontend: ChardevFrontend | undefined;
  private pending = new Uint8Array(0);

  abstract write(bytes: Uint8Array): void;

  connect(frontend: ChardevFrontend): void {
    this.frontend = frontend;
    this.acceptInput();
  }

  acceptInput(): void {
    while (this.pending.length > 0 && this.frontend) {
      const room = Math.min(this.frontend.canReceive(), this.pending.length);
      if (room <= 0) return;
      const chunk = this.pending.subarray(0, room);
      this.pending = this.pending.subarray(room);
      this.frontend.receive(chunk);
    }
  }

  close(): void {
    this.frontend = undefined;
    this.pending = new Uint8Array(0);
  }

  /** Ends the VMM as the person asked; unwired (no machine), the process is interrupted instead. */
  protected quit(keys: string): void {
    if (this.onQuit) this.onQuit(`quit from the console (${keys})`);
    else process.kill(process.pid, 'SIGINT');
  }

  /** Host input: queued, handed to the frontend as far as it has room, then the machine is told. */
  protected deliver(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const queued = new Uint8Array(this.pending.length + bytes.length);
    queued.set(this.pending);
    queued.set(bytes, this.pending.length);
    this.pending = queued;
    this.acceptInput();
    this.onInput?.();
  }
}
