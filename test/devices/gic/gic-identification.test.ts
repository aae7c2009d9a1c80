import { expect } from 'chai';
import { Gic } from '../../../devices/gic/gic.js';
import { GicBench } from './gic-bench.js';

describe('GICv2 identification', () => {
  it('GICD_TYPER gives ITLinesNumber from the SPI count, CPUNumber 0 and no Security Extensions', () => {
    expect(new GicBench().read('GICD_TYPER')).to.equal(8); // 32 + 256 interrupts
    expect(new GicBench({ numSpis: 64 }).read('GICD_TYPER')).to.equal(2);
    expect(new GicBench({ numSpis: 0 }).read('GICD_TYPER')).to.equal(0);
  });

  it('GICD_IIDR and GICC_IIDR read what QEMU 7.2 reports: implementer Arm (0x43b), GICC_IIDR architecture 2', () => {
    const bench = new GicBench();
    expect(bench.read('GICD_IIDR')).to.equal(0x0000_043b);
    expect(bench.read('GICC_IIDR')).to.equal(0x0002_043b);
  });

  it('the peripheral and component ID registers hold the GIC-400 values, PIDR2 saying GICv2', () => {
    const bench = new GicBench();
    const ids = ['GICD_PIDR4', 'GICD_PIDR5', 'GICD_PIDR6', 'GICD_PIDR7', 'GICD_PIDR0', 'GICD_PIDR1', 'GICD_PIDR2', 'GICD_PIDR3'];
    expect(ids.map((name) => bench.read(name))).to.deep.equal([0x04, 0, 0, 0, 0x90, 0xb4, 0x2b, 0]);
    expect(['GICD_CIDR0', 'GICD_CIDR1', 'GICD_CIDR2', 'GICD_CIDR3'].map((name) => bench.read(name))).to.deep.equal([0x0d, 0xf0, 0x05, 0xb1]);
    expect(bench.read('GICD_PIDR2') >> 4).to.equal(2);
  });

  it('accepts SPI counts that are multiples of 32 up to 960, and rejects others naming the limits', () => {
    expect(new Gic({ numSpis: 960 }).numIrqs).to.equal(992);
    expect(() => new Gic({ numSpis: 33 })).to.throw(RangeError, /multiple of 32 from 0 to 960/);
    expect(() => new Gic({ numSpis: 992 })).to.throw(RangeError, /numSpis 992/);
  });

  it('has no input lines for SGIs or beyond the last SPI', () => {
    const gic = new Gic({ numSpis: 32 });
    expect(() => gic.input(15)).to.throw(RangeError, /INTID 15 cannot have an input line \(PPIs and SPIs only\): expected 16\.\.63/);
    expect(() => gic.input(64)).to.throw(RangeError, /expected 16\.\.63/);
    expect(gic.input(63)).to.be.a('function');
  });
});
