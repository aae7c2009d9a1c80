import { expect } from 'chai';
import type { MmioHandler, Vcpu } from '../../src/cpu/vcpu.js';
import { FOREVER_NS, guestWith } from '../support/guest.js';
import { at } from '../../src/util/at.js';

const DEVICE = 0x0a00_0000;

/** A device whose register 0 drives the IRQ line and register 4 the FIQ line (write 1 raise, 0 lower). */
function lineDevice(vcpu: Vcpu): MmioHandler {
  return {
    read: () => 0,
    write(offset, _size, value) {
      if (offset === 0) vcpu.setIrq(value !== 0);
      if (offset === 4) vcpu.setFiq(value !== 0);
    },
  };
}

/**
 * A vector table: IRQ and FIQ entries for the current EL (0x280, 0x300) and a lower EL (0x480, 0x500), and
 * synchronous entries (0x200, 0x400) into `sync_handler`, which by default keeps ESR_EL1 in x28 and
 * ELR_EL1 in x29 and stops the run with `hvc #0xe`.
 */
const VECTORS = `
  .balign 2048
vectors:
  .org vectors + 0x200
  b sync_handler
  .org vectors + 0x280
  b irq_handler
  .org vectors + 0x300
  b fiq_handler
  .org vectors + 0x400
  b sync_handler
  .org vectors + 0x480
  b irq_handler
  .org vectors + 0x500
  b fiq_handler
`;

/**
 * A guest whose code starts with VBAR_EL1 set and x8 pointing at the line device (which is mapped), and
 * ends with the vector table; `code` holds the test body and its handlers (fiq_handler defaults to a hang).
 */
function lineGuest(code: string) {
  const fiq = code.includes('fiq_handler:') ? '' : 'fiq_handler:\n  b .';
  const sync = code.includes('sync_handler:') ? '' : 'sync_handler:\n  mrs x28, esr_el1\n  mrs x29, elr_el1\n  hvc #0xe';
  const guest = guestWith(`
      adr x0, vectors
      msr vbar_el1, x0
      ldr x8, =0x0a000000
      ${code}
    ${fiq}
    ${sync}
    ${VECTORS}`);
  guest.vcpu.mapMmio(DEVICE, 0x1000, lineDevice(guest.vcpu));
  return guest;
}

describe('vCPU interrupt lines', () => {
  it('takes an IRQ at VBAR_EL1+0x280 with ELR/SPSR written, and ERET returns to the interrupted code', () => {
    const { vcpu } = lineGuest(`
      isb
      msr daifclr, #2
    wait:
      cmp x5, #1
      b.ne wait
      hvc #0
    irq_handler:
      add x5, x5, #1
      mrs x6, elr_el1
      mrs x7, spsr_el1
      str wzr, [x8]                // lower the line
      eret`);
    vcpu.setIrq(true);
    const stop = vcpu.run(FOREVER_NS);
    expect(stop.kind).to.equal('hypercall');
    expect(vcpu.readRegister('x5')).to.equal(1n);
    expect(vcpu.readRegister('x6')).to.equal(0x4000_0014n); // the first instruction of "wait"
    expect(vcpu.readRegister('x7') & 0x3ffn).to.equal(0x345n); // EL1h, D/A/F masked, I clear
    expect(vcpu.readRegister('VBAR_EL1') & 0x7ffn).to.equal(0n);
  });

  it('holds an IRQ while PSTATE.I is set and takes it right after DAIFClr', () => {
    const { vcpu } = lineGuest(`
      mov x1, #1
      str w1, [x8]                 // raise the line while masked
      mov x2, #1000
    spin:
      subs x2, x2, #1
      b.ne spin
      mov x9, x5                   // IRQs taken while masked
      msr daifclr, #2
      mov x10, x5                  // taken right after unmasking
      hvc #0
    irq_handler:
      add x5, x5, #1
      str wzr, [x8]
      eret`);
    vcpu.run(FOREVER_NS);
    expect(vcpu.readRegister('x9')).to.equal(0n);
    expect(vcpu.readRegister('x10')).to.equal(1n);
  });

  // Like QEMU's TCG, the engine looks at interrupts between translated blocks; the Arm ARM only promises
  // the interrupt after a context synchronization event, and ISB is one (it also ends the block).
  it('takes an IRQ raised inside an MMIO callback no later than the next context synchronization (ISB)', () => {
    const { vcpu } = lineGuest(`
      adr x11, after_isb
      msr daifclr, #2
      mov x1, #1
      str w1, [x8]                 // the device raises IRQ in its write handler
      isb
    after_isb:
      mov x12, #1
      hvc #0
    irq_handler:
      mrs x6, elr_el1
      cmp x6, x11
      cset x13, eq                 // x13 = 1: interrupted right after the ISB
      str wzr, [x8]
      eret`);
    vcpu.run(FOREVER_NS);
    expect(vcpu.readRegister('x13')).to.equal(1n);
    expect(vcpu.readRegister('x12')).to.equal(1n);
  });

  it('takes an IRQ from EL0 at VBAR_EL1+0x480 and returns to EL0', () => {
    const { vcpu } = lineGuest(`
      ldr x1, =0x40100000
      msr sp_el0, x1
      adr x1, user
      msr elr_el1, x1
      msr spsr_el1, xzr            // EL0t, all interrupts unmasked
      eret
    user:
      mov x1, #1
      str w1, [x8]                 // the device is mapped for EL0 too (MMU off)
    spin:
      cbz x5, spin
      mrs x2, nzcv                 // still at EL0: an EL1-only register read would UNDEF
      svc #0
    irq_handler:
      add x5, x5, #1
      mrs x6, spsr_el1
      str wzr, [x8]
      eret`);
    const stop = vcpu.run(FOREVER_NS);
    expect(stop).to.deep.include({ kind: 'hypercall' });
    expect(vcpu.readRegister('x28')).to.equal(0x5600_0000n); // the SVC, taken from EL0 to the 0x400 vector
    expect(vcpu.readRegister('x5')).to.equal(1n);
    expect(vcpu.readRegister('x6') & 0xfn).to.equal(0n); // interrupted at EL0t
  });

  it('nests an FIQ inside an IRQ handler that unmasks F, and both return in order', () => {
    const { vcpu } = lineGuest(`
      mov x1, #1
      str w1, [x8]                 // raise IRQ
      msr daifclr, #2
      mov x20, #0x77               // runs after both handlers returned
      hvc #0
    irq_handler:
      mrs x21, elr_el1
      mrs x22, spsr_el1
      add x5, x5, #1
      str wzr, [x8]                // lower IRQ
      str w1, [x8, #4]             // raise FIQ
      msr daifclr, #1              // let it nest
      mov x14, x15                 // FIQs seen inside the IRQ handler
      msr daifset, #1
      msr elr_el1, x21
      msr spsr_el1, x22
      eret
    fiq_handler:
      add x15, x15, #1
      str wzr, [x8, #4]            // lower FIQ
      eret`);
    const stop = vcpu.run(FOREVER_NS);
    expect(stop.kind).to.equal('hypercall');
    expect(vcpu.readRegister('x5')).to.equal(1n);
    expect(vcpu.readRegister('x14')).to.equal(1n);
    expect(vcpu.readRegister('x20')).to.equal(0x77n);
  });
});

describe('vCPU exceptions and stops', () => {
  it('stops on HVC and SMC with their immediates and resumes after them', () => {
    const { vcpu } = guestWith(`
      hvc #0x1234
      smc #0x42
      mov x3, #3
      hvc #0`);
    expect(vcpu.run(FOREVER_NS)).to.deep.equal({ kind: 'hypercall', call: { conduit: 'hvc', imm: 0x1234, pc: 0x4000_0004 } });
    expect(vcpu.run(FOREVER_NS)).to.deep.equal({ kind: 'hypercall', call: { conduit: 'smc', imm: 0x42, pc: 0x4000_0008 } });
    vcpu.run(FOREVER_NS);
    expect(vcpu.readRegister('x3')).to.equal(3n);
  });

  for (const clock of ['deterministic', 'realtime'] as const) {
    it(`stops at an HVC that follows a trapped MRS in the same block (${clock} clock)`, () => {
      // The trap's PC+4 once made the engine drop the stop the HVC asked for and run on.
      const { vcpu } = guestWith(
        `
        mrs x1, cntvct_el0
        hvc #0x33
        mov x2, #1
        b .`,
        { clock },
      );
      vcpu.trapSysreg({ op0: 3, op1: 3, crn: 14, crm: 0, op2: 2 }, 'counter');
      expect(vcpu.run(vcpu.nowNs() + 1e9)).to.deep.equal({ kind: 'hypercall', call: { conduit: 'hvc', imm: 0x33, pc: 0x4000_0008 } });
      if (clock === 'deterministic') expect(vcpu.readRegister('x2')).to.equal(0n); // exact: nothing ran after
    });
  }

  it('lets a hypercall handler answer synchronously, with the result visible to the next instruction', () => {
    const { vcpu } = guestWith(`
      mov x0, #0x84000000
      hvc #0
      mov x1, x0                   // must see the handler's answer
      hvc #7`);
    vcpu.onHypercall((cpu, call) => {
      if (cpu.readRegister('x0') !== 0x8400_0000n || call.conduit !== 'hvc') return false;
      cpu.writeRegister('x0', 0x10002); // PSCI 1.2
      return true;
    });
    const stop = vcpu.run(FOREVER_NS);
    expect(stop).to.deep.equal({ kind: 'hypercall', call: { conduit: 'hvc', imm: 7, pc: 0x4000_0010 } });
    expect(vcpu.readRegister('x1')).to.equal(0x10002n);
  });

  it('returns idle on WFI with PC after it', () => {
    const { vcpu } = guestWith(`
      wfi
      hvc #0`);
    expect(vcpu.run(FOREVER_NS)).to.deep.equal({ kind: 'idle' });
    expect(vcpu.pc).to.equal(0x4000_0004);
  });

  it('stops at the deadline: instruction-counted in deterministic mode, the same count every time', () => {
    const counts = [0, 1].map(() => {
      const { vcpu } = guestWith(`
      loop:
        add x1, x1, #1
        b loop`);
      expect(vcpu.run(100_000)).to.deep.equal({ kind: 'deadline' });
      return [vcpu.instructionCount, vcpu.readRegister('x1')];
    });
    expect(at(counts, 0)[0]).to.be.within(100_000, 100_002);
    expect(counts[1]).to.deep.equal(counts[0]);
  });

  it('stops at the deadline on the host clock in real-time mode', () => {
    const { vcpu } = guestWith(
      `
    loop:
      add x1, x1, #1
      b loop`,
      { clock: 'realtime' },
    );
    const deadline = vcpu.nowNs() + 20e6;
    expect(vcpu.run(deadline)).to.deep.equal({ kind: 'deadline' });
    expect(vcpu.nowNs()).to.be.at.least(deadline);
    expect(vcpu.readRegister('x1') > 1000n).to.equal(true);
  });

  it('returns at once when a stop was requested before the run', () => {
    const { vcpu } = guestWith('b .');
    vcpu.requestStop();
    expect(vcpu.run(FOREVER_NS)).to.deep.equal({ kind: 'stopped' });
  });
});

describe('vCPU registers', () => {
  it('reads and writes general and system registers by name, SPSR_EL1 through CP_REG', () => {
    const { vcpu } = guestWith('hvc #0');
    const values: [string, bigint][] = [
      ['x0', 0x1122_3344_5566_7788n],
      ['X30', 0x4000_1000n],
      ['sp', 0x4010_0000n],
      ['ELR_EL1', 0x4000_2000n],
      ['VBAR_EL1', 0x4000_0800n],
      ['ESR_EL1', 0x5600_0000n],
      ['FAR_EL1', 0xdead_b000n],
      ['SPSR_EL1', 0x3c5n],
    ];
    for (const [name, value] of values) vcpu.writeRegister(name, value);
    for (const [name, value] of values) expect(vcpu.readRegister(name), name).to.equal(value);
    expect(vcpu.readRegister('PSTATE') & 0xfn).to.equal(0x5n); // EL1h at reset
    expect(vcpu.readRegister('MIDR_EL1')).to.equal(0x410f_d083n); // Cortex-A72
  });

  it('rejects an unknown register name and lists the accepted ones', () => {
    const { vcpu } = guestWith('hvc #0');
    expect(() => vcpu.readRegister('CurrentEL')).to.throw(/unknown register 'CurrentEL'/);
    expect(() => vcpu.readRegister('x31')).to.throw(/^unknown register 'x31': use X0-X30, LR, FP or one of .*SPSR_EL1/);
    expect(() => vcpu.writeRegister('ELR_EL9', 0)).to.throw(/unknown register 'ELR_EL9'/);
  });

  it('traps MRS/MSR of a register Unicorn lacks to a handler without hanging, and reads as zero on request', () => {
    const { vcpu } = guestWith(`
      mrs x1, S3_0_C12_C12_0       // ICC_IAR1_EL1: UNDEF on this CPU unless trapped
      msr S3_0_C12_C12_1, x1       // ICC_EOIR1_EL1
      mrs x2, S3_3_C15_C15_7       // IMPLEMENTATION DEFINED
      hvc #0`);
    const writes: bigint[] = [];
    vcpu.trapSysreg({ op0: 3, op1: 0, crn: 12, crm: 12, op2: 0 }, { read: () => 27 });
    vcpu.trapSysreg({ op0: 3, op1: 0, crn: 12, crm: 12, op2: 1 }, { write: (v) => writes.push(v) });
    vcpu.trapSysreg({ op0: 3, op1: 3, crn: 15, crm: 15, op2: 7 }, 'read-as-zero');
    vcpu.writeRegister('x2', 5);
    expect(vcpu.run(FOREVER_NS).kind).to.equal('hypercall');
    expect(vcpu.readRegister('x1')).to.equal(27n);
    expect(writes).to.deep.equal([27n]);
    expect(vcpu.readRegister('x2')).to.equal(0n);
  });

  it('reads the virtual counter natively: CNTVCT_EL0 at 62.5 MHz of virtual time', () => {
    const { vcpu } = guestWith(
      `
      mrs x1, cntvct_el0
      mov x3, #4000
    1: subs x3, x3, #1
      b.ne 1b
      mrs x2, cntvct_el0
      hvc #0`,
      { nsPerInstruction: 2 },
    );
    vcpu.trapSysreg({ op0: 3, op1: 3, crn: 14, crm: 0, op2: 2 }, 'counter');
    vcpu.run(FOREVER_NS);
    const ticks = vcpu.readRegister('x2') - vcpu.readRegister('x1');
    // ~8000 instructions x 2 ns = 16 us = 1000 ticks of 16 ns
    expect(Number(ticks)).to.be.within(990, 1010);
  });
});
