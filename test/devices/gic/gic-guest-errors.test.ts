import { expect } from 'chai';
import { Gic } from '../../../devices/gic/gic.js';
import { GicBench } from './gic-bench.js';

describe('GICv2 guest errors', () => {
  it('an unknown distributor offset reads as zero and is reported with its offset', () => {
    const bench = new GicBench();
    expect(bench.gic.distributor.read(0xd00, 4)).to.equal(0);
    bench.gic.distributor.write(0x00c, 4, 1);
    expect(bench.errors).to.deep.equal([
      'GICD: 4-byte read at offset 0xd00: no register there; reads as zero',
      'GICD: 4-byte write of 0x1 at offset 0xc: no register there; ignored',
    ]);
  });

  it('byte access to a word-only register is refused, naming the register', () => {
    const bench = new GicBench();
    expect(bench.gic.distributor.read(0x101, 1)).to.equal(0);
    bench.gic.distributor.write(0x100, 1, 0xff);
    expect(bench.read('GICD_ISENABLER0')).to.equal(0xffff);
    expect(bench.errors[0]).to.equal('GICD: 1-byte read at GICD_ISENABLER0 (offset 0x101): it takes aligned 4-byte accesses only; reads as zero');
    expect(bench.errors[1]).to.match(/^GICD: 1-byte write of 0xff at GICD_ISENABLER0 \(offset 0x100\)/);
  });

  it('halfword access to a byte-accessible register is refused', () => {
    const bench = new GicBench();
    bench.gic.distributor.write(0x420, 2, 0xffff);
    expect(bench.read('GICD_IPRIORITYR8')).to.equal(0);
    expect(bench.errors[0]).to.match(/GICD_IPRIORITYR8 \(offset 0x420\): it takes aligned 4-byte accesses or bytes; ignored/);
  });

  it('writes to read-only and reads of write-only registers are reported', () => {
    const bench = new GicBench();
    bench.write('GICD_TYPER', 0xff).write('GICC_IAR', 1).write('GICC_IIDR', 0);
    bench.read('GICD_SGIR');
    bench.read('GICC_EOIR');
    bench.read('GICC_DIR');
    expect(bench.read('GICD_TYPER')).to.equal(8);
    expect(bench.errors).to.deep.equal([
      'GICD: write of 0xff to read-only GICD_TYPER (offset 0x4) ignored',
      'GICC: write of 0x1 to read-only GICC_IAR (offset 0xc) ignored',
      'GICC: write of 0x0 to read-only GICC_IIDR (offset 0xfc) ignored',
      'GICD: read of write-only GICD_SGIR (offset 0xf00) reads as zero',
      'GICC: read of write-only GICC_EOIR (offset 0x10) reads as zero',
      'GICC: read of write-only GICC_DIR (offset 0x1000) reads as zero',
    ]);
  });

  it('CPU interface registers take words only, and offsets past the frame are unknown', () => {
    const bench = new GicBench();
    bench.gic.cpuInterface.write(0x04, 1, 0xff);
    expect(bench.gic.cpuInterface.read(0x2000, 4)).to.equal(0);
    expect(bench.read('GICC_PMR')).to.equal(0);
    expect(bench.errors).to.deep.equal([
      'GICC: 1-byte write of 0xff at GICC_PMR (offset 0x4): it takes aligned 4-byte accesses only; ignored',
      'GICC: 4-byte read at offset 0x2000: no register there; reads as zero',
    ]);
  });

  it('EOIR or DIR naming an unimplemented or inactive INTID is reported, not thrown', () => {
    const bench = new GicBench({ numSpis: 32 }).enableAll(0x201).setUp(40).line(40, true);
    bench.ack();
    bench.eoi(100);
    bench.write('GICC_DIR', 41);
    expect(bench.errors).to.deep.equal([
      'GICC: write of 0x64 to GICC_EOIR (offset 0x10): INTID 100 is not implemented (0..63); ignored',
      'GICC: write of 0x29 to GICC_DIR (offset 0x1000): INTID 41 is not active; not deactivated',
    ]);
    expect(bench.bit('GICD_ISACTIVER', 40)).to.equal(true);
  });

  it('go to stderr when no callback is given', () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- kept only to be put back as it was
    const write = process.stderr.write;
    const printed: string[] = [];
    process.stderr.write = (text: string) => printed.push(text) > 0;
    try {
      new Gic().distributor.read(0xd00, 4);
    } finally {
      process.stderr.write = write;
    }
    expect(printed).to.deep.equal(['gic: GICD: 4-byte read at offset 0xd00: no register there; reads as zero\n']);
  });
});
