import { expect } from 'chai';
import type { Vcpu } from '../../src/cpu/vcpu.js';
import { FOREVER_NS, guestWith, RAM_BASE } from '../support/guest.js';

const at = (n: number) => BigInt(RAM_BASE + 4 * n);
const x = (vcpu: Vcpu, n: number) => vcpu.readRegister(`x${n}`);

/** Straight-line code: instruction i (from 0) sets x(i+1) = i+1, then a loop that counts x10 to x9. */
const COUNTING = `
  mov x1, #1
  mov x2, #2
  mov x3, #3
  mov x4, #4
  mov x5, #5
loop:
  add x10, x10, #1
  cmp x10, x9
  b.ne loop
  hvc #0`;

describe('vCPU debug support (breakpoints, watchpoints, single step)', () => {
  it('stops before the instruction at a breakpoint, exactly, and runs on once it is removed', () => {
    const { vcpu } = guestWith(COUNTING);
    vcpu.writeRegister('x9', 3);
    vcpu.debug.setBreakpoint(at(3), true);
    expect(vcpu.run(FOREVER_NS)).to.deep.equal({ kind: 'debug', stop: { kind: 'breakpoint', pc: at(3) } });
    expect(vcpu.pc).to.equal(RAM_BASE + 12);
    expect([x(vcpu, 3), x(vcpu, 4)]).to.deep.equal([3n, 0n]);
    vcpu.debug.setBreakpoint(at(3), false);
    expect(vcpu.run(FOREVER_NS).kind).to.equal('hypercall'); // the final HVC, unanswered
    expect([x(vcpu, 4), x(vcpu, 5), x(vcpu, 10)]).to.deep.equal([4n, 5n, 3n]);
  });

  it('hits a breakpoint set in code the engine had already translated, and one inside a hot loop', () => {
    const { vcpu } = guestWith(COUNTING);
    vcpu.writeRegister('x9', 1_000_000);
    vcpu.run(1000); // the loop is translated and running
    expect(x(vcpu, 10) > 0n && x(vcpu, 10) < 1_000_000n).to.equal(true);
    vcpu.debug.setBreakpoint(at(6), true); // cmp x10, x9
    const stop = vcpu.run(FOREVER_NS);
    expect(stop).to.deep.equal({ kind: 'debug', stop: { kind: 'breakpoint', pc: at(6) } });
    const count = x(vcpu, 10);
    vcpu.debug.setStep(true);
    vcpu.debug.setBreakpoint(at(6), false);
    expect(vcpu.run(FOREVER_NS)).to.deep.equal({ kind: 'debug', stop: { kind: 'step', pc: at(7) } });
    vcpu.debug.setBreakpoint(at(6), true);
    expect(vcpu.run(FOREVER_NS)).to.deep.equal({ kind: 'debug', stop: { kind: 'breakpoint', pc: at(6) } });
    expect(x(vcpu, 10)).to.equal(count + 1n);
  });

  it('single-steps exactly one instruction: straight code, a taken branch back, a branch to itself', () => {
    const { vcpu } = guestWith(`${COUNTING}\n self: b self`);
    vcpu.writeRegister('x9', 2);
    const pcs: bigint[] = [];
    for (let i = 0; i < 9; i++) {
      vcpu.debug.setStep(true);
      const stop = vcpu.run(FOREVER_NS);
      expect(stop.kind).to.equal('debug');
      pcs.push(BigInt(vcpu.pc));
    }
    // 5 movs, add, cmp, b.ne (taken), add
    expect(pcs).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 5, 6].map(at));
    expect(x(vcpu, 10)).to.equal(2n);
    vcpu.pc = Number(at(9)); // self: b self
    vcpu.debug.setStep(true);
    expect(vcpu.run(FOREVER_NS)).to.deep.equal({ kind: 'debug', stop: { kind: 'step', pc: at(9) } });
  });

  it('keeps PC exact across deadline stops while a breakpoint exists elsewhere', () => {
    const { vcpu } = guestWith(COUNTING);
    vcpu.writeRegister('x9', 100_000);
    vcpu.debug.setBreakpoint(at(40), true); // never reached
    let slices = 0;
    for (let deadline = 997; ; deadline += 997, slices++) {
      const stop = vcpu.run(deadline);
      if (stop.kind !== 'deadline') {
        expect(stop.kind).to.equal('hypercall');
        break;
      }
    }
    expect(slices).to.be.greaterThan(100);
    expect(x(vcpu, 10)).to.equal(100_000n);
    expect(vcpu.pc).to.equal(Number(at(9))); // after the HVC
  });

  it('reports a watchpoint after the accessing instruction, with the data address, and only for its kind', () => {
    const { vcpu } = guestWith(`
      ldr x1, =0x40100000
      ldr x2, [x1, #8]       // a read of the watched word
      mov x3, #7
      str x3, [x1, #16]      // a write next to it
      str x3, [x1, #4]       // a write overlapping it
      mov x4, #1
      hvc #0`);
    vcpu.debug.setWatchpoint(0x4010_0008n, 4, 'write', true);
    expect(vcpu.run(FOREVER_NS)).to.deep.equal({
      kind: 'debug',
      stop: { kind: 'watchpoint', pc: at(5), watch: 'write', dataAddress: 0x4010_0008n, accessPc: at(4), store: true },
    });
    expect(x(vcpu, 4)).to.equal(0n);
    vcpu.debug.setWatchpoint(0x4010_0008n, 4, 'write', false);
    vcpu.debug.setWatchpoint(0x4010_0008n, 4, 'read', true);
    vcpu.pc = RAM_BASE;
    expect(vcpu.run(FOREVER_NS)).to.deep.equal({
      kind: 'debug',
      stop: { kind: 'watchpoint', pc: at(2), watch: 'read', dataAddress: 0x4010_0008n, accessPc: at(1), store: false },
    });
    vcpu.debug.setWatchpoint(0x4010_0008n, 4, 'read', false);
    expect(vcpu.run(FOREVER_NS).kind).to.equal('hypercall');
    expect(x(vcpu, 4)).to.equal(1n);
  });

  it('names the instruction that made the watched access, and never replays an exclusive store', () => {
    const { vcpu } = guestWith(`
      ldr x1, =0x40100000
    retry:
      ldxr x2, [x1]
      add x2, x2, #1
      stxr w3, x2, [x1]
      cbnz w3, retry
      mov x4, #1
      hvc #0`);
    vcpu.debug.setWatchpoint(0x4010_0000n, 8, 'write', true);
    expect(vcpu.run(FOREVER_NS)).to.deep.equal({
      kind: 'debug',
      stop: { kind: 'watchpoint', pc: at(4), watch: 'write', dataAddress: 0x4010_0000n, accessPc: at(3), store: true },
    });
    expect(x(vcpu, 3)).to.equal(0n); // the exclusive store succeeded, once
    vcpu.debug.setWatchpoint(0x4010_0000n, 8, 'write', false);
    expect(vcpu.run(FOREVER_NS).kind).to.equal('hypercall');
    expect(vcpu.readMemory(0x4010_0000, 8).readBigUInt64LE()).to.equal(1n);
  });

  it('watches code the engine had translated before the watchpoint was set, and runs at full speed after', () => {
    const { vcpu } = guestWith(`
      ldr x1, =0x40100000
    loop:
      add x2, x2, #1
      str x2, [x1]
      cmp x2, x9
      b.ne loop
      hvc #0`);
    vcpu.writeRegister('x9', 50_000);
    expect(vcpu.run(10_000).kind).to.equal('deadline'); // the loop has been translated and has stored
    const stored = x(vcpu, 2);
    expect(stored > 1000n).to.equal(true);
    vcpu.debug.setWatchpoint(0x4010_0000n, 8, 'access', true);
    const stop = vcpu.run(FOREVER_NS);
    expect(stop).to.deep.equal({
      kind: 'debug',
      stop: { kind: 'watchpoint', pc: at(3), watch: 'access', dataAddress: 0x4010_0000n, accessPc: at(2), store: true },
    });
    expect(x(vcpu, 2) - stored <= 1n).to.equal(true);
    vcpu.debug.setWatchpoint(0x4010_0000n, 8, 'access', false);
    expect(vcpu.run(FOREVER_NS).kind).to.equal('hypercall');
    expect(x(vcpu, 2)).to.equal(50_000n);
  });

  it('holds the interrupt lines low while stepping, and the IRQ is taken on the next continue', () => {
    const { vcpu } = guestWith(`
      adr x0, vectors
      msr vbar_el1, x0
      msr daifclr, #2
      isb
      add x1, x1, #1
      add x1, x1, #1
      hvc #0
      .balign 2048
    vectors:
      .skip 0x280
      mov x7, #1
      hvc #0`);
    vcpu.debug.setBreakpoint(at(4), true);
    expect(vcpu.run(FOREVER_NS).kind).to.equal('debug');
    vcpu.debug.setBreakpoint(at(4), false);
    vcpu.setIrq(true);
    vcpu.debug.setStep(true);
    expect(vcpu.run(FOREVER_NS)).to.deep.equal({ kind: 'debug', stop: { kind: 'step', pc: at(5) } });
    expect(vcpu.run(FOREVER_NS).kind).to.equal('hypercall');
    expect([x(vcpu, 1), x(vcpu, 7)]).to.deep.equal([1n, 1n]); // vectored right after the step
  });

  it('reads and writes the 128-bit vector registers', () => {
    const { vcpu } = guestWith('mov v1.d[1], x2\n hvc #0');
    vcpu.writeRegister('x2', 0x1122_3344_5566_7788n);
    expect(vcpu.run(FOREVER_NS).kind).to.equal('hypercall');
    expect(vcpu.debug.readVector(1).toString('hex')).to.equal('00000000000000008877665544332211');
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => i);
    vcpu.debug.writeVector(31, bytes);
    expect([...vcpu.debug.readVector(31)]).to.deep.equal([...bytes]);
    expect(() => vcpu.debug.readVector(32)).to.throw(/no V32/);
  });

  it('holds the real-time clock still while the guest is held', async () => {
    const { vcpu } = guestWith('b .', { clock: 'realtime' });
    vcpu.debug.holdClock(true);
    const held = vcpu.nowNs();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(vcpu.nowNs()).to.equal(held);
    vcpu.debug.holdClock(false);
    const released = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const now = vcpu.nowNs();
    // It runs on from where it was held, at the host's pace: the 30 ms held are not added back.
    const hostNs = (performance.now() - released) * 1e6;
    expect(now - held).to.be.within(4e6, hostNs + 1e6);
  });
});
