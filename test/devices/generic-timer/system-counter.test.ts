import { expect } from 'chai';
import { EXIT, NS_PER_TICK, START_NS, timerGuest } from './timer-guest.js';

describe('generic timer: system counter', () => {
  it('reads CNTFRQ_EL0 as 62.5 MHz and ignores writes to it', async () => {
    const { loop, reg } = timerGuest(`
      mrs x1, cntfrq_el0
      mov x2, #1000
      msr cntfrq_el0, x2
      mrs x3, cntfrq_el0
      ${EXIT}`);
    expect((await loop.run()).kind).to.equal('hypercall');
    expect(reg('x1')).to.equal(62_500_000n);
    expect(reg('x3')).to.equal(62_500_000n);
  });

  it('reads CNTVCT_EL0 and CNTPCT_EL0 as virtual time / 16 ns (CNTVOFF_EL2 = 0)', async () => {
    const { loop, reg } = timerGuest(`
      mrs x1, cntvct_el0
      mrs x2, cntpct_el0
      ${EXIT}`);
    await loop.run();
    // A few instructions after START_NS: less than one tick.
    expect(reg('x1')).to.equal(BigInt(START_NS / NS_PER_TICK));
    expect(reg('x2')).to.equal(reg('x1'));
  });

  it('advances the count with the instructions run, the same on every run (deterministic clock)', async () => {
    const run = async () => {
      const { loop, reg } = timerGuest(`
        mrs x1, cntvct_el0
        mov x3, #3200
      spin:
        subs x3, x3, #1
        b.ne spin
        mrs x2, cntvct_el0
        ${EXIT}`);
      await loop.run();
      return [reg('x1'), reg('x2')] as const;
    };
    const [before, after] = await run();
    expect(await run()).to.deep.equal([before, after]);
    expect(before).to.equal(BigInt(START_NS / NS_PER_TICK));
    // 6400 instructions at 1 ns each: 400 ticks, give or take the instructions around the loop.
    expect(Number(after - before)).to.be.within(400, 402);
  });

  it('leaves CNTKCTL_EL1 to the engine, which stores it', async () => {
    const { loop, reg } = timerGuest(`
      mov x1, #0x3
      msr cntkctl_el1, x1
      mrs x2, cntkctl_el1
      ${EXIT}`);
    await loop.run();
    expect(reg('x2')).to.equal(3n);
  });
});
