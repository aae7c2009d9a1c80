import { expect } from 'chai';
import { GicBench, SPURIOUS } from './gic-bench.js';

describe('GICv2 level-sensitive and edge-triggered interrupts', () => {
  describe('a level-sensitive SPI', () => {
    it('is pending exactly while its line is high', () => {
      const bench = new GicBench().enableAll().setUp(40);
      bench.line(40, true);
      expect(bench.bit('GICD_ISPENDR', 40)).to.equal(true);
      expect(bench.irq).to.equal(true);
      bench.line(40, false);
      expect(bench.bit('GICD_ISPENDR', 40)).to.equal(false);
      expect(bench.irq).to.equal(false);
    });

    it('stays pending after GICD_ICPENDRn while the line is high', () => {
      const bench = new GicBench().setUp(40).line(40, true);
      bench.write('GICD_ICPENDR1', 1 << 8);
      expect(bench.bit('GICD_ISPENDR', 40)).to.equal(true);
    });

    it('is active and pending once acknowledged with the line still high, and pends again after EOI', () => {
      const bench = new GicBench().enableAll().setUp(40).line(40, true);
      expect(bench.ack()).to.equal(40);
      expect(bench.bit('GICD_ISACTIVER', 40)).to.equal(true);
      expect(bench.bit('GICD_ISPENDR', 40)).to.equal(true);
      expect(bench.irq).to.equal(false, 'an active and pending interrupt is not signalled again');
      bench.eoi(40);
      expect(bench.irq).to.equal(true);
      expect(bench.ack()).to.equal(40);
    });

    it('is not pending after EOI if the line went low while it was active', () => {
      const bench = new GicBench().enableAll().setUp(40).line(40, true);
      bench.ack();
      bench.line(40, false).eoi(40);
      expect(bench.bit('GICD_ISPENDR', 40)).to.equal(false);
      expect(bench.irq).to.equal(false);
      expect(bench.ack()).to.equal(SPURIOUS);
    });

    it('pends from GICD_ISPENDRn with the line low, and acknowledging clears that software pending state', () => {
      const bench = new GicBench().enableAll().setUp(40);
      bench.write('GICD_ISPENDR1', 1 << 8);
      expect(bench.irq).to.equal(true);
      expect(bench.ack()).to.equal(40);
      bench.eoi(40);
      expect(bench.bit('GICD_ISPENDR', 40)).to.equal(false);
      expect(bench.irq).to.equal(false);
    });
  });

  describe('an edge-triggered SPI', () => {
    it('latches once per rising edge and stays pending after the line falls', () => {
      const bench = new GicBench().enableAll().setUp(41, { edge: true });
      bench.pulse(41);
      expect(bench.bit('GICD_ISPENDR', 41)).to.equal(true);
      expect(bench.irq).to.equal(true);
      expect(bench.ack()).to.equal(41);
      expect(bench.bit('GICD_ISPENDR', 41)).to.equal(false);
      bench.eoi(41);
      expect(bench.irq).to.equal(false);
      expect(bench.ack()).to.equal(SPURIOUS);
    });

    it('does not latch again while the line stays high', () => {
      const bench = new GicBench().enableAll().setUp(41, { edge: true }).line(41, true);
      bench.eoi(bench.ack());
      bench.line(41, true);
      expect(bench.bit('GICD_ISPENDR', 41)).to.equal(false);
    });

    it('latches an edge that arrives while it is active: active and pending, taken again after EOI', () => {
      const bench = new GicBench().enableAll().setUp(41, { edge: true }).pulse(41);
      expect(bench.ack()).to.equal(41);
      bench.pulse(41);
      expect(bench.bit('GICD_ISPENDR', 41)).to.equal(true);
      expect(bench.irq).to.equal(false);
      bench.eoi(41);
      expect(bench.irq).to.equal(true);
      expect(bench.ack()).to.equal(41);
    });

    it('is cleared by GICD_ICPENDRn', () => {
      const bench = new GicBench().enableAll().setUp(41, { edge: true }).pulse(41);
      bench.write('GICD_ICPENDR1', 1 << 9);
      expect(bench.bit('GICD_ISPENDR', 41)).to.equal(false);
      expect(bench.irq).to.equal(false);
    });
  });

  it('a PPI can be configured either way and is signalled without a target', () => {
    const bench = new GicBench().enableAll().setUp(27, { edge: true }).setUp(30);
    bench.pulse(27).line(30, true);
    expect(bench.ack()).to.equal(27);
    bench.eoi(27);
    expect(bench.ack()).to.equal(30);
  });

  it('a disabled interrupt keeps its pending state but is not signalled until enabled', () => {
    const bench = new GicBench().enableAll().setUp(40).line(40, true);
    bench.write('GICD_ICENABLER1', 1 << 8);
    expect(bench.bit('GICD_ISPENDR', 40)).to.equal(true);
    expect(bench.irq).to.equal(false);
    bench.write('GICD_ISENABLER1', 1 << 8);
    expect(bench.irq).to.equal(true);
  });

  it('drives the CPU IRQ input through gic.irq, once per level change', () => {
    const bench = new GicBench().enableAll().setUp(40);
    const cpu: boolean[] = [];
    bench.gic.irq.connect((level) => cpu.push(level));
    bench.line(40, true).line(40, true);
    bench.eoi(bench.ack());
    bench.line(40, false);
    expect(cpu).to.deep.equal([true, false, true, false]);
  });
});
