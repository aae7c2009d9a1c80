import { expect } from 'chai';
import { EXIT, NS_PER_TICK, START_NS, timerGuest } from './timer-guest.js';

const START_TICKS = BigInt(START_NS / NS_PER_TICK);

for (const { kind, p } of [
  { kind: 'virtual', p: 'cntv' },
  { kind: 'physical', p: 'cntp' },
] as const) {
  describe(`generic timer: ${kind} timer registers (${p.toUpperCase()}_*_EL0)`, () => {
    it('keeps a 64-bit CVAL, and only ENABLE and IMASK of CTL (ISTATUS is read-only)', async () => {
      const { loop, reg } = timerGuest(`
        ldr x1, =0xfedcba9876543210
        msr ${p}_cval_el0, x1
        mrs x2, ${p}_cval_el0
        mov x1, #0xfffe              // IMASK, ISTATUS and RES0 bits; ENABLE clear
        msr ${p}_ctl_el0, x1
        mrs x3, ${p}_ctl_el0
        ${EXIT}`);
      await loop.run();
      expect(reg('x2')).to.equal(0xfedcba9876543210n);
      expect(reg('x3')).to.equal(2n);
    });

    it('reads ISTATUS as 1 at once when CVAL is already passed, and 0 while disabled', async () => {
      const { loop, reg } = timerGuest(`
        mov x1, #1000
        msr ${p}_cval_el0, x1        // long before START_NS
        mrs x2, ${p}_ctl_el0         // disabled
        mov x1, #3                   // ENABLE | IMASK
        msr ${p}_ctl_el0, x1
        mrs x3, ${p}_ctl_el0
        ${EXIT}`);
      await loop.run();
      expect(reg('x2')).to.equal(0n);
      expect(reg('x3')).to.equal(7n);
    });

    it('sets CVAL from a TVAL write as count + TVAL sign-extended, and reads TVAL back as CVAL - count', async () => {
      const { loop, reg } = timerGuest(`
        mov x1, #500
        msr ${p}_tval_el0, x1
        mrs x2, ${p}_tval_el0        // less than a tick later
        mrs x3, ${p}_cval_el0
        mrs x4, cntvct_el0
        mov x1, #-100
        msr ${p}_tval_el0, x1
        mrs x5, ${p}_tval_el0
        mrs x6, ${p}_cval_el0
        mrs x7, cntvct_el0
        mov x1, #1
        msr ${p}_ctl_el0, x1
        mrs x8, ${p}_ctl_el0
        ldr x1, =0x100000005         // bits 63:32 are not part of TimerValue
        msr ${p}_tval_el0, x1
        mrs x9, ${p}_cval_el0
        mrs x10, cntvct_el0
        ${EXIT}`);
      await loop.run();
      expect(reg('x2')).to.equal(500n);
      expect(reg('x3')).to.equal(reg('x4') + 500n);
      expect(reg('x5')).to.equal(0xffff_ff9cn); // -100 in TimerValue, bits 63:32 RES0
      expect(reg('x6')).to.equal(reg('x7') - 100n);
      expect(reg('x8')).to.equal(5n); // a negative TVAL is a CVAL already reached
      expect(reg('x9')).to.equal(reg('x10') + 5n);
      expect(reg('x4')).to.equal(START_TICKS);
    });

    it('compares CVAL unsigned: a CVAL near 2^64 is never reached and arms no deadline', async () => {
      const { loop, reg } = timerGuest(`
        mov x1, #-1
        msr ${p}_cval_el0, x1
        mov x1, #1
        msr ${p}_ctl_el0, x1
        mrs x2, ${p}_ctl_el0
        mrs x3, ${p}_tval_el0
        ${EXIT}`);
      await loop.run();
      expect(reg('x2')).to.equal(1n);
      expect(reg('x3')).to.equal(BigInt.asUintN(32, -1n - START_TICKS));
      expect(loop.timers.nextDeadline()).to.equal(Infinity);
    });
  });
}
