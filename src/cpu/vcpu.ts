// The typed vCPU: an AArch64 Cortex-A72 at EL1 on Unicorn (native/), with RAM and device pointers mapped
// without copies, MMIO calling TS handlers, IRQ/FIQ input lines, trapped system registers and run() that
// says why it stopped. docs/engine.md has the engine behaviour this relies on.
import { hex } from '../util/hex.js';
import type { GuestErrorReporter } from '../core/guest-errors.js';
import { native, type NativeVcpu } from './native.js';
import { HostMemory } from './host-memory.js';
import { resolveRegister, sysregKey, type SysregEncoding } from './registers.js';
import { exceptionClassName, hasFaultAddress } from './syndrome.js';
import { VcpuDebug, type DebugStop } from './vcpu-debug.js';

/** An MMIO handler. Unicorn splits 8-byte accesses into two 4-byte ones: handlers see sizes 1, 2 and 4. */
export interface MmioHandler {
  read(offset: number, size: number): number;
  write(offset: number, size: number, value: number): void;
}

export interface HypercallInfo {
  conduit: 'hvc' | 'smc';
  imm: number;
  /** The address after the HVC/SMC instruction: where the guest resumes. */
  pc: number;
}

/** Answers an HVC/SMC synchronously (read and write X0..X3); returns false to stop the run instead. */
export type HypercallHandler = (vcpu: Vcpu, call: HypercallInfo) => boolean;

export type UnmappedAccessPolicy = 'raz-wi' | 'stop';

export interface UnmappedAccess {
  address: number;
  size: number;
  write: boolean;
  value?: number;
}

export type StopReason =
  | { kind: 'deadline' }
  | { kind: 'idle' }
  | { kind: 'stopped' }
  | { kind: 'hypercall'; call: HypercallInfo }
  | { kind: 'unmapped-access'; access: UnmappedAccess; message: string; pc: number }
  | { kind: 'exception'; name: string; intno: number; pc: number; syndrome?: number; faultAddress?: number; detail?: string }
  | { kind: 'debug'; stop: DebugStop }
  | { kind: 'error'; message: string };

/** Unicorn's exception numbers (QEMU's EXCP_*) for what it reports and does not deliver. */
const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'undefined instruction',
  2: 'SVC',
  3: 'prefetch abort',
  4: 'data abort',
  7: 'BRK',
  11: 'HVC',
  13: 'SMC',
};
const EXCP_HVC = 11;
const EXCP_SMC = 13;

const enum Cause {
  Deadline = 0,
  Idle = 1,
  Exception = 2,
  Error = 3,
  Requested = 4,
  Debug = 5,
}

const enum SysregAction {
  PassThrough = 0,
  CallJs = 1,
  VirtualCount = 2,
  ReadAsZero = 3,
}

/** A trapped system register: `read` gives the MRS value, `write` takes the MSR value. */
export interface SysregHandler {
  read?(): bigint | number;
  write?(value: bigint): void;
}

/** Thrown from a handler to end the run at an unmapped access (policy 'stop'); run() returns it as a stop. */
export class UnmappedAccessError extends Error {
  constructor(readonly access: UnmappedAccess) {
    super(
      `guest ${access.write ? `write of 0x${(access.value ?? 0).toString(16)} to` : 'read from'} unmapped physical address ` +
        `0x${access.address.toString(16)} (${access.size} bytes)`,
    );
    this.name = 'UnmappedAccessError';
  }
}

export interface VcpuOptions {
  /** 'deterministic' (default): time from the instruction count; 'realtime': the host clock. */
  clock?: 'deterministic' | 'realtime';
  /** Deterministic mode: virtual nanoseconds per instruction (default 1, a 1 GHz guest). */
  nsPerInstruction?: number;
  /** What a guest access to unmapped physical space does (default 'raz-wi'). */
  unmappedAccess?: UnmappedAccessPolicy;
  /** Where unmapped accesses and other guest misbehaviour are reported (default: stderr). */
  log?: (message: string) => void;
  /** Guest errors (unmapped accesses), rate-limited by the machine; default: every one to `log`. */
  guestError?: GuestErrorReporter;
  /**
   * An HVC or SMC no handler answers ends the run (true) instead of being UNDEFINED in the guest, as on a CPU
   * without EL2 or EL3 (false, the default).
   */
  strictHypercalls?: boolean;
}

export class Vcpu {
  readonly clock: 'deterministic' | 'realtime';
  readonly nsPerInstruction: number;
  unmappedAccess: UnmappedAccessPolicy;
  private readonly guestError: GuestErrorReporter;
  private readonly cpu: NativeVcpu;
  /** Breakpoints, watchpoints and single steps for a debugger (src/gdb/). */
  readonly debug: VcpuDebug;
  /** Shared with the addon: [region, offLo, offHi, size, valLo, valHi, sysregKey, isWrite]. */
  private readonly args = new Uint32Array(8);
  /** Handlers by region id (index); id 0 is unmapped space. Ids are reused per address and after unmap. */
  private readonly regions: (MmioHandler | undefined)[] = [undefined];
  private readonly regionIdAt = new Map<number, number>();
  private readonly freeRegionIds: number[] = [];
  private readonly sysregs = new Map<number, SysregHandler>();
  private readonly keepAlive = new Map<number, HostMemory>();
  private hypercallHandler: HypercallHandler | undefined;
  private pendingHypercall: HypercallInfo | undefined;
  private closed = false;
  private irqLevel = false;
  private fiqLevel = false;

  constructor(options: VcpuOptions = {}) {
    this.clock = options.clock ?? 'deterministic';
    this.nsPerInstruction = options.nsPerInstruction ?? 1;
    this.unmappedAccess = options.unmappedAccess ?? 'raz-wi';
    const log = options.log ?? ((m) => process.stderr.write(`${m}\n`));
    this.guestError = options.guestError ?? ((_source, message) => log(message()));
    this.cpu = new native.Vcpu({ deterministic: this.clock === 'deterministic', nsPerInstruction: this.nsPerInstruction });
    this.cpu.setStrictHypercalls(options.strictHypercalls ?? false);
    const a = this.args;
    // Every trapped access reads these words: a closure over the one Uint32Array keeps the load monomorphic.
    const arg = (i: number): number => a[i] ?? 0;
    this.cpu.setHandlers(
      () => this.mmioRead(arg(0), arg(1) + arg(2) * 0x1_0000_0000, arg(3)),
      () => this.mmioWrite(arg(0), arg(1) + arg(2) * 0x1_0000_0000, arg(3), arg(4) + arg(5) * 0x1_0000_0000),
      () => this.sysregAccess(arg(6), arg(7) === 1, (BigInt(arg(5)) << 32n) | BigInt(arg(4))),
      () => this.exception(arg(0), arg(1) + arg(2) * 0x1_0000_0000, arg(3)),
      a,
    );
    this.debug = new VcpuDebug(this.cpu);
  }

  // --- memory -------------------------------------------------------------------------------------------

  /** Maps host memory at a guest physical address: the guest's loads and stores go straight to it. */
  mapMemory(address: number, memory: HostMemory, offset = 0, size = memory.size - offset): void {
    this.cpu.mapPointer(address, memory.buffer, offset, size);
    this.keepAlive.set(address, memory);
    this.releaseRegionId(address);
  }

  /** Maps an MMIO range whose accesses call `handler` (offsets relative to `address`). Returns its id. */
  mapMmio(address: number, size: number, handler: MmioHandler): number {
    const reused = this.regionIdAt.get(address);
    const id = reused ?? this.freeRegionIds.pop() ?? this.regions.length;
    const previous = this.regions[id];
    this.regions[id] = handler;
    try {
      this.cpu.mapMmio(address, size, id);
    } catch (e) {
      this.regions[id] = previous;
      if (reused === undefined) this.freeRegionIds.push(id);
      throw e;
    }
    this.regionIdAt.set(address, id);
    this.keepAlive.delete(address);
    return id;
  }

  /** A no-op once closed: closing unmapped everything, so a device torn down after the vCPU can still let go. */
  unmap(address: number, size: number): void {
    if (this.closed) return;
    this.cpu.unmap(address, size);
    this.keepAlive.delete(address);
    this.releaseRegionId(address);
  }

  private releaseRegionId(address: number): void {
    const id = this.regionIdAt.get(address);
    if (id === undefined) return;
    this.regions[id] = undefined;
    this.freeRegionIds.push(id);
    this.regionIdAt.delete(address);
  }

  /** What the engine has mapped, shadows included: for tests and `info mtree`. */
  mappings() {
    return this.cpu.mappings();
  }

  /** Reads guest physical memory (any kind: RAM, device, MMIO through its handler). */
  readMemory(address: number, length: number): Buffer {
    return this.cpu.readMemory(address, length);
  }

  writeMemory(address: number, bytes: Uint8Array): void {
    this.cpu.writeMemory(address, bytes);
  }

  // --- registers ----------------------------------------------------------------------------------------

  readRegister(name: string): bigint {
    const r = resolveRegister(name);
    if (r.kind === 'id') return this.cpu.regRead(r.id);
    const e = r.encoding;
    return this.cpu.cpRegRead(e.op0, e.op1, e.crn, e.crm, e.op2);
  }

  writeRegister(name: string, value: bigint | number): void {
    const r = resolveRegister(name);
    if (r.kind === 'id') return this.cpu.regWrite(r.id, value);
    const e = r.encoding;
    this.cpu.cpRegWrite(e.op0, e.op1, e.crn, e.crm, e.op2, value);
  }

  get pc(): number {
    return this.cpu.getPc();
  }

  set pc(value: number) {
    this.cpu.setPc(value);
  }

  // --- interrupts and system registers ------------------------------------------------------------------

  /** The IRQ input: while high, the CPU takes an IRQ at EL1 whenever PSTATE.I allows. */
  setIrq(level: boolean): void {
    this.irqLevel = level;
    this.cpu.setIrqLine(false, level);
  }

  /** The FIQ input (PSTATE.F). */
  setFiq(level: boolean): void {
    this.fiqLevel = level;
    this.cpu.setIrqLine(true, level);
  }

  /** An IRQ or FIQ input is high: WFI does not idle (even when PSTATE masks it, as the architecture says). */
  get interruptPending(): boolean {
    return this.irqLevel || this.fiqLevel;
  }

  /**
   * Traps a system register: a handler, 'counter' (reads the virtual counter at 62.5 MHz, natively),
   * 'read-as-zero' (an unimplemented register that must not UNDEF), or 'passthrough' to undo a trap.
   */
  trapSysreg(encoding: SysregEncoding, how: SysregHandler | 'counter' | 'read-as-zero' | 'passthrough'): void {
    const key = sysregKey(encoding);
    this.sysregs.delete(key);
    if (how === 'counter') return this.cpu.trapSysreg(key, SysregAction.VirtualCount);
    if (how === 'read-as-zero') return this.cpu.trapSysreg(key, SysregAction.ReadAsZero);
    if (how === 'passthrough') return this.cpu.trapSysreg(key, SysregAction.PassThrough);
    this.sysregs.set(key, how);
    this.cpu.trapSysreg(key, SysregAction.CallJs);
  }

  /** Installs the HVC/SMC answerer (PSCI). What it does not answer is UNDEFINED, or stops a strict vCPU. */
  onHypercall(handler: HypercallHandler | undefined): void {
    this.hypercallHandler = handler;
  }

  // --- running ------------------------------------------------------------------------------------------

  /** Virtual time in ns: from the instruction count (deterministic) or the host clock (real-time). */
  nowNs(): number {
    return this.cpu.nowNs();
  }

  /** Synchronous exceptions (SVC, aborts, UNDEF, BRK) delivered to the guest's EL1 so far. */
  get deliveredExceptions(): number {
    return this.cpu.deliveredExceptions();
  }

  /** Instructions counted so far (whole translated blocks; both clock modes). */
  get instructionCount(): number {
    return this.cpu.instructionCount();
  }

  /** Skips idle time: moves the deterministic clock forward to `ns`. */
  advanceClock(ns: number): void {
    this.cpu.advanceClock(ns);
  }

  /**
   * Runs from the current PC until virtual time `deadlineNs`, WFI, an exception the VMM did not answer, a
   * requested stop or an error. A handler that throws ends the run: the error is rethrown with the guest PC.
   */
  run(deadlineNs: number): StopReason {
    if (this.closed) throw new Error('run() on a closed vCPU');
    let cause: Cause;
    try {
      cause = this.cpu.run(this.toEngineDeadline(deadlineNs));
    } catch (e) {
      if (e instanceof UnmappedAccessError) {
        // PC is the start of the translated block holding the access (the engine knows no better).
        return { kind: 'unmapped-access', access: e.access, message: `${e.message} near PC ${hex(this.pc)}`, pc: this.pc };
      }
      throw this.withGuestPc(e);
    }
    switch (cause) {
      case Cause.Deadline:
        return { kind: 'deadline' };
      case Cause.Idle:
        return { kind: 'idle' };
      case Cause.Requested:
        return { kind: 'stopped' };
      case Cause.Exception:
        return this.exceptionStop();
      case Cause.Debug:
        return { kind: 'debug', stop: this.debug.lastStop() };
      default:
        return { kind: 'error', message: `${this.cpu.lastException().error ?? 'unknown engine error'} at PC ${hex(this.pc)}` };
    }
  }

  /** Moves the current run's deadline (a timer armed from a device callback during the run). */
  setDeadline(deadlineNs: number): void {
    this.cpu.setDeadline(this.toEngineDeadline(deadlineNs));
  }

  private toEngineDeadline(ns: number): number {
    return ns === Infinity ? Number.MAX_VALUE : ns;
  }

  /** Ends the current run at the next block boundary (from a handler), or makes the next run return at once. */
  requestStop(): void {
    this.cpu.requestStop();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cpu.close();
    this.keepAlive.clear();
  }

  // --- callbacks from the addon -------------------------------------------------------------------------

  private mmioRead(region: number, offset: number, size: number): number {
    const handler = this.regions[region];
    if (handler) return handler.read(offset, size);
    return this.handleUnmapped({ address: offset, size, write: false });
  }

  private mmioWrite(region: number, offset: number, size: number, value: number): void {
    const handler = this.regions[region];
    if (handler) return handler.write(offset, size, value);
    this.handleUnmapped({ address: offset, size, write: true, value });
  }

  /** What a guest access to nothing does (policy): also used by trapped pages with holes (src/memory). */
  handleUnmapped(access: UnmappedAccess): number {
    if (this.unmappedAccess === 'stop') throw new UnmappedAccessError(access);
    this.guestError('unmapped access', () => `${new UnmappedAccessError(access).message}: ${access.write ? 'ignored' : 'read as zero'}`);
    return 0;
  }

  private sysregAccess(key: number, isWrite: boolean, value: bigint): bigint | number {
    const handler = this.sysregs.get(key);
    if (isWrite) {
      handler?.write?.(value);
      return 0;
    }
    return handler?.read?.() ?? 0;
  }

  private exception(intno: number, pc: number, syndrome: number): boolean {
    if (intno !== EXCP_HVC && intno !== EXCP_SMC) return false;
    const call: HypercallInfo = { conduit: intno === EXCP_HVC ? 'hvc' : 'smc', imm: syndrome & 0xffff, pc };
    if (this.hypercallHandler?.(this, call)) return true;
    this.pendingHypercall = call;
    return false;
  }

  private exceptionStop(): StopReason {
    const info = this.cpu.lastException();
    const intno = info.intno ?? -1;
    const call = this.pendingHypercall;
    this.pendingHypercall = undefined;
    if (call && (intno === EXCP_HVC || intno === EXCP_SMC)) return { kind: 'hypercall', call };
    if (info.recursive) return this.recursiveExceptionStop(intno, info.pc ?? this.pc);
    return {
      kind: 'exception',
      name: EXCEPTION_NAMES[intno] ?? `exception ${intno}`,
      intno,
      pc: info.pc ?? this.pc,
      ...(info.syndrome !== undefined ? { syndrome: info.syndrome, faultAddress: info.faultAddress } : {}),
    };
  }

  /**
   * An exception was delivered to VBAR_EL1, where there is no vector table, and faulted again at the vector
   * itself. The first one is what went wrong: EL1's registers still describe it.
   */
  private recursiveExceptionStop(intno: number, vector: number): StopReason {
    const esr = Number(this.readRegister('ESR_EL1'));
    return {
      kind: 'exception',
      name: exceptionClassName(esr),
      intno,
      pc: Number(this.readRegister('ELR_EL1')),
      syndrome: esr,
      ...(hasFaultAddress(esr) ? { faultAddress: Number(this.readRegister('FAR_EL1')) } : {}),
      detail: `no vector table at VBAR_EL1 (${hex(Number(this.readRegister('VBAR_EL1')))}): taking it faulted again at ${hex(vector)}`,
    };
  }

  private withGuestPc(e: unknown): unknown {
    // MMIO callbacks only know the start of the translated block, so the PC is "near" the access.
    const pc = this.pc;
    if (e instanceof Error) {
      Object.assign(e, { guestPc: pc });
      e.message = `${e.message} (guest PC near ${hex(pc)})`;
    }
    return e;
  }
}
