import { expect } from 'chai';
import { GicBench } from './gic-bench.js';

describe('GICv2 info pic', () => {
  it('describes both frames and lists enabled, pending and active interrupts only', () => {
    const bench = new GicBench().enableAll().setUp(30, { priority: 0x80 }).setUp(40, { edge: true });
    bench
      .line(30, true)
      .pulse(40)
      .write('GICD_SGIR', (2 << 24) | 3);
    bench.ack(); // SGI 3, priority 0
    expect(bench.gic.describe()).to.equal(
      [
        'GICv2: 288 interrupts, distributor Group 0 enabled, Group 1 disabled, IRQ output low, FIQ output low',
        '  GICC_CTLR 0x1 (Group 0 enabled, Group 1 disabled, EOImode 0), GICC_PMR 0xff, GICC_BPR 0, GICC_ABPR 1, ' +
          'running priority 0x0, GICC_APR0..3 0x1 0x0 0x0 0x0, GICC_NSAPR0..3 0x0 0x0 0x0 0x0',
        '  INTID 3 (SGI): enabled active; Group 0, priority 0x0, edge',
        '  INTID 30 (PPI): enabled pending; Group 0, priority 0x80, level, line high',
        '  INTID 40 (SPI): enabled pending; Group 0, priority 0xa0, edge, line low',
        '',
      ].join('\n'),
    );
  });
});
