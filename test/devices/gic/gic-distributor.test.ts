import { expect } from 'chai';
import { GicBench } from './gic-bench.js';

describe('GICv2 distributor registers', () => {
  it('GICD_CTLR has EnableGrp0 and EnableGrp1 (both groups, no Security Extensions, as QEMU)', () => {
    const bench = new GicBench();
    expect(bench.write('GICD_CTLR', 0xffff_ffff).read('GICD_CTLR')).to.equal(3);
    bench.write('GICD_CTLR', 2);
    expect([bench.gic.distributor.groupEnabled(0), bench.gic.distributor.groupEnabled(1)]).to.deep.equal([false, true]);
  });

  it('GICD_ISENABLERn sets and GICD_ICENABLERn clears enables; both read the enable bits', () => {
    const bench = new GicBench();
    bench.write('GICD_ISENABLER1', 0x0000_0006);
    expect(bench.read('GICD_ISENABLER1')).to.equal(0x6);
    expect(bench.read('GICD_ICENABLER1')).to.equal(0x6);
    bench.write('GICD_ICENABLER1', 0x0000_0002);
    expect(bench.read('GICD_ISENABLER1')).to.equal(0x4);
  });

  it('SGIs are always enabled: their enable bits read as one and ignore writes', () => {
    const bench = new GicBench();
    expect(bench.read('GICD_ISENABLER0')).to.equal(0x0000_ffff);
    bench.write('GICD_ICENABLER0', 0xffff_ffff).write('GICD_ISENABLER0', 0x8000_0000);
    expect(bench.read('GICD_ISENABLER0')).to.equal(0x8000_ffff);
  });

  it('GICD_ISPENDRn and GICD_ICPENDRn set and clear the pending state of PPIs and SPIs, not of SGIs', () => {
    const bench = new GicBench();
    bench.write('GICD_ISPENDR1', 0x0000_0003).write('GICD_ISPENDR0', 0xffff_ffff);
    expect(bench.read('GICD_ISPENDR1')).to.equal(0x3);
    expect(bench.read('GICD_ICPENDR0')).to.equal(0xffff_0000);
    bench.write('GICD_ICPENDR1', 0x1).write('GICD_ICPENDR0', 0xffff_ffff);
    expect(bench.read('GICD_ISPENDR1')).to.equal(0x2);
    expect(bench.read('GICD_ISPENDR0')).to.equal(0);
  });

  it('GICD_ISACTIVERn and GICD_ICACTIVERn set and clear the active state', () => {
    const bench = new GicBench();
    bench.write('GICD_ISACTIVER2', 0x8000_0001);
    expect(bench.read('GICD_ICACTIVER2')).to.equal(0x8000_0001);
    bench.write('GICD_ICACTIVER2', 0x1);
    expect(bench.read('GICD_ISACTIVER2')).to.equal(0x8000_0000);
  });

  it('GICD_IPRIORITYRn keeps all 8 priority bits (as QEMU), by byte or by word', () => {
    const bench = new GicBench();
    bench.writeByte('GICD_IPRIORITYR', 33, 0xff);
    expect(bench.readByte('GICD_IPRIORITYR', 33)).to.equal(0xff);
    bench.write('GICD_IPRIORITYR9', 0x1234_56f9);
    expect(bench.read('GICD_IPRIORITYR9')).to.equal(0x1234_56f9);
    expect(bench.readByte('GICD_IPRIORITYR', 38)).to.equal(0x34);
  });

  it('GICD_ITARGETSRn is RAZ/WI, as QEMU has it for a uniprocessor GIC', () => {
    const bench = new GicBench();
    expect(bench.read('GICD_ITARGETSR0')).to.equal(0);
    expect(bench.read('GICD_ITARGETSR7')).to.equal(0);
    bench.writeByte('GICD_ITARGETSR', 33, 0xff).write('GICD_ITARGETSR9', 0x0101_0101);
    expect(bench.read('GICD_ITARGETSR8')).to.equal(0);
    expect(bench.read('GICD_ITARGETSR9')).to.equal(0);
    expect(bench.errors).to.deep.equal([]);
  });

  it('GICD_ICFGRn: SGIs read as edge-triggered and cannot change; PPIs and SPIs choose edge or level', () => {
    const bench = new GicBench();
    expect(bench.write('GICD_ICFGR0', 0).read('GICD_ICFGR0')).to.equal(0xaaaa_aaaa);
    expect(bench.read('GICD_ICFGR1')).to.equal(0, 'PPIs reset level-sensitive');
    bench.write('GICD_ICFGR2', 0xffff_ffff);
    expect(bench.read('GICD_ICFGR2')).to.equal(0xaaaa_aaaa, 'Int_config[0] is reserved');
    bench.write('GICD_ICFGR1', 0x2000_0000);
    expect(bench.read('GICD_ICFGR1')).to.equal(0x2000_0000);
  });

  it('GICD_IGROUPRn reads back the groups written; GICD_NSACRn is RAZ/WI (no Security Extensions)', () => {
    const bench = new GicBench();
    expect(bench.read('GICD_IGROUPR1')).to.equal(0, 'Group 0 at reset');
    bench.write('GICD_IGROUPR1', 0x8000_0001).write('GICD_NSACR2', 0xffff_ffff);
    expect(bench.read('GICD_IGROUPR1')).to.equal(0x8000_0001);
    expect(bench.read('GICD_NSACR2')).to.equal(0);
    expect(bench.errors).to.deep.equal([]);
  });

  it('registers of unimplemented interrupts are RAZ/WI without complaint', () => {
    const bench = new GicBench({ numSpis: 32 });
    bench.write('GICD_ISENABLER2', 0xffff_ffff).write('GICD_IPRIORITYR16', 0xffff_ffff);
    expect(bench.read('GICD_ISENABLER2')).to.equal(0);
    expect(bench.read('GICD_IPRIORITYR16')).to.equal(0);
    expect(bench.errors).to.deep.equal([]);
  });

  it('reset() returns to the architectural reset state', () => {
    const bench = new GicBench().enableAll().setUp(40, { priority: 0x10 });
    bench.write('GICD_ISPENDR1', 1).write('GICD_ISACTIVER1', 2).write('GICC_BPR', 5);
    bench.gic.reset();
    expect(
      ['GICD_CTLR', 'GICC_CTLR', 'GICC_PMR', 'GICD_ISPENDR1', 'GICD_ISACTIVER1', 'GICD_ISENABLER1', 'GICD_IPRIORITYR10'].map((r) => bench.read(r)),
    ).to.deep.equal([0, 0, 0, 0, 0, 0, 0]);
    expect(bench.read('GICD_ISENABLER0')).to.equal(0xffff);
    expect(bench.read('GICC_BPR')).to.equal(0);
    expect(bench.read('GICC_RPR')).to.equal(0xff);
  });
});
