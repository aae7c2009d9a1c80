// One gdb on one socket: framing and acknowledgements (dropped after QStartNoAckMode), Ctrl-C, and packets
// handled in order. While the guest runs, only packets that need no stopped guest are answered; the rest
// wait until it stops (gdb in all-stop mode sends nothing else while it waits for a stop reply anyway).
import type { Socket } from 'node:net';
import { handleCommand, type GdbTarget } from './commands.js';
import { encodePacket, RspReader } from './packets.js';
import { exitPacket, stopPacket, type Session, type StopEvent } from './stop-reply.js';
import { at } from '../util/at.js';

/** What the connection needs from the stub that owns it. */
export interface ConnectionOwner {
  readonly target: GdbTarget;
  /** The guest is held, so every packet can be answered. */
  readonly halted: boolean;
  interrupt(): void;
  disconnected(connection: GdbConnection): void;
}

/** Packets answered from static facts (or that stop the guest themselves), also while the guest runs. */
const ANSWERED_WHILE_RUNNING =
  /^(qSupported|QStartNoAckMode|vMustReplyEmpty|qXfer:features|qAttached|qfThreadInfo|qsThreadInfo|qC$|H|!|vCont\?|vAttach|vKill|k$|qTStatus|qSymbol)/;

export class GdbConnection {
  readonly session: Session = { extended: false, noAck: false, multiprocess: false };
  private readonly reader = new RspReader();
  private readonly pending: Buffer[] = [];
  private lastSent: Buffer | undefined;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly owner: ConnectionOwner,
  ) {
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', () => socket.destroy()); // 'close' follows
    socket.on('close', () => {
      this.closed = true;
      owner.disconnected(this);
    });
  }

  /** Sends a packet (a reply, or a stop reply the guest's stop produced). */
  send(body: string): void {
    if (this.closed) return;
    this.lastSent = encodePacket(body);
    this.socket.write(this.lastSent);
  }

  sendStop(stop: StopEvent): void {
    this.send(stopPacket(stop, this.session));
  }

  sendExit(exitCode: number): void {
    this.send(exitPacket(exitCode, this.session));
  }

  /** Answers what was waiting for the guest to stop. */
  pump(): void {
    while (this.pending.length && !this.closed) {
      const packet = at(this.pending, 0);
      if (!this.owner.halted && !ANSWERED_WHILE_RUNNING.test(packet.toString('latin1'))) return;
      this.pending.shift();
      const reply = handleCommand(this.owner.target, packet, this.session);
      if (reply !== undefined) this.send(reply);
    }
  }

  /** Ends the connection once what was sent has been flushed. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
  }

  private receive(chunk: Buffer): void {
    for (const event of this.reader.feed(chunk)) {
      switch (event.kind) {
        case 'packet':
          if (!this.session.noAck) this.socket.write('+');
          this.pending.push(event.body);
          break;
        case 'bad-checksum':
          if (!this.session.noAck) this.socket.write('-');
          break;
        case 'nak':
          if (this.lastSent) this.socket.write(this.lastSent);
          break;
        case 'interrupt':
          this.owner.interrupt();
          break;
        case 'ack':
          break;
      }
    }
    this.pump();
  }
}
