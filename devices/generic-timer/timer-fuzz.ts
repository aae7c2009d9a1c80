// How `npm run fuzz` drives the generic timer: the EL1 virtual and physical timers' system registers
// (CNTx_CTL_EL0, CNTx_CVAL_EL0, CNTx_TVAL_EL0) written and read with any 64-bit value, as the vCPU's trap
// hands them over, interleaved with virtual-time steps. Invariant (Arm ARM D11.2.4): each output is high
// exactly when ENABLE is set, IMASK clear and the count has reached CVAL, and CTL reads ISTATUS as
// ENABLE && count >= CVAL; the count is worked out here from the time (62.5 MHz: one tick per 16 ns).
import { ManualClock } from '../../src/core/clock.js';
import type { Rng } from '../../src/testing/fuzz/rng.js';
import { registerFuzzTarget, runWeighted, type FuzzAction, type FuzzTarget, type Recorder } from '../../src/testing/fuzz/target.js';
import { El1Timer } from './el1-timer.js';

const REGISTERS = ['CTL', 'CVAL', 'TVAL'] as const;
const U64 = (1n << 64n) - 1n;

class TimerFuzzTarget implements FuzzTarget {
  readonly invariant = 'output = ENABLE && !IMASK && count >= CVAL; CTL.ISTATUS = ENABLE && count >= CVAL';
  private readonly clock = new ManualClock();
  private readonly timers: { name: string; timer: El1Timer; prefix: string }[];
  private readonly actions: FuzzAction[];

  constructor() {
    this.timers = [
      { name: 'virtual', timer: new El1Timer('virtual', 'cpu0', this.clock), prefix: 'CNTV' },
      { name: 'physical', timer: new El1Timer('physical', 'cpu0', this.clock), prefix: 'CNTP' },
    ];
    this.actions = [
      { weight: 45, run: (rng, record) => this.write(rng, record) },
      { weight: 35, run: (rng, record) => this.read(rng, record) },
      {
        weight: 20,
        run: (rng, record) => {
          const ns = rng.durationNs();
          record?.(`step ${ns} ns`);
          this.clock.step(ns);
          return 0;
        },
      },
    ];
  }

  step(rng: Rng, record: Recorder): number {
    return runWeighted(this.actions, rng, record);
  }

  check(): string | undefined {
    const count = BigInt(Math.floor(this.clock.now())) / 16n;
    for (const { name, timer } of this.timers) {
      const ctl = timer.readCtl();
      const cval = timer.readCval();
      const met = (ctl & 1n) !== 0n && count >= cval;
      if (((ctl & 4n) !== 0n) !== met)
        return `${name} timer: CTL 0x${ctl.toString(16)} has ISTATUS ${(ctl >> 2n) & 1n} at count 0x${count.toString(16)}, CVAL 0x${cval.toString(16)}`;
      const expected = met && (ctl & 2n) === 0n;
      if (timer.irq.level !== expected)
        return `${name} timer: output ${timer.irq.level ? 'high' : 'low'} with CTL 0x${ctl.toString(16)}, count 0x${count.toString(16)}, CVAL 0x${cval.toString(16)}`;
    }
    return undefined;
  }

  close(): void {}

  private write(rng: Rng, record: Recorder): number {
    const { timer, prefix } = rng.pick(this.timers);
    const register = rng.pick(REGISTERS);
    const value = this.valueFor(register, rng);
    record?.(`msr ${prefix}_${register}_EL0, 0x${value.toString(16)}`);
    timer.sysregs[register].handler.write(value);
    return 1;
  }

  private read(rng: Rng, record: Recorder): number {
    const { timer, prefix } = rng.pick(this.timers);
    const register = rng.pick(REGISTERS);
    const value = timer.sysregs[register].handler.read();
    record?.(`mrs ${prefix}_${register}_EL0 -> 0x${value.toString(16)}`);
    return 1;
  }

  /** Mostly what a kernel writes (control bits, a deadline a little ahead or behind), sometimes anything. */
  private valueFor(register: (typeof REGISTERS)[number], rng: Rng): bigint {
    if (rng.chance(0.3)) return rng.value64();
    const count = BigInt(Math.floor(this.clock.now())) / 16n;
    const delta = BigInt(rng.between(-1000, 100_000));
    switch (register) {
      case 'CTL':
        return BigInt(rng.below(8));
      case 'CVAL':
        return (count + delta) & U64;
      case 'TVAL':
        return delta & U64;
    }
  }
}

registerFuzzTarget('generic-timer', () => new TimerFuzzTarget());
