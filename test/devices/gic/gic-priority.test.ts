import { expect } from 'chai';
import { GicBench, GICC_CTLR_ENABLE, SPURIOUS } from './gic-bench.js';

describe('GICv2 prioritization', () => {
  describe('GICC_IAR', () => {
    it('returns the highest-priority (lowest value) pending interrupt', () => {
      const bench = new GicBench().enableAll().setUp(40, { priority: 0x80 }).setUp(50, { priority: 0x40 }).setUp(60, { priority: 0xc0 });
      bench.line(40, true).line(50, true).line(60, true);
      expect(bench.read('GICC_HPPIR')).to.equal(50);
      expect(bench.ack()).to.equal(50);
    });

    it('breaks priority ties by the lowest INTID', () => {
      const bench = new GicBench().enableAll().setUp(45).setUp(44).setUp(46);
      bench.line(46, true).line(45, true).line(44, true);
      expect(bench.ack()).to.equal(44);
    });

    it('marks the interrupt active and not pending, and lowers the IRQ output', () => {
      const bench = new GicBench().enableAll().setUp(41, { edge: true }).pulse(41);
      expect(bench.irq).to.equal(true);
      bench.ack();
      expect(bench.bit('GICD_ISACTIVER', 41)).to.equal(true);
      expect(bench.bit('GICD_ISPENDR', 41)).to.equal(false);
      expect(bench.irq).to.equal(false);
    });

    it('returns the spurious INTID 1023 when nothing is pending', () => {
      expect(new GicBench().enableAll().ack()).to.equal(SPURIOUS);
    });

    it('returns 1023 and keeps the output low while the CPU interface or the distributor is disabled', () => {
      const bench = new GicBench().setUp(40).line(40, true).write('GICC_PMR', 0xff);
      bench.write('GICD_CTLR', 1);
      expect(bench.irq).to.equal(false);
      expect(bench.ack()).to.equal(SPURIOUS);
      bench.write('GICD_CTLR', 0).write('GICC_CTLR', GICC_CTLR_ENABLE);
      expect(bench.irq).to.equal(false);
      expect(bench.ack()).to.equal(SPURIOUS);
      expect(bench.read('GICC_HPPIR')).to.equal(SPURIOUS);
      bench.write('GICD_CTLR', 1);
      expect(bench.irq).to.equal(true);
      expect(bench.bit('GICD_ISACTIVER', 40)).to.equal(false, 'the spurious reads acknowledged nothing');
    });

    it('forwards an SPI to the one CPU whatever its target byte was written to (GICD_ITARGETSRn is RAZ/WI)', () => {
      const bench = new GicBench().enableAll().setUp(40).writeByte('GICD_ITARGETSR', 40, 0).line(40, true);
      expect(bench.irq).to.equal(true);
      expect(bench.ack()).to.equal(40);
    });
  });

  describe('GICC_PMR', () => {
    it('masks interrupts whose priority is not strictly higher than the mask', () => {
      const bench = new GicBench().enableAll().setUp(40, { priority: 0xa0 }).line(40, true);
      bench.write('GICC_PMR', 0xa0);
      expect(bench.irq).to.equal(false);
      expect(bench.ack()).to.equal(SPURIOUS);
      expect(bench.read('GICC_HPPIR')).to.equal(SPURIOUS, 'HPPIR honours the mask, as in QEMU');
      bench.write('GICC_PMR', 0xa8);
      expect(bench.irq).to.equal(true);
      expect(bench.ack()).to.equal(40);
    });

    it('resets to 0, masking everything, and keeps 8 bits', () => {
      const bench = new GicBench();
      expect(bench.read('GICC_PMR')).to.equal(0);
      expect(bench.write('GICC_PMR', 0xff).read('GICC_PMR')).to.equal(0xff);
      expect(bench.write('GICC_PMR', 0x81).read('GICC_PMR')).to.equal(0x81);
    });
  });

  describe('running priority and preemption', () => {
    it('GICC_RPR reads 0xff when idle and the group priority of the active interrupt', () => {
      const bench = new GicBench().enableAll().setUp(40, { priority: 0x88 }).line(40, true);
      expect(bench.read('GICC_RPR')).to.equal(0xff);
      bench.ack();
      expect(bench.read('GICC_RPR')).to.equal(0x88);
    });

    it('lets a higher-priority interrupt preempt an active one, and unwinds nested EOIs in order', () => {
      const bench = new GicBench().enableAll().setUp(40, { priority: 0xa0 }).setUp(41, { priority: 0x60 }).setUp(42, { priority: 0x20 });
      bench.line(40, true);
      expect(bench.ack()).to.equal(40);
      bench.line(41, true);
      expect(bench.irq).to.equal(true);
      expect(bench.ack()).to.equal(41);
      bench.line(42, true);
      expect(bench.ack()).to.equal(42);
      expect(bench.read('GICC_RPR')).to.equal(0x20);
      // One bit per preemption level priority >> 1, 32 levels per register: 0x20 is APR0 bit 16, 0x60 APR1
      // bit 16, 0xa0 APR2 bit 16.
      expect(['GICC_APR0', 'GICC_APR1', 'GICC_APR2', 'GICC_APR3'].map((r) => bench.read(r))).to.deep.equal([1 << 16, 1 << 16, 1 << 16, 0]);
      bench.line(42, false).eoi(42);
      expect(bench.read('GICC_RPR')).to.equal(0x60);
      bench.line(41, false).eoi(41);
      expect(bench.read('GICC_RPR')).to.equal(0xa0);
      bench.line(40, false).eoi(40);
      expect(bench.read('GICC_RPR')).to.equal(0xff);
      expect(bench.read('GICC_APR2')).to.equal(0);
    });

    it('does not let an equal or lower priority preempt', () => {
      const bench = new GicBench().enableAll().setUp(40, { priority: 0x60 }).setUp(41, { priority: 0x60 }).setUp(42, { priority: 0x80 });
      bench.line(40, true);
      bench.ack();
      bench.line(41, true).line(42, true);
      expect(bench.irq).to.equal(false);
      expect(bench.ack()).to.equal(SPURIOUS);
      expect(bench.read('GICC_HPPIR')).to.equal(41, 'HPPIR ignores the running priority');
      bench.line(40, false).eoi(40);
      expect(bench.irq).to.equal(true);
      expect(bench.ack()).to.equal(41);
    });

    it('compares group priorities only: GICC_BPR 3 makes 0x60 and 0x68 one preemption level', () => {
      const bench = new GicBench().enableAll().setUp(40, { priority: 0x68 }).setUp(41, { priority: 0x60 });
      bench.write('GICC_BPR', 3).line(40, true);
      expect(bench.ack()).to.equal(40);
      expect(bench.read('GICC_RPR')).to.equal(0x60, 'the running priority is the group priority');
      bench.line(41, true);
      expect(bench.irq).to.equal(false);
      expect(bench.ack()).to.equal(SPURIOUS);
      bench.write('GICC_BPR', 2);
      expect(bench.irq).to.equal(false, 'the running priority was fixed at acknowledge: 0x60 still equals it');
    });

    it('with the minimum binary point 0, priorities two apart preempt and priorities one apart do not', () => {
      const bench = new GicBench().enableAll().setUp(40, { priority: 0x62 }).setUp(41, { priority: 0x60 }).setUp(42, { priority: 0x61 });
      bench.line(40, true);
      expect(bench.ack()).to.equal(40);
      bench.line(41, true);
      expect(bench.ack()).to.equal(41);
      expect(bench.read('GICC_RPR')).to.equal(0x60);
      bench.line(42, true);
      expect(bench.ack()).to.equal(SPURIOUS, 'group priority 0x60 too: no preemption');
    });

    it('GICC_BPR resets to 0 (as QEMU) and takes any value 0..7', () => {
      const bench = new GicBench();
      expect(bench.read('GICC_BPR')).to.equal(0);
      expect(bench.write('GICC_BPR', 7).read('GICC_BPR')).to.equal(7);
      expect(bench.write('GICC_BPR', 0xf9).read('GICC_BPR')).to.equal(1);
    });

    it('EOI drops the running priority so a waiting lower-priority interrupt is signalled', () => {
      const bench = new GicBench().enableAll().setUp(40, { priority: 0x40 }).setUp(41, { priority: 0x80, edge: true });
      bench.line(40, true);
      bench.ack();
      bench.pulse(41);
      expect(bench.irq).to.equal(false);
      bench.line(40, false).eoi(40);
      expect(bench.irq).to.equal(true);
      expect(bench.ack()).to.equal(41);
    });
  });
});
