import { expect } from 'chai';
import { GicBench, GICC_CTLR_EOIMODE, GICC_CTLR_ENABLE } from './gic-bench.js';

describe('GICv2 end of interrupt', () => {
  describe('with GICC_CTLR.EOImode 0', () => {
    it('GICC_EOIR drops the priority and deactivates', () => {
      const bench = new GicBench().enableAll().setUp(41, { edge: true }).pulse(41);
      bench.ack();
      bench.eoi(41);
      expect(bench.bit('GICD_ISACTIVER', 41)).to.equal(false);
      expect(bench.read('GICC_RPR')).to.equal(0xff);
    });

    it('GICC_DIR is reported and ignored', () => {
      const bench = new GicBench().enableAll().setUp(41, { edge: true }).pulse(41);
      bench.ack();
      bench.write('GICC_DIR', 41);
      expect(bench.bit('GICD_ISACTIVER', 41)).to.equal(true);
      expect(bench.errors).to.have.length(1);
      expect(bench.errors[0]).to.match(/GICC_DIR \(offset 0x1000\).*EOImode is 0/);
    });
  });

  describe('with GICC_CTLR.EOImode 1', () => {
    it('GICC_EOIR only drops the priority; GICC_DIR deactivates', () => {
      const bench = new GicBench()
        .enableAll(GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE)
        .setUp(40, { priority: 0x40 })
        .setUp(41, { priority: 0x80 });
      expect(bench.read('GICC_CTLR')).to.equal(0x201);
      bench.line(40, true);
      bench.ack();
      bench.eoi(40);
      expect(bench.read('GICC_RPR')).to.equal(0xff);
      expect(bench.bit('GICD_ISACTIVER', 40)).to.equal(true);
      expect(bench.irq).to.equal(false, 'still active: the line high does not signal it again');
      bench.line(41, true);
      expect(bench.irq).to.equal(true, 'after the priority drop a lower priority is taken');
      expect(bench.ack()).to.equal(41);
      bench.line(41, false).eoi(41).write('GICC_DIR', 41).write('GICC_DIR', 40);
      expect(bench.bit('GICD_ISACTIVER', 40)).to.equal(false);
      expect(bench.irq).to.equal(true, 'the level line of 40 is still high');
      expect(bench.ack()).to.equal(40);
      expect(bench.errors).to.deep.equal([]);
    });
  });

  it('GICC_EOIR of 1023 is ignored, and EOI with nothing active is reported', () => {
    const bench = new GicBench().enableAll();
    bench.eoi(1023);
    expect(bench.errors).to.deep.equal([]);
    bench.eoi(40);
    expect(bench.errors).to.have.length(1);
    expect(bench.errors[0]).to.match(/GICC_EOIR \(offset 0x10\).*no Group 0 interrupt is active/);
  });

  describe('deactivation notifiers', () => {
    it('run when the guest deactivates their interrupt, and only theirs', () => {
      const bench = new GicBench().enableAll().setUp(40).setUp(41);
      const seen: number[] = [];
      bench.gic.onDeactivate(40, () => seen.push(40));
      bench.gic.onDeactivate(41, () => seen.push(41));
      bench.line(41, true);
      bench.ack();
      expect(seen).to.deep.equal([]);
      bench.line(41, false).eoi(41);
      expect(seen).to.deep.equal([41]);
    });

    it('run on GICC_DIR in EOImode 1, not on the priority drop', () => {
      const bench = new GicBench()
        .enableAll(GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE)
        .setUp(40)
        .line(40, true);
      let runs = 0;
      bench.gic.onDeactivate(40, () => runs++);
      bench.eoi(bench.ack());
      expect(runs).to.equal(0);
      bench.write('GICC_DIR', 40);
      expect(runs).to.equal(1);
    });

    it('run on GICD_ICACTIVERn of an active interrupt, not of an inactive one', () => {
      const bench = new GicBench().setUp(40);
      let runs = 0;
      bench.gic.onDeactivate(40, () => runs++);
      bench.write('GICD_ICACTIVER1', 1 << 8);
      expect(runs).to.equal(0);
      bench.write('GICD_ISACTIVER1', 1 << 8).write('GICD_ICACTIVER1', 1 << 8);
      expect(runs).to.equal(1);
    });

    it('stop after unsubscribing', () => {
      const bench = new GicBench().enableAll().setUp(41, { edge: true });
      let runs = 0;
      const unsubscribe = bench.gic.onDeactivate(41, () => runs++);
      bench.pulse(41).eoi(bench.ack());
      unsubscribe();
      bench.pulse(41).eoi(bench.ack());
      expect(runs).to.equal(1);
    });

    it('see the interrupt inactive, so a level line still high (VFIO resample) pends it again', () => {
      const spi = 144; // the first platform-bus SPI (112)
      const bench = new GicBench().enableAll().setUp(spi);
      // The resampler lowers the line, unmasks the host IRQ, and the device, still asserting, raises it again.
      bench.gic.onDeactivate(spi, () => {
        expect(bench.bit('GICD_ISACTIVER', spi)).to.equal(false);
        bench.line(spi, false).line(spi, true);
      });
      bench.line(spi, true);
      expect(bench.ack()).to.equal(spi);
      bench.eoi(spi);
      expect(bench.bit('GICD_ISPENDR', spi)).to.equal(true);
      expect(bench.irq).to.equal(true);
      expect(bench.ack()).to.equal(spi);
    });

    it('leave the interrupt idle when the resampled line stays low', () => {
      const bench = new GicBench().enableAll().setUp(144);
      bench.gic.onDeactivate(144, () => bench.line(144, false));
      bench.line(144, true);
      bench.eoi(bench.ack());
      expect(bench.irq).to.equal(false);
      expect(bench.bit('GICD_ISPENDR', 144)).to.equal(false);
    });
  });
});
