import { expect } from 'chai';
import { GicBench, SPURIOUS } from './gic-bench.js';

const GRP0 = 1 << 0;
const GRP1 = 1 << 1;
const ACKCTL = 1 << 2;
const FIQEN = 1 << 3;
const CBPR = 1 << 4;

/** Distributor and CPU interface with both groups enabled; INTID 41 in Group 1, 40 in Group 0. */
function bothGroups(cpuCtlr = GRP0 | GRP1): GicBench {
  const bench = new GicBench()
    .enableAll()
    .write('GICD_CTLR', GRP0 | GRP1)
    .write('GICC_CTLR', cpuCtlr);
  return bench
    .setUp(40, { priority: 0x80 })
    .setUp(41, { priority: 0x40 })
    .write('GICD_IGROUPR1', 1 << 9);
}

describe('GICv2 interrupt groups (no Security Extensions: the Secure view, as QEMU)', () => {
  it('GICC_CTLR keeps EnableGrp0/1, AckCtl, FIQEn, CBPR and EOImode; GICC_ABPR resets to 1, its minimum', () => {
    const bench = new GicBench();
    expect(bench.write('GICC_CTLR', 0xffff_ffff).read('GICC_CTLR')).to.equal(0x21f);
    expect(bench.read('GICC_ABPR')).to.equal(1);
    expect(bench.write('GICC_ABPR', 0).read('GICC_ABPR')).to.equal(1);
    expect(bench.write('GICC_ABPR', 5).read('GICC_ABPR')).to.equal(5);
  });

  it('a Group 1 interrupt is signalled but reads as 1022 in GICC_IAR and GICC_HPPIR without AckCtl', () => {
    const bench = bothGroups().line(41, true);
    expect(bench.irq).to.equal(true);
    expect(bench.read('GICC_HPPIR')).to.equal(1022);
    expect(bench.read('GICC_IAR')).to.equal(1022);
    expect(bench.bit('GICD_ISACTIVER', 41)).to.equal(false, '1022 acknowledges nothing');
  });

  it('with AckCtl, GICC_IAR acknowledges Group 1, whose active priority goes to GICC_NSAPRn', () => {
    const bench = bothGroups(GRP0 | GRP1 | ACKCTL).line(41, true);
    expect(bench.ack()).to.equal(41);
    expect(bench.read('GICC_NSAPR1')).to.equal(1 << 0, 'Group 1 active priority 0x40: level 32, GICC_NSAPR1 bit 0');
    expect(bench.read('GICC_APR1')).to.equal(0);
    expect(bench.read('GICC_RPR')).to.equal(0x40);
    bench.line(41, false).eoi(41);
    expect(bench.read('GICC_RPR')).to.equal(0xff);
    expect(bench.read('GICC_NSAPR1')).to.equal(0);
  });

  it('GICC_AIAR, GICC_AHPPIR and GICC_AEOIR are RAZ/WI: the aliases need Security Extensions', () => {
    const bench = bothGroups(GRP0 | GRP1 | ACKCTL).line(41, true);
    expect(bench.read('GICC_AHPPIR')).to.equal(0);
    expect(bench.read('GICC_AIAR')).to.equal(0);
    expect(bench.bit('GICD_ISACTIVER', 41)).to.equal(false);
    expect(bench.ack()).to.equal(41);
    bench.write('GICC_AEOIR', 41);
    expect(bench.bit('GICD_ISACTIVER', 41)).to.equal(true);
    expect(bench.errors).to.deep.equal([]);
  });

  it('GICC_IAR acknowledges whatever group is highest even if the CPU interface has that group disabled', () => {
    const bench = bothGroups(GRP0 | ACKCTL).line(41, true);
    expect(bench.irq).to.equal(false);
    expect(bench.ack()).to.equal(41);
  });

  it('signals Group 0 as FIQ while FIQEn is set, Group 1 always as IRQ', () => {
    const bench = bothGroups(GRP0 | GRP1 | FIQEN).line(40, true);
    expect([bench.irq, bench.fiq]).to.deep.equal([false, true]);
    bench.line(41, true);
    expect([bench.irq, bench.fiq]).to.deep.equal([true, false], 'Group 1 0x40 is the highest now');
  });

  it('signals an interrupt only while its group is enabled in both the distributor and the CPU interface', () => {
    const bench = bothGroups(GRP0).line(41, true);
    expect(bench.irq).to.equal(false, 'Group 1 disabled in GICC_CTLR');
    bench.write('GICC_CTLR', GRP0 | GRP1).write('GICD_CTLR', GRP0);
    expect(bench.irq).to.equal(false, 'Group 1 disabled in GICD_CTLR');
    bench.write('GICD_CTLR', GRP1);
    expect(bench.irq).to.equal(true);
  });

  it('a Group 1 interrupt preempts by GICC_ABPR - 1 unless CBPR makes GICC_BPR count for both groups', () => {
    const bench = bothGroups(GRP0 | GRP1 | ACKCTL)
      .setUp(42, { priority: 0x48 })
      .write('GICD_IGROUPR1', (1 << 9) | (1 << 10));
    bench.write('GICC_ABPR', 4); // Group 1 binary point 3: group priority bits [7:4]
    bench.line(42, true);
    expect(bench.ack()).to.equal(42);
    expect(bench.read('GICC_RPR')).to.equal(0x40);
    bench.line(41, true);
    expect(bench.ack()).to.equal(SPURIOUS, '0x40 is the running group priority');
    bench
      .line(42, false)
      .eoi(42)
      .write('GICC_CTLR', GRP0 | GRP1 | ACKCTL | CBPR);
    bench.line(41, false);
    bench.line(42, true);
    expect(bench.ack()).to.equal(42);
    expect(bench.read('GICC_RPR')).to.equal(0x48, 'GICC_BPR 0 with CBPR');
  });
});
