import { expect } from 'chai';
import { GicBench, SPURIOUS } from './gic-bench.js';

const sgir = (filter: number, targets: number, intid: number) => (filter << 24) | (targets << 16) | intid;

describe('GICv2 software-generated interrupts', () => {
  it('GICD_SGIR with a target list naming CPU 0 pends the SGI, and IAR gives source CPU 0 in bits [12:10]', () => {
    const bench = new GicBench().enableAll().setUp(5, { priority: 0x30 });
    bench.write('GICD_SGIR', sgir(0, 0x01, 5));
    expect(bench.bit('GICD_ISPENDR', 5)).to.equal(true);
    expect(bench.readByte('GICD_SPENDSGIR', 5)).to.equal(0x01);
    expect(bench.irq).to.equal(true);
    const iar = bench.ack();
    expect(iar & 0x3ff).to.equal(5);
    expect((iar >> 10) & 7).to.equal(0);
    expect(bench.bit('GICD_ISPENDR', 5)).to.equal(false);
    bench.eoi(iar);
    expect(bench.bit('GICD_ISACTIVER', 5)).to.equal(false);
  });

  it('a target list without CPU 0 pends nothing', () => {
    const bench = new GicBench().enableAll();
    bench.write('GICD_SGIR', sgir(0, 0xfe, 3));
    expect(bench.read('GICD_ISPENDR0')).to.equal(0);
  });

  it('TargetListFilter 1, all other CPUs, reaches nobody with one CPU', () => {
    const bench = new GicBench().enableAll();
    bench.write('GICD_SGIR', sgir(1, 0xff, 3));
    expect(bench.read('GICD_ISPENDR0')).to.equal(0);
    expect(bench.ack()).to.equal(SPURIOUS);
  });

  it('TargetListFilter 2 sends the SGI to the writing CPU itself', () => {
    const bench = new GicBench().enableAll();
    bench.write('GICD_SGIR', sgir(2, 0, 15));
    expect(bench.ack()).to.equal(15);
  });

  it('TargetListFilter 3 is reserved: reported, and sent to every CPU as QEMU does', () => {
    const bench = new GicBench().enableAll();
    bench.write('GICD_SGIR', sgir(3, 0, 1));
    expect(bench.read('GICD_ISPENDR0')).to.equal(1 << 1);
    expect(bench.ack()).to.equal(1);
    expect(bench.errors[0]).to.match(/GICD_SGIR \(offset 0xf00\): TargetListFilter 3 is reserved; sent to every CPU/);
  });

  it('GICD_SPENDSGIRn and GICD_CPENDSGIRn set and clear the SGI pending state from CPU 0 only', () => {
    const bench = new GicBench().enableAll();
    bench.writeByte('GICD_SPENDSGIR', 9, 0xff);
    expect(bench.readByte('GICD_SPENDSGIR', 9)).to.equal(0x01);
    expect(bench.read('GICD_SPENDSGIR2')).to.equal(0x0000_0100);
    expect(bench.read('GICC_HPPIR')).to.equal(9);
    bench.write('GICD_CPENDSGIR2', 0x0000_0100);
    expect(bench.bit('GICD_ISPENDR', 9)).to.equal(false);
  });

  it('an SGI and an SPI of equal priority: the lower INTID, the SGI, is acknowledged first', () => {
    const bench = new GicBench().enableAll().setUp(40).setUp(7);
    bench.line(40, true).write('GICD_SGIR', sgir(2, 0, 7));
    expect(bench.ack()).to.equal(7);
  });
});
