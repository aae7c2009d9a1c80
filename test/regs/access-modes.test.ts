import { expect } from 'chai';
import { RegisterBank, type RegisterSpecs } from '../../src/regs/index.js';

/** A bank of `specs` whose guest errors (unknown and refused accesses) are collected in `reports`. */
function bankOf<const S extends RegisterSpecs>(specs: S) {
  const reports: string[] = [];
  const bank = new RegisterBank({ label: () => 'dev', guestError: (m) => void reports.push(m()) }, specs);
  return { bank, reports };
}

describe('register access modes', () => {
  it('RW stores what the guest writes, within writeMask, and returns it, within readMask', () => {
    const { bank, reports } = bankOf({
      CTRL: { offset: 0x0, reset: 0x1 },
      MASKED: { offset: 0x4, writeMask: 0x0000_ffff, readMask: 0x0000_00ff, reset: 0xabcd_0000 },
    });
    expect(bank.read(0x0, 4)).to.equal(0x1);
    bank.write(0x0, 4, 0xdead_beef);
    expect(bank.read(0x0, 4)).to.equal(0xdead_beef);
    bank.write(0x4, 4, 0xffff_1234);
    expect(bank.get('MASKED')).to.equal(0xabcd_1234);
    expect(bank.read(0x4, 4)).to.equal(0x34);
    expect(reports).to.deep.equal([]);
  });

  it('RO ignores and reports guest writes, while the device can still set it', () => {
    const { bank, reports } = bankOf({ UARTFR: { offset: 0x18, access: 'RO', reset: 0x90 } });
    bank.write(0x18, 4, 0);
    expect(bank.read(0x18, 4)).to.equal(0x90);
    bank.set('UARTFR', 0x10);
    expect(bank.read(0x18, 4)).to.equal(0x10);
    expect(reports).to.deep.equal(['dev: write of 0x0 to read-only register UARTFR at offset 0x18 (4 bytes) ignored']);
  });

  it('WO reads as zero and reports the read, while writes are stored', () => {
    const { bank, reports } = bankOf({ UARTICR: { offset: 0x44, access: 'WO' } });
    bank.write(0x44, 4, 0x7ff);
    expect(bank.read(0x44, 4)).to.equal(0);
    expect(bank.get('UARTICR')).to.equal(0x7ff);
    expect(reports).to.deep.equal(['dev: read of write-only register UARTICR at offset 0x44 (4 bytes) reads as zero']);
  });

  it('W1C clears the bits written as 1 and leaves the others, within writeMask', () => {
    const { bank } = bankOf({ STATUS: { offset: 0x0, access: 'W1C', reset: 0b1111, writeMask: 0b0111 } });
    bank.write(0x0, 4, 0b1010);
    expect(bank.read(0x0, 4)).to.equal(0b1101);
    bank.write(0x0, 4, 0xffff_ffff);
    expect(bank.read(0x0, 4)).to.equal(0b1000);
  });

  it('W1S sets the bits written as 1 and leaves the others', () => {
    const { bank } = bankOf({ SET: { offset: 0x0, access: 'W1S', reset: 0b0001 } });
    bank.write(0x0, 4, 0b0100);
    bank.write(0x0, 4, 0);
    expect(bank.read(0x0, 4)).to.equal(0b0101);
  });

  it('RC returns the value once and clears the bits it returned; writes are ignored and reported', () => {
    const { bank, reports } = bankOf({ EVENTS: { offset: 0x8, access: 'RC', reset: 0x8001, readMask: 0x00ff } });
    expect(bank.read(0x8, 4)).to.equal(0x01);
    expect(bank.get('EVENTS')).to.equal(0x8000);
    expect(bank.read(0x8, 4)).to.equal(0);
    bank.write(0x8, 4, 0x1);
    expect(reports).to.deep.equal(['dev: write of 0x1 to read-to-clear register EVENTS at offset 0x8 (4 bytes) ignored']);
  });
});

describe('register hooks', () => {
  it('onRead computes what the guest reads from the stored value; get, set and reset do not run it', () => {
    const fifo = [0x41, 0x42];
    const { bank } = bankOf({ UARTDR: { offset: 0x0, reset: 0x100, onRead: (stored) => stored | (fifo.shift() ?? 0) } });
    expect([bank.read(0x0, 4), bank.read(0x0, 4), bank.read(0x0, 4)]).to.deep.equal([0x141, 0x142, 0x100]);
    expect(bank.get('UARTDR')).to.equal(0x100);
  });

  it('onWrite sees the stored result of the write (mode applied) and the value before it', () => {
    const writes: string[] = [];
    const { bank } = bankOf({
      UARTRIS: { offset: 0x3c, access: 'W1C', reset: 0x30, onWrite: (now, was) => writes.push(`${was.toString(16)} -> ${now.toString(16)}`) },
    });
    bank.write(0x3c, 4, 0x10);
    bank.set('UARTRIS', 0x70);
    bank.reset();
    expect(writes).to.deep.equal(['30 -> 20']);
  });

  it('onWrite runs for a write that leaves the value unchanged: the write itself is the event', () => {
    const sent: number[] = [];
    const { bank } = bankOf({ UARTDR: { offset: 0x0, onWrite: (value) => sent.push(value) } });
    bank.write(0x0, 1, 0x41);
    bank.write(0x0, 1, 0x41);
    expect(sent).to.deep.equal([0x41, 0x41]);
  });

  it('hooks can reach their own bank, as device code does', () => {
    const { bank } = bankOf({
      UARTRIS: { offset: 0x3c, access: 'RO', reset: 0x70 },
      // A hook that reads its bank back has its types written out: the bank's type comes from this declaration.
      UARTICR: { offset: 0x44, access: 'WO', onWrite: (value: number): void => bank.set('UARTRIS', bank.get('UARTRIS') & ~value) },
    });
    bank.write(0x44, 4, 0x30);
    expect(bank.read(0x3c, 4)).to.equal(0x40);
  });

  describe('beforeWrite', () => {
    it('refuses a write by returning undefined: nothing is stored and onWrite does not run', () => {
      let locked = true;
      const writes: number[] = [];
      const { bank, reports } = bankOf({
        LOAD: {
          offset: 0x0,
          reset: 0xffff_ffff,
          beforeWrite: (value: number): number | undefined => (locked ? undefined : value),
          onWrite: (value: number): void => void writes.push(value),
        },
      });
      bank.write(0x0, 4, 0x1234);
      bank.write(0x2, 2, 0x5678);
      expect(bank.get('LOAD')).to.equal(0xffff_ffff);
      locked = false;
      bank.write(0x2, 2, 0x5678);
      expect(bank.get('LOAD')).to.equal(0x5678_ffff);
      expect(writes).to.deep.equal([0x5678_ffff]);
      expect(reports).to.deep.equal([]);
    });

    it('sees the value the write would leave, sub-word writes and modes applied, and stores what it returns', () => {
      const seen: string[] = [];
      const { bank } = bankOf({
        CR: {
          offset: 0x0,
          writeMask: 0xff,
          beforeWrite: (value: number, old: number): number => (seen.push(`${old.toString(16)} -> ${value.toString(16)}`), value | old),
        },
        WIDE: { offset: 0x8, size: 8, beforeWrite: (value: bigint): bigint => value & ~1n },
      });
      bank.write(0x0, 4, 0x1);
      bank.write(0x1, 1, 0x3); // beyond writeMask: dropped before the hook sees it
      bank.write(0x0, 1, 0x2);
      expect(seen).to.deep.equal(['0 -> 1', '1 -> 1', '1 -> 2']);
      expect(bank.get('CR')).to.equal(0x3);
      bank.write(0xc, 4, 0x1);
      bank.write(0x8, 4, 0xff);
      expect(bank.get('WIDE')).to.equal(0x1_0000_00fen);
    });
  });
});
