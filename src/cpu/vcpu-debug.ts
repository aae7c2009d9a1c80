// What a debugger asks of the vCPU (native/src/vcpu_debug.cc): breakpoints at guest virtual addresses,
// watchpoints on guest physical ranges (the engine's memory hooks see physical addresses), an exact single step, the 128-bit vector registers, and a clock that stands still while the
// guest is held. A breakpoint costs nothing until it is hit: only the instruction at its address is
// instrumented, and guest memory is never patched.
import type { NativeVcpu } from './native.js';
import { at } from '../util/at.js';

export type WatchKind = 'write' | 'read' | 'access';
const WATCH_KINDS: readonly WatchKind[] = ['write', 'read', 'access'];

/**
 * Why a run ended with a debug stop; `pc` is the next instruction to execute. A watchpoint names the
 * physical address hit, the instruction that accessed it and whether that was a store.
 */
export type DebugStop =
  | { kind: 'breakpoint'; pc: bigint }
  | { kind: 'watchpoint'; pc: bigint; watch: WatchKind; dataAddress: bigint; accessPc: bigint; store: boolean }
  | { kind: 'step'; pc: bigint };

const STOP_KINDS = [undefined, 'breakpoint', 'watchpoint', 'step'] as const;

export class VcpuDebug {
  constructor(private readonly cpu: NativeVcpu) {}

  /** Stops the guest before it executes the instruction at this virtual address (idempotent). */
  setBreakpoint(address: bigint, on: boolean): void {
    this.cpu.setBreakpoint(address, on);
  }

  /**
   * Stops the guest after an instruction that accessed the guest physical range [address, address + length)
   * the way `kind` says. The guest runs slower while any watchpoint is set (every access is checked).
   */
  setWatchpoint(address: bigint, length: number, kind: WatchKind, on: boolean): void {
    this.cpu.setWatchpoint(address, length, WATCH_KINDS.indexOf(kind), on);
  }

  /** Arms (or cancels) a single step: the next run ends after one instruction, IRQ and FIQ held off. */
  setStep(on: boolean): void {
    this.cpu.setStep(on);
  }

  /** Why the last run that ended with a debug stop ended. */
  lastStop(): DebugStop {
    const s = this.cpu.lastDebugStop();
    const kind = STOP_KINDS[s.kind];
    if (kind === 'watchpoint') {
      return { kind, pc: s.pc, watch: at(WATCH_KINDS, s.watchKind), dataAddress: s.dataAddress, accessPc: s.accessPc, store: s.accessWrite };
    }
    if (kind === undefined) throw new Error('lastStop(): the last run did not end with a debug stop');
    return { kind, pc: s.pc };
  }

  /** V0..V31 as 16 little-endian bytes. */
  readVector(n: number): Buffer {
    return this.cpu.readVector(n);
  }

  writeVector(n: number, bytes: Uint8Array): void {
    this.cpu.writeVector(n, bytes);
  }

  /** Stops (or restarts) the real-time clock while the guest is held, so its timers do not all expire at once. */
  holdClock(held: boolean): void {
    this.cpu.holdClock(held);
  }
}
