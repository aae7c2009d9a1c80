import { expect } from 'chai';
import { formatIrqLines, IrqLine } from '../../src/core/irq.js';

describe('IRQ lines', () => {
  it('deliver level changes to their destination, once per change', () => {
    const line = new IrqLine('uart.irq');
    const seen: boolean[] = [];
    line.connect((l) => seen.push(l));
    line.raise();
    line.raise();
    line.lower();
    expect(seen).to.deep.equal([true, false]);
    expect(line.raises).to.equal(1);
  });

  it('keep a level set before connection and deliver it when connected', () => {
    const line = new IrqLine('early');
    line.raise();
    const seen: boolean[] = [];
    line.connect((l) => seen.push(l));
    expect(seen).to.deep.equal([true]);
  });

  it('give an edge with pulse()', () => {
    const line = new IrqLine('edge');
    const seen: boolean[] = [];
    line.connect((l) => seen.push(l));
    line.pulse();
    expect(seen).to.deep.equal([true, false]);
  });

  it('can be intercepted in tests, with or without passing changes on, and released', () => {
    const line = new IrqLine('dev.irq[0]');
    const gic: boolean[] = [];
    const test: boolean[] = [];
    line.connect((l) => gic.push(l));
    const release = line.intercept((l) => test.push(l));
    line.raise();
    expect(gic).to.deep.equal([]);
    release();
    line.lower();
    line.intercept((l) => test.push(l), true);
    line.raise();
    expect(test).to.deep.equal([true, true]);
    expect(gic).to.deep.equal([false, true]);
  });

  it('refuse a second connection', () => {
    const line = new IrqLine('x');
    line.connect(() => {});
    expect(() => line.connect(() => {})).to.throw("IRQ line 'x' is already connected");
  });

  it('print info irq', () => {
    const a = new IrqLine('a');
    a.connect(() => {});
    a.pulse();
    const b = new IrqLine('b');
    expect(formatIrqLines([a, b])).to.equal('a: low, raised 1 time\nb: low, raised 0 times (not connected)\n');
  });
});
