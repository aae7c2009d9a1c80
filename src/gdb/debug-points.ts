// The breakpoints and watchpoints gdb asked for (Z0-Z4), installed on the vCPU only when the guest resumes.
// gdb removes every point when the guest stops and inserts them again before it resumes; comparing with
// what is installed makes that churn free, and a watchpoint's first arrival (which retranslates all guest
// code) happens once.
import type { Vcpu } from '../cpu/vcpu.js';
import type { WatchKind } from '../cpu/vcpu-debug.js';
import type { GuestMemory } from './guest-memory.js';

/** gdb's Z packet types: 0 software breakpoint, 1 hardware breakpoint, 2 write, 3 read, 4 access watchpoint. */
export type PointType = 0 | 1 | 2 | 3 | 4;
const WATCH_KINDS: Record<2 | 3 | 4, WatchKind> = { 2: 'write', 3: 'read', 4: 'access' };

/** A physically contiguous piece of a watched virtual range. */
interface WatchPiece {
  va: bigint;
  pa: bigint;
  length: number;
  kind: WatchKind;
}

const pieceKey = (p: WatchPiece) => `${p.pa}:${p.length}:${p.kind}`;

export class DebugPoints {
  /** Breakpoints by address: which of Z0/Z1 are set there. */
  private readonly breakpoints = new Map<bigint, Set<0 | 1>>();
  /** Watchpoints by `type:address:length`, with the physical pieces they covered when inserted. */
  private readonly watchpoints = new Map<string, WatchPiece[]>();
  private readonly installedBreakpoints = new Set<bigint>();
  private readonly installedWatches = new Map<string, WatchPiece>();

  constructor(
    private readonly vcpu: Vcpu,
    private readonly memory: GuestMemory,
  ) {}

  /** Adds a point; returns false when a watched range is not mapped now (gdb then says it cannot insert it). */
  insert(type: PointType, address: bigint, length: number): boolean {
    if (type === 0 || type === 1) {
      const kinds = this.breakpoints.get(address) ?? new Set();
      kinds.add(type);
      this.breakpoints.set(address, kinds);
      return true;
    }
    const pieces = this.watchPieces(address, length, WATCH_KINDS[type]);
    if (!pieces) return false;
    this.watchpoints.set(`${type}:${address}:${length}`, pieces);
    return true;
  }

  remove(type: PointType, address: bigint, length: number): void {
    if (type === 0 || type === 1) {
      const kinds = this.breakpoints.get(address);
      kinds?.delete(type);
      if (kinds?.size === 0) this.breakpoints.delete(address);
      return;
    }
    this.watchpoints.delete(`${type}:${address}:${length}`);
  }

  clear(): void {
    this.breakpoints.clear();
    this.watchpoints.clear();
  }

  /** Makes the vCPU's hooks match what gdb asked for; call before the guest runs. */
  apply(): void {
    for (const address of this.installedBreakpoints) {
      if (!this.breakpoints.has(address)) this.vcpu.debug.setBreakpoint(address, false);
    }
    for (const address of this.breakpoints.keys()) {
      if (!this.installedBreakpoints.has(address)) this.vcpu.debug.setBreakpoint(address, true);
    }
    this.installedBreakpoints.clear();
    for (const address of this.breakpoints.keys()) this.installedBreakpoints.add(address);

    const wanted = new Map([...this.watchpoints.values()].flat().map((p) => [pieceKey(p), p]));
    // Add before removing, so the engine's watch hooks are not torn down and rebuilt in between.
    for (const [key, p] of wanted) if (!this.installedWatches.has(key)) this.vcpu.debug.setWatchpoint(p.pa, p.length, p.kind, true);
    for (const [key, p] of this.installedWatches) if (!wanted.has(key)) this.vcpu.debug.setWatchpoint(p.pa, p.length, p.kind, false);
    this.installedWatches.clear();
    for (const [key, p] of wanted) this.installedWatches.set(key, p);
  }

  /** `swbreak` or `hwbreak`: which kind gdb set at a breakpoint address (software when both). */
  breakpointKind(address: bigint): 'swbreak' | 'hwbreak' {
    return this.breakpoints.get(address)?.has(0) === false ? 'hwbreak' : 'swbreak';
  }

  /** The virtual address of a watched physical address that was hit. */
  watchedAddress(pa: bigint): bigint | undefined {
    for (const p of this.installedWatches.values()) {
      if (pa >= p.pa && pa < p.pa + BigInt(p.length)) return p.va + (pa - p.pa);
    }
    return undefined;
  }

  private watchPieces(va: bigint, length: number, kind: WatchKind): WatchPiece[] | undefined {
    const pieces: WatchPiece[] = [];
    for (let done = 0; done < length;) {
      const t = this.memory.translate(va + BigInt(done));
      if ('fault' in t) return undefined;
      const size = Math.min(length - done, Number(t.size < 1n << 32n ? t.size : 1n << 32n));
      pieces.push({ va: va + BigInt(done), pa: t.physical, length: size, kind });
      done += size;
    }
    return pieces;
  }
}
