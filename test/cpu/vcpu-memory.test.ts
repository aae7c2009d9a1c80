import { expect } from 'chai';
import { HostMemory } from '../../src/cpu/host-memory.js';
import { Vcpu, type MmioHandler } from '../../src/cpu/vcpu.js';
import { FOREVER_NS, guestWith, RAM_BASE } from '../support/guest.js';

const DEVICE = 0x0a00_0000;

/** An MMIO handler that records accesses and answers reads with `answer(offset)`. */
function recordingDevice(answer: (offset: number) => number = () => 0) {
  const accesses: string[] = [];
  const handler: MmioHandler = {
    read(offset, size) {
      accesses.push(`r${size}@${offset.toString(16)}`);
      return answer(offset);
    },
    write(offset, size, value) {
      accesses.push(`w${size}@${offset.toString(16)}=${value.toString(16)}`);
    },
  };
  return { accesses, handler };
}

describe('vCPU memory', () => {
  it('shares RAM with the host without copies, both ways', () => {
    const { vcpu, ram } = guestWith(`
      ldr x1, =0x40100000
      ldr x2, [x1]          // reads what the host put there
      add x2, x2, #1
      str x2, [x1, #8]      // the host sees this at once
      hvc #0`);
    ram.view.setBigUint64(0x100000, 41n, true);
    const stop = vcpu.run(FOREVER_NS);
    expect(stop.kind).to.equal('hypercall');
    expect(ram.view.getBigUint64(0x100008, true)).to.equal(42n);
  });

  it('calls MMIO handlers with offset and size, splitting 8-byte accesses into two 4-byte ones', () => {
    const { vcpu } = guestWith(`
      ldr x1, =0x0a000000
      mov w2, #0x5a
      strb w2, [x1, #1]
      strh w2, [x1, #2]
      str w2, [x1, #4]
      ldr x3, [x1, #8]
      hvc #0`);
    const dev = recordingDevice((off) => (off === 8 ? 0x1111_2222 : 0x3333_4444));
    vcpu.mapMmio(DEVICE, 0x1000, dev.handler);
    vcpu.run(FOREVER_NS);
    expect(dev.accesses).to.deep.equal(['w1@1=5a', 'w2@2=5a', 'w4@4=5a', 'r4@8', 'r4@c']);
    expect(vcpu.readRegister('x3')).to.equal(0x3333_4444_1111_2222n);
  });

  it('reads unmapped physical space as zero, ignores writes and logs the address and access', () => {
    const { vcpu, logs } = guestWith(`
      ldr x1, =0x20000000
      mov x2, #7
      str w2, [x1]
      ldr w3, [x1, #4]
      hvc #0`);
    vcpu.writeRegister('x3', 99);
    const stop = vcpu.run(FOREVER_NS);
    expect(stop.kind).to.equal('hypercall');
    expect(vcpu.readRegister('x3')).to.equal(0n);
    expect(logs).to.deep.equal([
      'guest write of 0x7 to unmapped physical address 0x20000000 (4 bytes): ignored',
      'guest read from unmapped physical address 0x20000004 (4 bytes): read as zero',
    ]);
  });

  it("stops the run at an unmapped access when the policy is 'stop', naming the address", () => {
    const { vcpu } = guestWith(
      `
      ldr x1, =0x20000000
      ldr w3, [x1, #0x10]
      hvc #0`,
      { unmappedAccess: 'stop' },
    );
    const stop = vcpu.run(FOREVER_NS);
    expect(stop).to.deep.include({ kind: 'unmapped-access', access: { address: 0x2000_0010, size: 4, write: false } });
    expect(stop)
      .to.have.property('message')
      .that.matches(/^guest read from unmapped physical address 0x20000010 \(4 bytes\) near PC 0x4000/);
  });

  it('rethrows an exception thrown by a device handler from run(), with the guest PC attached', () => {
    const { vcpu } = guestWith(`
      ldr x1, =0x0a000000
      ldr w2, [x1]
      hvc #0`);
    vcpu.mapMmio(DEVICE, 0x1000, {
      read() {
        throw new Error('device exploded');
      },
      write() {},
    });
    let thrown: unknown;
    try {
      vcpu.run(FOREVER_NS);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).to.be.instanceOf(Error);
    expect((thrown as Error).message).to.match(/^device exploded \(guest PC near 0x4000000[0-9a-f]\)$/);
    expect((thrown as { guestPc: number }).guestPc).to.be.within(RAM_BASE, RAM_BASE + 0x10);
  });

  it('ends the run, not a hang, when nothing is mapped at PC or at the vectors: the fetch abort recurs at its own vector', () => {
    const logs: string[] = [];
    const vcpu = new Vcpu({ log: (m) => logs.push(m) });
    const stop = vcpu.run(FOREVER_NS);
    expect(stop).to.deep.include({
      kind: 'exception',
      name: 'instruction abort',
      pc: 0,
      syndrome: 0x8600_0010, // synchronous external abort on the fetch, as QEMU raises it
      faultAddress: 0,
      detail: 'no vector table at VBAR_EL1 (0x0): taking it faulted again at 0x200',
    });
    expect(vcpu.deliveredExceptions).to.equal(1); // the first one, from PC 0 to VBAR_EL1 (0) + 0x200
    expect(logs).to.deep.equal([]); // a fetch from nothing is the guest's abort, not an access the VMM answers
  });

  it('switches a region between the fast path (host pointer) and the trapped path between runs', () => {
    const { vcpu } = guestWith(`
      ldr x1, =0x0a100000
    1:
      ldr w2, [x1]
      hvc #0
      b 1b`);
    const regs = new HostMemory(0x1000);
    regs.view.setUint32(0, 0xfa57, true);
    vcpu.mapMemory(0x0a10_0000, regs);
    vcpu.run(FOREVER_NS);
    expect(vcpu.readRegister('x2')).to.equal(0xfa57n);

    const dev = recordingDevice(() => 0x510);
    vcpu.mapMmio(0x0a10_0000, 0x1000, dev.handler);
    vcpu.run(FOREVER_NS);
    expect(vcpu.readRegister('x2')).to.equal(0x510n);
    expect(dev.accesses).to.deep.equal(['r4@0']);

    vcpu.mapMemory(0x0a10_0000, regs);
    vcpu.run(FOREVER_NS);
    expect(vcpu.readRegister('x2')).to.equal(0xfa57n);
    expect(dev.accesses).to.have.length(1);
  });

  it('rejects overlapping and misaligned mappings with the ranges in the message', () => {
    const { vcpu } = guestWith('hvc #0');
    expect(() => vcpu.mapMmio(RAM_BASE + 0x1000, 0x1000, recordingDevice().handler)).to.throw(
      'mapping 0x40001000-0x40001fff overlaps the mapping at 0x40000000-0x401fffff',
    );
    expect(() => vcpu.mapMmio(0x0a00_0010, 0x1000, recordingDevice().handler)).to.throw(
      'mapMmio: range 0xa000010+0x1000 must be non-empty, 4 KiB aligned and below 0x10000000000 (1 TiB)',
    );
    expect(() => vcpu.unmap(0x0b00_0000, 0x1000)).to.throw('unmap: nothing is mapped exactly at 0xb000000+0x1000');
  });

  it('translates through the MMU: non-identity RAM alias, device access and code fetched through an alias', () => {
    // 4 KiB granule, T0SZ=25 (39-bit VA, level-1 start): 1 GiB blocks.
    // L1[0]: device 0x00000000, L1[1]: RAM identity, L1[2]: VA 0x80000000 -> PA 0x40000000.
    const { vcpu, ram } = guestWith(`
      ldr x0, =0x40010000
      ldr x1, =0x00000405          // block, AttrIndx 0 (device), AF
      str x1, [x0]
      ldr x1, =0x40000705          // block, AttrIndx 1 (normal), inner shareable, AF
      str x1, [x0, #8]
      str x1, [x0, #16]
      ldr x1, =0xff00              // MAIR: attr0 device nGnRnE, attr1 normal write-back
      msr mair_el1, x1
      ldr x1, =0x200803519         // TCR: T0SZ=25, WB caches, inner shareable, EPD1, IPS=40 bits
      msr tcr_el1, x1
      msr ttbr0_el1, x0
      isb
      mrs x1, sctlr_el1
      orr x1, x1, #1
      msr sctlr_el1, x1
      isb
      ldr x4, =0x80100000
      mov x5, #0x1234
      str x5, [x4]                 // lands at PA 0x40100000
      ldr x6, =0x0a000000
      ldr w7, [x6]                 // device through the MMU
      adr x8, through_alias
      ldr x10, =0x40000000
      add x8, x8, x10
      br x8
    through_alias:
      mov x9, #42
      hvc #0`);
    const dev = recordingDevice(() => 0xd0d0);
    vcpu.mapMmio(DEVICE, 0x1000, dev.handler);
    const stop = vcpu.run(FOREVER_NS);
    expect(stop.kind).to.equal('hypercall');
    if (stop.kind !== 'hypercall') return;
    expect(stop.call.pc).to.be.within(0x8000_0000, 0x8000_1000);
    expect(ram.view.getUint32(0x100000, true)).to.equal(0x1234);
    expect(vcpu.readRegister('x7')).to.equal(0xd0d0n);
    expect(vcpu.readRegister('x9')).to.equal(42n);
  });
});
