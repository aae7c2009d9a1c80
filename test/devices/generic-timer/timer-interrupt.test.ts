import { expect } from 'chai';
import { EXIT, NS_PER_TICK, START_NS, timerGuest } from './timer-guest.js';
import { at } from '../../../src/util/at.js';

const START_TICKS = BigInt(START_NS / NS_PER_TICK);

for (const { kind, p } of [
  { kind: 'virtual', p: 'cntv' },
  { kind: 'physical', p: 'cntp' },
] as const) {
  const other = kind === 'virtual' ? 'physical' : 'virtual';

  describe(`generic timer: ${kind} timer interrupt`, () => {
    it('raises its line at the exact virtual time the count reaches CVAL', async () => {
      const { loop, vcpu, timer, watch, reg } = timerGuest(`
        mrs x1, cntvct_el0
        add x1, x1, #1000
        msr ${p}_cval_el0, x1
        mov x2, #1                   // ENABLE
        msr ${p}_ctl_el0, x2
        wfi                          // PSTATE.I is set: the IRQ wakes WFI and is not taken
        mrs x3, cntvct_el0
        mrs x4, ${p}_ctl_el0
        ${EXIT}`);
      const line = timer[`${kind}Irq`];
      line.connect((level) => vcpu.setIrq(level));
      const edges = watch(line, true);
      const otherEdges = watch(timer[`${other}Irq`]);
      expect((await loop.run()).kind).to.equal('hypercall');
      const cval = START_TICKS + 1000n;
      expect(edges).to.deep.equal([{ level: true, ns: Number(cval) * NS_PER_TICK }]);
      expect(reg('x3')).to.equal(cval);
      expect(reg('x4')).to.equal(5n); // ENABLE | ISTATUS
      expect(otherEdges).to.deep.equal([]);
    });

    it('keeps its line low while IMASK is set or the timer is disabled, and lowers it on disable', async () => {
      const { loop, checkpoints, reg } = timerGuest(`
        mov x1, #1000
        msr ${p}_cval_el0, x1        // already passed
        mov x2, #3                   // ENABLE | IMASK
        msr ${p}_ctl_el0, x2
        hvc #1
        mov x2, #1                   // ENABLE
        msr ${p}_ctl_el0, x2
        hvc #2
        msr ${p}_ctl_el0, xzr
        hvc #3
        mrs x3, cntvct_el0
        add x3, x3, #100
        msr ${p}_cval_el0, x3        // 100 ticks ahead, reached while masked
        mov x2, #3
        msr ${p}_ctl_el0, x2
        mov x4, #3200                // 6400 instructions: 400 ticks
      spin:
        subs x4, x4, #1
        b.ne spin
        mrs x5, ${p}_ctl_el0
        hvc #4
        mov x2, #1
        msr ${p}_ctl_el0, x2
        hvc #5
        mrs x3, cntvct_el0
        add x3, x3, #100
        msr ${p}_cval_el0, x3        // CVAL moved ahead again: the condition no longer holds
        hvc #6
        ${EXIT}`);
      await loop.run();
      expect(checkpoints.map((c) => [c.imm, c[kind]])).to.deep.equal([
        [1, false],
        [2, true],
        [3, false],
        [4, false],
        [5, true],
        [6, false],
      ]);
      expect(reg('x5')).to.equal(7n); // ISTATUS set even though IMASK keeps the line low
      expect(checkpoints.every((c) => !c[other])).to.equal(true);
    });

    it('takes the interrupt in an IRQ handler that disables the timer (the line wired to the vCPU)', async () => {
      const { loop, vcpu, timer, watch, reg } = timerGuest(`
        mrs x19, cntvct_el0
        mov x1, #1000
        msr ${p}_tval_el0, x1
        mrs x20, ${p}_cval_el0
        mov x1, #1                   // ENABLE
        msr ${p}_ctl_el0, x1
        msr daifclr, #2
      wait:
        wfi
        cbz x5, wait
        mrs x7, ${p}_ctl_el0
        ${EXIT}
      irq_handler:
        mrs x6, ${p}_ctl_el0
        msr ${p}_ctl_el0, xzr        // disable: the line falls
        add x5, x5, #1
        eret`);
      const line = timer[`${kind}Irq`];
      line.connect((level) => vcpu.setIrq(level));
      const edges = watch(line, true);
      expect((await loop.run()).kind).to.equal('hypercall');
      expect(reg('x20')).to.equal(reg('x19') + 1000n);
      expect(reg('x5')).to.equal(1n);
      expect(reg('x6')).to.equal(5n); // ENABLE | ISTATUS in the handler
      expect(reg('x7')).to.equal(0n);
      expect(edges.map((e) => e.level)).to.deep.equal([true, false]);
      expect(at(edges, 0).ns).to.equal(Number(reg('x20')) * NS_PER_TICK);
      expect(vcpu.interruptPending).to.equal(false);
    });
  });
}

describe('generic timer: deadlines on a running guest', () => {
  it('interrupts a busy guest within a translated block of CVAL (the deadline cuts the running slice)', async () => {
    const { loop, vcpu, timer, reg } = timerGuest(`
      mov x1, #1000
      msr cntv_tval_el0, x1
      mrs x20, cntv_cval_el0
      mov x1, #1
      msr cntv_ctl_el0, x1
      msr daifclr, #2
    spin:
      cbz x5, spin
      ${EXIT}
    irq_handler:
      mrs x6, cntvct_el0
      msr cntv_ctl_el0, xzr
      add x5, x5, #1
      eret`);
    timer.virtualIrq.connect((level) => vcpu.setIrq(level));
    await loop.run();
    // The slice would otherwise run for 10 ms (625,000 ticks).
    expect(Number(reg('x6') - reg('x20'))).to.be.within(0, 1);
  });

  it('runs the virtual and the physical timer independently, each on its own line', async () => {
    const { loop, timer, watch } = timerGuest(`
      mrs x1, cntvct_el0
      add x2, x1, #2000
      msr cntv_cval_el0, x2
      add x2, x1, #1000
      msr cntp_cval_el0, x2
      mov x2, #1
      msr cntv_ctl_el0, x2
      msr cntp_ctl_el0, x2
      wfi
      wfi
      ${EXIT}`);
    const virtualEdges = watch(timer.virtualIrq);
    const physicalEdges = watch(timer.physicalIrq);
    await loop.run();
    expect(physicalEdges).to.deep.equal([{ level: true, ns: START_NS + 1000 * NS_PER_TICK }]);
    expect(virtualEdges).to.deep.equal([{ level: true, ns: START_NS + 2000 * NS_PER_TICK }]);
  });
});
