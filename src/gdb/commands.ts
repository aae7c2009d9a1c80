// The packets gdb sends and their replies (gdb manual, "Packets", "General Query Packets"), for one vCPU
// seen as thread 1 of process 1. Execution commands return no reply: the stop reply comes when the guest
// stops. Errors are QEMU's: E14 (EFAULT) for memory, E22 (EINVAL) for anything malformed.
import type { Vcpu } from '../cpu/vcpu.js';
import type { DebugPoints, PointType } from './debug-points.js';
import type { GuestMemory } from './guest-memory.js';
import { fromHex, parseHexNumber, toHex, unescapeBinary } from './packets.js';
import { GDB_REGISTERS, readGeneralRegisters, writeGeneralRegisters } from './registers.js';
import { stopPacket, threadId, type Session, type StopEvent } from './stop-reply.js';
import { targetDescription } from './target-description.js';
import { at } from '../util/at.js';

/** What the commands act on: the stub holding the guest (stub.ts). */
export interface GdbTarget {
  readonly vcpu: Vcpu;
  readonly memory: GuestMemory;
  readonly points: DebugPoints;
  /** The reply to `?`: why the guest is stopped. */
  stopReply(): StopEvent;
  /** Lets the guest run (or step one instruction) from `pc` if given; the stop reply follows when it stops. */
  resume(step: boolean, pc?: bigint): void;
  /** Removes every point and lets the guest run on without the debugger. */
  detach(): void;
  /** Ends the run, as QEMU's `k` ends QEMU. */
  kill(): void;
  /** vAttach: holds the guest (if it runs) and replies with why it stopped. */
  attach(): void;
}

/** The largest packet we take and send (hex): gdb sizes its m/M/X packets by it. */
export const PACKET_SIZE = 0x4000;

const ERROR_FAULT = 'E14';
const ERROR_INVALID = 'E22';
const OK = 'OK';

/** The reply to a packet, or undefined when the reply is a later stop reply (or there is none). */
export function handleCommand(target: GdbTarget, packet: Buffer, session: Session): string | undefined {
  const text = packet.toString('latin1');
  switch (text[0]) {
    case '?':
      return stopPacket(target.stopReply(), session);
    case '!':
      session.extended = true;
      return OK;
    case 'g':
      return toHex(readGeneralRegisters(target.vcpu));
    case 'G': {
      const bytes = fromHex(text.slice(1));
      return bytes && writeGeneralRegisters(target.vcpu, bytes) ? OK : ERROR_INVALID;
    }
    case 'p':
      return readRegister(target.vcpu, text.slice(1));
    case 'P':
      return writeRegister(target.vcpu, text.slice(1));
    case 'm':
      return readMemory(target.memory, text.slice(1));
    case 'M':
      return writeMemory(target.memory, text.slice(1));
    case 'X':
      return writeMemoryBinary(target.memory, packet);
    case 'Z':
    case 'z':
      return changePoint(target.points, text);
    case 'c':
    case 's':
    case 'C':
    case 'S':
      return resume(target, text);
    case 'D':
      target.detach();
      return OK;
    case 'k':
      target.kill();
      return undefined;
    case 'H':
    case 'T':
      return OK; // one thread: every thread id names it
    case 'q':
    case 'Q':
      return query(target, text, session);
    case 'v':
      return verbose(target, text);
    default:
      return '';
  }
}

function readRegister(vcpu: Vcpu, arg: string): string {
  const r = GDB_REGISTERS[parseInt(arg, 16)];
  return r ? toHex(r.read(vcpu)) : ERROR_INVALID;
}

function writeRegister(vcpu: Vcpu, arg: string): string {
  const [number, value] = arg.split('=');
  const r = GDB_REGISTERS[parseInt(number ?? '', 16)];
  const bytes = fromHex(value ?? '');
  if (!r?.write || !bytes || bytes.length !== r.bits / 8) return ERROR_INVALID;
  r.write(vcpu, bytes);
  return OK;
}

/** `ADDR,LENGTH` as numbers. */
function addressAndLength(arg: string): { address: bigint; length: number } | undefined {
  const [a, l] = arg.split(',');
  const address = parseHexNumber(a ?? '');
  const length = parseHexNumber(l ?? '');
  return address === undefined || length === undefined || length > BigInt(PACKET_SIZE) ? undefined : { address, length: Number(length) };
}

function readMemory(memory: GuestMemory, arg: string): string {
  const at = addressAndLength(arg);
  if (!at) return ERROR_INVALID;
  const bytes = memory.read(at.address, at.length);
  return bytes.length || at.length === 0 ? toHex(bytes) : ERROR_FAULT;
}

function writeMemory(memory: GuestMemory, arg: string): string {
  const colon = arg.indexOf(':');
  const at = addressAndLength(arg.slice(0, colon));
  const bytes = fromHex(arg.slice(colon + 1));
  if (colon < 0 || !at || !bytes || bytes.length !== at.length) return ERROR_INVALID;
  return memory.write(at.address, bytes) ? OK : ERROR_FAULT;
}

function writeMemoryBinary(memory: GuestMemory, packet: Buffer): string {
  const colon = packet.indexOf(0x3a);
  const at = addressAndLength(packet.subarray(1, colon).toString('latin1'));
  if (colon < 0 || !at) return ERROR_INVALID;
  const bytes = unescapeBinary(packet.subarray(colon + 1));
  if (bytes.length !== at.length) return ERROR_INVALID;
  return at.length === 0 || memory.write(at.address, bytes) ? OK : ERROR_FAULT;
}

/** `Z1,ADDR,KIND` inserts, `z1,ADDR,KIND` removes; KIND is the instruction size or the watched length. */
function changePoint(points: DebugPoints, text: string): string {
  const [typeText, addressText, kindText] = text.slice(1).split(',');
  const type = Number(typeText);
  const address = parseHexNumber(addressText ?? '');
  const length = parseHexNumber(at((kindText ?? '').split(';'), 0));
  if (!/^[0-4]$/.test(typeText ?? '') || address === undefined || length === undefined || length === 0n || length > 0x10000n) return ERROR_INVALID;
  if (text[0] === 'z') {
    points.remove(type as PointType, address, Number(length));
    return OK;
  }
  return points.insert(type as PointType, address, Number(length)) ? OK : ERROR_FAULT;
}

/** c, s, C sig, S sig, each with an optional resume address. The signal is ignored, as QEMU does. */
function resume(target: GdbTarget, text: string): string | undefined {
  const step = text[0] === 's' || text[0] === 'S';
  const args = text.slice(1);
  const addressText = text[0] === 'C' || text[0] === 'S' ? args.split(';')[1] : args;
  const pc = addressText ? parseHexNumber(addressText) : undefined;
  if (addressText && pc === undefined) return ERROR_INVALID;
  target.resume(step, pc);
  return undefined;
}

function query(target: GdbTarget, text: string, session: Session): string {
  if (text.startsWith('qSupported')) {
    session.multiprocess = /[:;]multiprocess\+/.test(text);
    const multiprocess = session.multiprocess ? ';multiprocess+' : '';
    return `PacketSize=${PACKET_SIZE.toString(16)};qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+${multiprocess}`;
  }
  if (text === 'QStartNoAckMode') {
    session.noAck = true;
    return OK;
  }
  if (text.startsWith('qXfer:features:read:')) return readFeatures(text.slice('qXfer:features:read:'.length));
  if (text === 'qAttached' || text.startsWith('qAttached:')) return '1'; // attached to a running machine: gdb detaches on quit
  if (text === 'qfThreadInfo') return `m${threadId(session)}`;
  if (text === 'qsThreadInfo') return 'l';
  if (text === 'qC') return `QC${threadId(session)}`;
  if (text.startsWith('qThreadExtraInfo,')) return toHex(Buffer.from('CPU#0'));
  if (text === 'qOffsets') return 'Text=0;Data=0;Bss=0';
  if (text.startsWith('qSymbol')) return OK;
  return '';
}

/** `target.xml:OFFSET,LENGTH` → `m` + a chunk, or `l` + the last one. */
function readFeatures(arg: string): string {
  const [annex, range] = arg.split(':');
  const document = targetDescription(annex ?? '');
  const at = range === undefined ? undefined : addressAndLength(range);
  if (document === undefined) return 'E00';
  if (!at) return ERROR_INVALID;
  const offset = Number(at.address);
  const chunk = document.slice(offset, offset + at.length);
  return (offset + at.length >= document.length ? 'l' : 'm') + chunk;
}

function verbose(target: GdbTarget, text: string): string | undefined {
  if (text === 'vCont?') return 'vCont;c;C;s;S';
  if (text.startsWith('vCont;')) {
    // The first action that applies to thread 1 (or to every thread) is ours.
    for (const action of text.slice('vCont;'.length).split(';')) {
      const [verb, thread] = action.split(':');
      if (thread !== undefined && !/^(p?1(\.(1|-1))?|-1|p-1\.-1|0)$/.test(thread)) continue;
      if (!verb || !'cCsS'.includes(at(verb, 0))) return ERROR_INVALID;
      target.resume(verb[0] === 's' || verb[0] === 'S');
      return undefined;
    }
    return ERROR_INVALID;
  }
  if (text.startsWith('vAttach;')) {
    target.attach();
    return undefined;
  }
  if (text.startsWith('vKill')) {
    target.kill();
    return OK;
  }
  return '';
}
