import { expect } from 'chai';
import { FOREVER_NS, guestWith, RAM_BASE } from '../support/guest.js';

/**
 * A guest with a full EL1 vector table at `vectors`: each synchronous entry (0x000 EL1t, 0x200 EL1h, 0x400
 * EL0) records its offset in x20, ESR/ELR/SPSR/FAR in x21..x24, SP in x25 and PSTATE's DAIF in x26, then
 * goes to `on_sync` (default: stop with `hvc #0xe`, nobody answers it in these tests).
 */
function exceptionGuest(code: string, options: Parameters<typeof guestWith>[1] = {}) {
  const entry = (offset: number) => `
  .org vectors + ${offset}
  mov x20, #${offset}
  mrs x21, esr_el1
  mrs x22, elr_el1
  mrs x23, spsr_el1
  mrs x24, far_el1
  mov x25, sp
  mrs x26, daif
  b on_sync`;
  const onSync = code.includes('on_sync:') ? '' : 'on_sync:\n  hvc #0xe';
  return guestWith(
    `
      adr x0, vectors
      msr vbar_el1, x0
      ${code}
    ${onSync}
      .balign 2048
    vectors:
      ${entry(0x000)}
      ${entry(0x200)}
      ${entry(0x400)}
      .org vectors + 0x800`,
    options,
  );
}

const reg = (vcpu: { readRegister(n: string): bigint }, name: string) => vcpu.readRegister(name);

describe('vCPU synchronous exceptions, delivered to EL1 as the Arm ARM says', () => {
  it('SVC at EL1h: vector +0x200, ESR with the immediate, ELR after the SVC, SPSR the old PSTATE, DAIF masked', () => {
    const { vcpu } = exceptionGuest(`
      msr daifclr, #0xf          // all unmasked, so the entry's masking shows
      mov x1, #1
      cmp x1, #2                 // N set: SPSR keeps the flags
      svc #0x123`);
    expect(vcpu.run(FOREVER_NS)).to.deep.include({ kind: 'hypercall' });
    expect(reg(vcpu, 'x20')).to.equal(0x200n);
    expect(reg(vcpu, 'x21')).to.equal(0x5600_0123n);
    expect(reg(vcpu, 'x22')).to.equal(BigInt(RAM_BASE + 0x18));
    expect(reg(vcpu, 'x23')).to.equal(0x8000_0005n); // N, EL1h, nothing masked
    expect(reg(vcpu, 'x26')).to.equal(0x3c0n);
    expect(vcpu.deliveredExceptions).to.equal(1);
  });

  it('BRK and UDF at EL1: ELR is the instruction itself, with their syndromes', () => {
    const brk = exceptionGuest('brk #0x89').vcpu;
    brk.run(FOREVER_NS);
    expect([reg(brk, 'x21'), reg(brk, 'x22')]).to.deep.equal([0xf200_0089n, BigInt(RAM_BASE + 8)]);
    const udf = exceptionGuest('udf #7').vcpu;
    udf.run(FOREVER_NS);
    expect([reg(udf, 'x21'), reg(udf, 'x22')]).to.deep.equal([0x0200_0000n, BigInt(RAM_BASE + 8)]);
  });

  it('EL1t: vector +0x000, and SP switches to SP_EL1 with SP_EL0 kept', () => {
    const { vcpu } = exceptionGuest(`
      ldr x1, =0x40180000
      mov sp, x1                 // SP_EL1
      msr spsel, #0
      ldr x1, =0x40170000
      mov sp, x1                 // SP_EL0
      udf #1`);
    vcpu.run(FOREVER_NS);
    expect(reg(vcpu, 'x20')).to.equal(0n);
    expect(reg(vcpu, 'x25')).to.equal(0x4018_0000n);
    expect(reg(vcpu, 'SP_EL0')).to.equal(0x4017_0000n);
    expect(reg(vcpu, 'x23') & 0xfn).to.equal(0x4n); // EL1t
  });

  it('EL0 SVC round trip: vector +0x400, x0..x7 in and out, SP_EL0 and NZCV survive', () => {
    const { vcpu } = exceptionGuest(`
      ldr x1, =0x40180000
      mov sp, x1
      ldr x1, =0x40170000
      msr sp_el0, x1
      adr x1, user
      msr elr_el1, x1
      msr spsr_el1, xzr
      eret
    user:
      mov x0, #10
      mov x7, #70
      cmp x0, x0                 // Z set across the call
      svc #1
      cset x9, eq
      mov x10, sp
      svc #2
    on_sync:
      and x1, x21, #0xffff
      cmp x1, #2
      b.eq done
      add x0, x0, x7             // the "syscall": x0 += x7
      mov x7, #0
      eret
    done:
      hvc #0xe`);
    vcpu.run(FOREVER_NS);
    expect(reg(vcpu, 'x20')).to.equal(0x400n);
    expect(reg(vcpu, 'x0')).to.equal(80n);
    expect(reg(vcpu, 'x7')).to.equal(0n);
    expect(reg(vcpu, 'x9')).to.equal(1n);
    expect(reg(vcpu, 'x10')).to.equal(0x4017_0000n);
    expect(reg(vcpu, 'x25')).to.equal(0x4018_0000n); // the handler ran on SP_EL1
    expect(reg(vcpu, 'x21')).to.equal(0x5600_0002n);
    expect(vcpu.deliveredExceptions).to.equal(2);
  });

  it('an MRS of an EL1 register at EL0 is UNDEFINED at EL1', () => {
    const { vcpu } = exceptionGuest(`
      adr x1, user
      msr elr_el1, x1
      msr spsr_el1, xzr
      eret
    user:
      mrs x2, sctlr_el1`);
    vcpu.run(FOREVER_NS);
    expect([reg(vcpu, 'x20'), reg(vcpu, 'x21')]).to.deep.equal([0x400n, 0x0200_0000n]);
  });

  it('an HVC nobody answers is UNDEFINED in the guest (ELR the HVC itself), or ends a strict run', () => {
    const lenient = exceptionGuest('hvc #0x77\n nop', { strictHypercalls: false }).vcpu;
    lenient.onHypercall((_cpu, call) => {
      if (call.imm === 0xe) throw new Error('the stop'); // the vector's hvc #0xe: end the run here
      return false;
    });
    expect(() => lenient.run(FOREVER_NS)).to.throw(/the stop/);
    expect([reg(lenient, 'x20'), reg(lenient, 'x21'), reg(lenient, 'x22')]).to.deep.equal([0x200n, 0x0200_0000n, BigInt(RAM_BASE + 8)]);

    const strict = exceptionGuest('hvc #0x77').vcpu;
    expect(strict.run(FOREVER_NS)).to.deep.equal({ kind: 'hypercall', call: { conduit: 'hvc', imm: 0x77, pc: RAM_BASE + 12 } });
  });

  it('an IRQ that becomes pending as an exception is delivered is taken right after the handler returns', () => {
    const { vcpu } = exceptionGuest(`
      adr x0, vectors2
      msr vbar_el1, x0
      ldr x8, =0x0a000000
      msr daifclr, #2
      isb
      mov w1, #1
      str w1, [x8]               // raise the IRQ line: taken at the next block boundary at the earliest
      svc #5                     // ... which the SVC's exception entry, with DAIF masked, comes first
      mov x12, x14               // IRQs taken by now
      hvc #0xe
    on_sync:
      mov x11, x14               // IRQs taken before the handler could return
      eret
      .balign 2048
    vectors2:
      .org vectors2 + 0x200
      b on_sync
      .org vectors2 + 0x280
      add x14, x14, #1
      str wzr, [x8]              // lower the line
      eret`);
    vcpu.mapMmio(0x0a00_0000, 0x1000, { read: () => 0, write: (_o, _s, v) => vcpu.setIrq(v !== 0) });
    expect(vcpu.run(FOREVER_NS)).to.deep.include({ kind: 'hypercall' });
    expect([reg(vcpu, 'x11'), reg(vcpu, 'x12')]).to.deep.equal([0n, 1n]);
  });

  it('a data abort on an unmapped virtual address (MMU on) has the exact FAR, and the retried access succeeds', () => {
    // 4 KiB granule, T0SZ=25: L1 block 1 (RAM at 1 GiB) identity; VA 0x80000000 (L1 index 2) starts invalid.
    const { vcpu } = exceptionGuest(`
      ldr x0, =0x40100000        // L1 table
      ldr x1, =0x40000701        // block: RAM, AF, inner-shareable, normal (attr 0)
      str x1, [x0, #8]
      msr ttbr0_el1, x0
      ldr x1, =0x80803519        // TCR: T0SZ=25, IRGN/ORGN WB, SH inner, 4 KiB, EPD1
      msr tcr_el1, x1
      mov x1, #0xff
      msr mair_el1, x1
      isb
      mrs x1, sctlr_el1
      orr x1, x1, #1
      msr sctlr_el1, x1
      isb
      ldr x3, =0x80000123
      ldr x4, [x3]               // faults: no translation at level 1
      hvc #0xe
    on_sync:
      ldr x0, =0x40100000
      ldr x1, =0x40000701        // map VA 0x80000000 to RAM as well
      str x1, [x0, #16]
      dsb ishst
      tlbi vmalle1
      dsb ish
      isb
      add x27, x27, #1
      eret`);
    vcpu.run(FOREVER_NS);
    expect(reg(vcpu, 'x27')).to.equal(1n);
    expect(reg(vcpu, 'x24')).to.equal(0x8000_0123n);
    expect(Number(reg(vcpu, 'x21') >> 26n)).to.equal(0x25); // data abort, same EL
    expect(Number(reg(vcpu, 'x21') & 0x3fn)).to.equal(0x05); // translation fault, level 1
    expect(reg(vcpu, 'x4')).to.equal(vcpu.readMemory(RAM_BASE + 0x123, 8).readBigUInt64LE());
  });

  it('a vector that faults again at its own address ends the run, naming the first fault; a storm of exceptions still meets deadlines', () => {
    const recursive = guestWith(`
      ldr x0, =0x40100000
      msr vbar_el1, x0
      udf #0`);
    recursive.vcpu.writeMemory(0x4010_0200, Uint8Array.of(0x01, 0x00, 0x00, 0x00)); // udf #1 at the vector
    expect(recursive.vcpu.run(FOREVER_NS)).to.deep.include({ kind: 'exception', name: 'undefined instruction', pc: RAM_BASE + 8 });

    const storm = guestWith(`
      ldr x0, =0x40100000
      msr vbar_el1, x0
      udf #0`);
    storm.vcpu.writeMemory(0x4010_0200, Uint8Array.of(0x1f, 0x20, 0x03, 0xd5, 0x02, 0x00, 0x00, 0x00)); // nop; udf #2
    expect(storm.vcpu.run(100_000)).to.deep.equal({ kind: 'deadline' });
    expect(storm.vcpu.deliveredExceptions).to.be.above(10_000);
  });
});
