// The GDB remote serial protocol's framing (gdb manual, "Overview" of Remote Protocol): `$body#cs` packets
// with a modulo-256 checksum, `+`/`-` acknowledgements, and a bare 0x03 byte for an interrupt (Ctrl-C).
// Bodies are kept as bytes: binary packets (X) escape bytes with 0x7d, which the packet's handler undoes.
import { at } from '../util/at.js';

export type RspEvent = { kind: 'packet'; body: Buffer } | { kind: 'bad-checksum' } | { kind: 'interrupt' } | { kind: 'ack' } | { kind: 'nak' };

const START = 0x24; // $
const END = 0x23; // #
const ESCAPE = 0x7d; // }
const INTERRUPT = 0x03;
/** A packet larger than this is garbage: it is dropped rather than buffered forever. */
const MAX_BODY = 1 << 20;

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return sum;
}

/** Splits the byte stream from gdb into events; bytes between packets other than acks and 0x03 are ignored. */
export class RspReader {
  private body: number[] | undefined;
  private checksumDigits: string | undefined;

  feed(chunk: Uint8Array): RspEvent[] {
    const events: RspEvent[] = [];
    for (const byte of chunk) {
      if (this.checksumDigits !== undefined) {
        this.checksumDigits += String.fromCharCode(byte);
        if (this.checksumDigits.length === 2) {
          const body = Buffer.from(this.body ?? []);
          const ok = parseInt(this.checksumDigits, 16) === checksum(body);
          events.push(ok ? { kind: 'packet', body } : { kind: 'bad-checksum' });
          this.body = undefined;
          this.checksumDigits = undefined;
        }
      } else if (this.body !== undefined) {
        if (byte === END) this.checksumDigits = '';
        else if (byte === START || this.body.length >= MAX_BODY) this.body = byte === START ? [] : undefined;
        else this.body.push(byte);
      } else if (byte === START) {
        this.body = [];
      } else if (byte === INTERRUPT) {
        events.push({ kind: 'interrupt' });
      } else if (byte === 0x2b) {
        events.push({ kind: 'ack' });
      } else if (byte === 0x2d) {
        events.push({ kind: 'nak' });
      }
    }
    return events;
  }
}

/** `$body#cs`, with the bytes the protocol reserves ($ # } *) escaped. */
export function encodePacket(body: string | Uint8Array): Buffer {
  const raw = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const escaped: number[] = [];
  for (const b of raw) {
    if (b === START || b === END || b === ESCAPE || b === 0x2a) escaped.push(ESCAPE, b ^ 0x20);
    else escaped.push(b);
  }
  const bytes = Buffer.from(escaped);
  return Buffer.concat([Buffer.from('$'), bytes, Buffer.from(`#${checksum(bytes).toString(16).padStart(2, '0')}`)]);
}

/** Undoes the 0x7d escapes of a binary packet's data. */
export function unescapeBinary(bytes: Uint8Array): Buffer {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i] === ESCAPE && i + 1 < bytes.length ? at(bytes, ++i) ^ 0x20 : at(bytes, i));
  return Buffer.from(out);
}

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Hex digits to bytes; undefined when they are not an even number of hex digits. */
export function fromHex(text: string): Buffer | undefined {
  return /^([0-9a-fA-F]{2})*$/.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/** A hex number of at most 64 bits as a bigint; undefined when it is not one. */
export function parseHexNumber(text: string): bigint | undefined {
  return /^[0-9a-fA-F]{1,16}$/.test(text) ? BigInt(`0x${text}`) : undefined;
}
