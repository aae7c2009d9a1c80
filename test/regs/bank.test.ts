import { expect } from 'chai';
import { ioRead, ioWrite } from '../../src/memory/access.js';
import type { MemoryOps } from '../../src/memory/region.js';
import { RegisterBank, type RegisterSpecs } from '../../src/regs/index.js';
import { MemoryTraceSink, traceRegistry } from '../../src/trace/index.js';

/** A bank of `specs` whose guest errors (unknown and refused accesses) are collected in `reports`. */
function bankOf<const S extends RegisterSpecs>(specs: S, label = 'dev') {
  const reports: string[] = [];
  const bank = new RegisterBank({ label: () => label, guestError: (m) => void reports.push(m()) }, specs);
  return { bank, reports };
}

describe('register banks', () => {
  describe('arrays', () => {
    it('declares NAME0..NAMEn-1 once, each element its own register at offset + n * stride', () => {
      const { bank } = bankOf({
        GICD_ISENABLER: { offset: 0x100, count: 32, access: 'W1S' },
        GICD_ITARGETSR: { offset: 0x800, count: 8, size: 1, stride: 4 },
      });
      bank.write(0x10c, 4, 0x8000_0001);
      bank.write(0x818, 1, 0x3);
      expect(bank.get('GICD_ISENABLER', 3)).to.equal(0x8000_0001);
      expect(bank.get('GICD_ISENABLER', 2)).to.equal(0);
      expect(bank.get('GICD_ITARGETSR', 6)).to.equal(0x3);
      expect([bank.nameAt(0x100), bank.nameAt(0x10e), bank.nameAt(0x17c), bank.nameAt(0x180), bank.nameAt(0x81c)]).to.deep.equal([
        'GICD_ISENABLER0',
        'GICD_ISENABLER3',
        'GICD_ISENABLER31',
        undefined,
        'GICD_ITARGETSR7',
      ]);
    });

    it('tells hooks which element was accessed', () => {
      const enabled: number[] = [];
      const { bank } = bankOf({ GICD_ISENABLER: { offset: 0x100, count: 32, onWrite: (_now, _was, n) => enabled.push(n) } });
      bank.write(0x104, 4, 1);
      bank.write(0x17c, 4, 1);
      expect(enabled).to.deep.equal([1, 31]);
    });

    it('rejects a missing or out-of-range index, and an index for a single register', () => {
      const { bank } = bankOf({ GICD_ISENABLER: { offset: 0x100, count: 32 }, GICD_CTLR: { offset: 0 } });
      expect(() => bank.get('GICD_ISENABLER', 32)).to.throw('dev: index 32 of register array GICD_ISENABLER is not an integer from 0 to 31');
      // @ts-expect-error: an array register needs its index
      expect(() => bank.get('GICD_ISENABLER')).to.throw('dev: index undefined of register array GICD_ISENABLER is not an integer from 0 to 31');
      // @ts-expect-error: a single register takes no index
      expect(() => bank.set('GICD_CTLR', 1, 1)).to.throw('dev: register GICD_CTLR is not an array: it takes no index (given 1)');
    });
  });

  describe('sub-word accesses', () => {
    it('reads the bytes and halves of a wider register', () => {
      const { bank } = bankOf({ ID: { offset: 0x10, reset: 0x1122_3344 } });
      expect([0x10, 0x11, 0x12, 0x13].map((o) => bank.read(o, 1))).to.deep.equal([0x44, 0x33, 0x22, 0x11]);
      expect([bank.read(0x10, 2), bank.read(0x12, 2)]).to.deep.equal([0x3344, 0x1122]);
    });

    it('writes only their bytes (read-modify-write), honouring writeMask', () => {
      const { bank } = bankOf({ CTRL: { offset: 0x0, reset: 0x1122_3344, writeMask: 0xffff_0fff } });
      bank.write(0x1, 1, 0xff);
      bank.write(0x2, 2, 0xaabb);
      expect(bank.get('CTRL')).to.equal(0xaabb_3f44);
    });

    it('applies the mode to their bytes only: W1C clears in the written byte, RC clears what was read', () => {
      const { bank } = bankOf({ STATUS: { offset: 0x0, access: 'W1C', reset: 0xffff_ffff }, EVENTS: { offset: 0x4, access: 'RC', reset: 0xffff_ffff } });
      bank.write(0x1, 1, 0x0f);
      expect(bank.get('STATUS')).to.equal(0xffff_f0ff);
      expect(bank.read(0x6, 2)).to.equal(0xffff);
      expect(bank.get('EVENTS')).to.equal(0x0000_ffff);
    });
  });

  describe('8-byte registers', () => {
    const specs = { GICD_IROUTER: { offset: 0x6100, size: 8, reset: 0x1122_3344_5566_7788n } } as const;

    it('hold bigints that the guest reaches as 4-byte halves, low half first, or smaller parts', () => {
      const { bank } = bankOf(specs);
      expect([bank.read(0x6100, 4), bank.read(0x6104, 4), bank.read(0x6105, 1), bank.read(0x6106, 2)]).to.deep.equal([0x5566_7788, 0x1122_3344, 0x33, 0x1122]);
      bank.write(0x6104, 4, 0x8000_0000);
      const value: bigint = bank.get('GICD_IROUTER');
      expect(value).to.equal(0x8000_0000_5566_7788n);
      bank.set('GICD_IROUTER', 0xffff_ffff_0000_0001n);
      expect(bank.read(0x6104, 4)).to.equal(0xffff_ffff);
    });

    it('give their hooks the whole value as a bigint', () => {
      const seen: bigint[] = [];
      const { bank } = bankOf({ CNT: { offset: 0x0, size: 8, reset: 0xffff_ffffn, onRead: (v) => v + 1n, onWrite: (now, was) => void seen.push(now, was) } });
      expect([bank.read(0x0, 4), bank.read(0x4, 4)]).to.deep.equal([0, 1]);
      bank.write(0x4, 4, 2);
      expect(seen).to.deep.equal([0x2_ffff_ffffn, 0xffff_ffffn]);
    });

    it('arrive split in two from an 8-byte access through the memory API', () => {
      const { bank } = bankOf(specs);
      // What DMA sees; the memory API splits the access because the bank implements at most 4 bytes.
      const ops: MemoryOps = { read: (o, s) => bank.read(o, s), write: (o, s, v) => bank.write(o, s, v), valid: { min: 1, max: 8 } };
      const fail = (message: () => string) => expect.fail(message());
      expect(ioRead(ops, 0x6100, 8, fail, () => 'gicd')).to.equal(Number(0x1122_3344_5566_7788n));
      ioWrite(ops, 0x6100, 8, 0x1_0000_0002, fail, () => 'gicd');
      expect(bank.get('GICD_IROUTER')).to.equal(0x1_0000_0002n);
    });
  });

  describe('accesses that match no register', () => {
    it('read as zero, ignore writes and report the label, offset and size', () => {
      const { bank, reports } = bankOf({ UARTDR: { offset: 0x0, reset: 0x41 }, UARTCR: { offset: 0x30, size: 2 } }, 'pl011');
      expect(bank.read(0xffc, 4)).to.equal(0);
      bank.write(0x8, 1, 0x5);
      expect(bank.read(0x2, 4)).to.equal(0);
      bank.write(0x30, 4, 0x301);
      expect(bank.read(0x1, 2)).to.equal(0);
      expect(bank.read(0x0, 3)).to.equal(0);
      expect(bank.get('UARTDR')).to.equal(0x41);
      expect(reports).to.deep.equal([
        'pl011: read of unknown register at offset 0xffc (4 bytes)',
        'pl011: write of 0x5 to unknown register at offset 0x8 (1 byte)',
        'pl011: read at offset 0x2 (4 bytes) is not an aligned 1, 2 or 4-byte access within register UARTDR (offset 0x0, 4 bytes)',
        'pl011: write of 0x301 at offset 0x30 (4 bytes) is not an aligned 1, 2 or 4-byte access within register UARTCR (offset 0x30, 2 bytes)',
        'pl011: read at offset 0x1 (2 bytes) is not an aligned 1, 2 or 4-byte access within register UARTDR (offset 0x0, 4 bytes)',
        'pl011: read at offset 0x0 (3 bytes) is not an aligned 1, 2 or 4-byte access within register UARTDR (offset 0x0, 4 bytes)',
      ]);
    });
  });

  describe('device side', () => {
    it('reset restores every reset value', () => {
      const { bank } = bankOf({
        CTRL: { offset: 0x0, reset: 0x300 },
        ENABLE: { offset: 0x100, count: 2, reset: 0xffff },
        WIDE: { offset: 0x200, size: 8, reset: 7n },
      });
      bank.write(0x0, 4, 0);
      bank.write(0x104, 4, 1);
      bank.set('WIDE', 0n);
      bank.reset();
      expect([bank.get('CTRL'), bank.get('ENABLE', 0), bank.get('ENABLE', 1), bank.get('WIDE')]).to.deep.equal([0x300, 0xffff, 0xffff, 7n]);
    });

    it('set takes a value that fits the register, or a negative one from a JS bitwise operator as 32 bits', () => {
      const { bank } = bankOf({ STATUS: { offset: 0x0, reset: 0x8000_0001 }, BYTE: { offset: 0x4, size: 1 }, WIDE: { offset: 0x8, size: 8 } });
      bank.set('STATUS', bank.get('STATUS') & ~1);
      expect(bank.get('STATUS')).to.equal(0x8000_0000);
      expect(() => bank.set('BYTE', 0x100)).to.throw(RangeError, 'dev: value 256 does not fit register BYTE (1 byte)');
      expect(() => bank.set('BYTE', -1)).to.throw('dev: value -1 does not fit register BYTE (1 byte)');
      expect(() => bank.set('STATUS', 2 ** 32)).to.throw('dev: value 4294967296 does not fit register STATUS (4 bytes)');
      // @ts-expect-error: an 8-byte register takes a bigint
      expect(() => bank.set('WIDE', 1)).to.throw('dev: value 1 does not fit register WIDE (8 bytes)');
      // @ts-expect-error: names are checked
      expect(() => bank.get('NOPE')).to.throw("dev: no register named 'NOPE' (registers: STATUS, BYTE, WIDE)");
    });

    it('describes a value with its named fields', () => {
      const { bank } = bankOf({
        UARTFR: { offset: 0x18, access: 'RO', reset: 0x90, fields: { TXFE: { bit: 7 }, RXFF: { bit: 6 }, BUSY: { bit: 3 } } },
        UARTLCR_H: { offset: 0x2c, reset: 0x70, fields: { WLEN: { bit: 5, width: 2 }, FEN: { bit: 4 } } },
        UARTDR: { offset: 0x0 },
      });
      expect(bank.describe('UARTFR')).to.equal('UARTFR = 0x90 (TXFE=1 RXFF=0 BUSY=0)');
      expect(bank.describe('UARTLCR_H')).to.equal('UARTLCR_H = 0x70 (WLEN=0x3 FEN=1)');
      expect(bank.describe('UARTDR')).to.equal('UARTDR = 0x0');
    });
  });

  it('traces guest accesses with the bank label and register name (events regbank_read, regbank_write)', () => {
    const sink = new MemoryTraceSink();
    traceRegistry.addSink(sink);
    traceRegistry.enable('regbank_*');
    try {
      const { bank } = bankOf({ UARTFR: { offset: 0x18, reset: 0x90 }, GICD_ISENABLER: { offset: 0x100, count: 32 } }, 'pl011');
      bank.read(0x18, 4);
      bank.write(0x10d, 1, 0x80);
    } finally {
      traceRegistry.enable('-regbank_*');
      traceRegistry.removeSink(sink);
    }
    expect(sink.records.map((r) => `${r.name} ${r.message}`)).to.deep.equal([
      'regbank_read pl011: 4-byte read of UARTFR at 0x18 -> 0x90',
      'regbank_write pl011: 1-byte write of 0x80 to GICD_ISENABLER3 at 0x10d',
    ]);
  });
});
