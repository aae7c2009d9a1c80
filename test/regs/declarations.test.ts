import { expect } from 'chai';
import { RegisterBank, type RegisterSpecs } from '../../src/regs/index.js';

const owner = { label: () => 'gicd', guestError: () => {} };
const declare = (specs: RegisterSpecs) => () => new RegisterBank(owner, specs);

describe('register declarations', () => {
  it('default to 4-byte RW registers resetting to zero', () => {
    const bank = new RegisterBank(owner, { GICD_CTLR: { offset: 0x0 } });
    bank.write(0x0, 4, 0xffff_ffff);
    expect(bank.get('GICD_CTLR')).to.equal(0xffff_ffff);
    bank.reset();
    expect(bank.get('GICD_CTLR')).to.equal(0);
  });

  it('reject a size other than 1, 2, 4 or 8 bytes', () => {
    expect(declare({ X: { offset: 0, size: 3 as 4 } })).to.throw(RangeError, 'gicd: register X: size 3 is not accepted (1, 2, 4 or 8 bytes)');
  });

  it('reject offsets that are negative or not aligned to the size (to 4 bytes for 8-byte registers)', () => {
    expect(declare({ X: { offset: 2 } })).to.throw('gicd: register X: offset 0x2 is not a non-negative integer aligned to 4 bytes');
    expect(declare({ X: { offset: 0x100, count: 4, stride: 6 } })).to.throw('gicd: register X1: offset 0x106 is not a non-negative integer aligned to 4 bytes');
    expect(declare({ X: { offset: 4, size: 8 } })).not.to.throw();
  });

  it('reject registers that overlap, naming both', () => {
    expect(declare({ GICD_CTLR: { offset: 0x0, size: 8 }, GICD_TYPER: { offset: 0x4 } })).to.throw(
      'gicd: register GICD_TYPER: offset 0x4 (4 bytes) overlaps GICD_CTLR (offset 0x0, 8 bytes)',
    );
    expect(declare({ X: { offset: 0x100, count: 2, stride: 0 } })).to.throw('gicd: register X1: offset 0x100 (4 bytes) overlaps X0 (offset 0x100, 4 bytes)');
  });

  it('reject a reset value or mask that does not fit the register', () => {
    expect(declare({ X: { offset: 0, size: 1, reset: 0x100 } })).to.throw('gicd: register X: reset 256 is not a number from 0 to 0xff (1-byte register)');
    expect(declare({ X: { offset: 0, writeMask: -1 } })).to.throw('gicd: register X: writeMask -1 is not a number from 0 to 0xffffffff (4-byte register)');
    expect(declare({ X: { offset: 0, size: 8, reset: 5 as unknown as bigint } })).to.throw(
      'gicd: register X: reset 5 is not a bigint from 0 to 2^64-1 (8-byte register)',
    );
  });

  it('reject fields outside the register and array counts that are not positive integers', () => {
    expect(declare({ X: { offset: 0, size: 2, fields: { HIGH: { bit: 12, width: 8 } } } })).to.throw(
      'gicd: register X: field HIGH (bit 12, width 8) does not fit in 16 bits',
    );
    expect(declare({ X: { offset: 0, count: 0 } })).to.throw('gicd: register X: count 0 is not a positive integer');
  });
});
