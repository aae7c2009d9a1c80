// One EL1 timer of the generic timer (Arm ARM D11.2.4 "The timers"): CNTx_CTL_EL0, CNTx_CVAL_EL0 and
// CNTx_TVAL_EL0 compared against the system counter, its output an interrupt line. The virtual and the
// physical timer are two of these; with CNTVOFF_EL2 = 0 both compare against the same count.
import { IrqLine } from '../../src/core/irq.js';
import type { VirtualClock } from '../../src/core/clock.js';
import type { Timer } from '../../src/core/timers.js';
import type { SystemRegisterName } from '../../src/cpu/registers.js';
import { defineTraceEvent } from '../../src/trace/index.js';
import { counterAt, nsWhenCounterReaches } from './system-counter.js';

const traceWrite = defineTraceEvent('generic_timer_write', '%s: %s <- 0x%lx');
const traceFire = defineTraceEvent('generic_timer_fire', '%s: counter 0x%lx reached CVAL 0x%lx, output %s');

// CNTx_CTL_EL0 fields.
const ENABLE = 1n;
const IMASK = 2n;
const ISTATUS = 4n;

export type El1TimerKind = 'virtual' | 'physical';

/** The registers of one EL1 timer, by the part of their name after CNTV_ or CNTP_. */
export type El1TimerRegister = 'CTL' | 'CVAL' | 'TVAL';

/** A timer register as a trapped system register: its Arm ARM name and its accessors. */
export interface El1TimerSysreg {
  name: SystemRegisterName;
  handler: { read(): bigint; write(value: bigint): void };
}

export class El1Timer {
  /** High while ENABLE && ISTATUS && !IMASK: the timer's interrupt request. */
  readonly irq: IrqLine;
  /** The trapped system registers, by Arm ARM name (CNTV_* or CNTP_*), each write traced. */
  readonly sysregs: Readonly<Record<El1TimerRegister, El1TimerSysreg>>;
  /** ENABLE and IMASK as written; ISTATUS is worked out on every read, from the count at that moment. */
  private ctl = 0n;
  private cval = 0n;
  /** Armed at the first ns the count reaches CVAL, while that can change the output. */
  private readonly deadline: Timer;

  constructor(
    kind: El1TimerKind,
    label: string,
    private readonly clock: VirtualClock,
  ) {
    const name = `${label} ${kind} timer`;
    this.irq = new IrqLine(name);
    this.deadline = clock.timers.create(name, () => this.reached());
    const prefix = kind === 'virtual' ? 'CNTV' : 'CNTP';
    const register = (suffix: El1TimerRegister, read: () => bigint, write: (v: bigint) => void): El1TimerSysreg => {
      const reg = `${prefix}_${suffix}_EL0` as const;
      return { name: reg, handler: { read, write: (v) => (traceWrite(name, reg, v), write(v)) } };
    };
    this.sysregs = {
      CTL: register(
        'CTL',
        () => this.readCtl(),
        (v) => this.writeCtl(v),
      ),
      CVAL: register(
        'CVAL',
        () => this.readCval(),
        (v) => this.writeCval(v),
      ),
      TVAL: register(
        'TVAL',
        () => this.readTval(),
        (v) => this.writeTval(v),
      ),
    };
  }

  readCtl(): bigint {
    return this.ctl | (this.istatus() ? ISTATUS : 0n);
  }

  /** ISTATUS is read-only; the other bits are RES0. */
  writeCtl(value: bigint): void {
    this.ctl = value & (ENABLE | IMASK);
    this.update();
  }

  readCval(): bigint {
    return this.cval;
  }

  writeCval(value: bigint): void {
    this.cval = BigInt.asUintN(64, value);
    this.update();
  }

  /** CVAL - count, as the low 32 bits (TimerValue; bits 63:32 are RES0), which the guest reads as signed. */
  readTval(): bigint {
    return BigInt.asUintN(32, this.cval - this.counter());
  }

  /** CVAL = count + TimerValue sign-extended: a negative value gives a CVAL already passed. */
  writeTval(value: bigint): void {
    this.cval = BigInt.asUintN(64, this.counter() + BigInt.asIntN(32, value));
    this.update();
  }

  private counter(): bigint {
    return counterAt(this.clock.now());
  }

  /** The timer condition; both are unsigned 64-bit, so a CVAL near 2^64 is never reached. */
  private istatus(): boolean {
    return (this.ctl & ENABLE) !== 0n && this.counter() >= this.cval;
  }

  private reached(): void {
    this.update();
    traceFire(this.irq.name, this.counter(), this.cval, this.irq.level ? 'high' : 'low');
  }

  /** Drives the output, and arms the deadline when only the count moving on can change it. */
  private update(): void {
    const met = this.istatus();
    const unmasked = (this.ctl & IMASK) === 0n;
    this.irq.set(met && unmasked);
    const ns = nsWhenCounterReaches(this.cval);
    // Virtual time is a double of ns, exact up to 2^53 ns (104 days): a CVAL further out counts as never.
    if ((this.ctl & ENABLE) !== 0n && unmasked && !met && ns <= BigInt(Number.MAX_SAFE_INTEGER)) this.deadline.arm(Number(ns));
    else this.deadline.cancel();
  }
}
