import { expect } from 'chai';
import { GuestErrorLog } from '../../src/core/guest-errors.js';
import { Vcpu } from '../../src/cpu/vcpu.js';
import { DeviceHarness } from '../../src/testing/device-harness.js';
import { RegisterBank } from '../../src/regs/index.js';
import { Gic } from '../../devices/gic/gic.js';
import '../../devices/pl011.js';

/** A log on a hand-moved host clock, its lines, and how many messages were built. */
function limitedLog(options: { all?: boolean } = {}) {
  const lines: string[] = [];
  let nowMs = 0;
  const log = new GuestErrorLog((line) => lines.push(line), { ...options, now: () => nowMs });
  let built = 0;
  const report = (source: string, text: string) => log.report(source, () => (built++, text));
  return { log, lines, report, built: () => built, advance: (ms: number) => (nowMs += ms) };
}

describe('guest error logging', () => {
  it('writes the first 10 errors of a source in 5 s, then one line counting the rest', () => {
    const t = limitedLog();
    for (let i = 0; i < 1000; i++) t.report('unmapped access', `error ${i}`);
    expect(t.lines).to.deep.equal(Array.from({ length: 10 }, (_, i) => `error ${i}`));
    t.advance(5000);
    t.report('unmapped access', 'error 1000');
    expect(t.lines.slice(10)).to.deep.equal(['unmapped access: 990 more guest errors suppressed (-d guest_errors logs every one)', 'error 1000']);
  });

  it('limits each source on its own', () => {
    const t = limitedLog();
    for (let i = 0; i < 20; i++) t.report('pl011', `pl011 ${i}`);
    t.report('gic', 'gic 0');
    expect(t.lines).to.have.length(11);
    expect(t.lines.at(-1)).to.equal('gic 0');
  });

  it('flush() writes what was suppressed and not yet counted, once', () => {
    const t = limitedLog();
    for (let i = 0; i < 11; i++) t.report('pl031', `pl031 ${i}`);
    t.log.flush();
    t.log.flush();
    expect(t.lines.slice(10)).to.deep.equal(['pl031: 1 more guest error suppressed (-d guest_errors logs every one)']);
  });

  it('builds no message it does not write', () => {
    const t = limitedLog();
    for (let i = 0; i < 100_000; i++) t.report('unmapped access', 'x');
    expect(t.built()).to.equal(10);
  });

  it('-d guest_errors (all) writes every one', () => {
    const t = limitedLog({ all: true });
    for (let i = 0; i < 100; i++) t.report('unmapped access', `error ${i}`);
    t.log.flush();
    expect(t.lines).to.have.length(100);
  });

  describe('the reporters hand over unbuilt messages', () => {
    /** A reporter counting the errors it is given and the messages built from them. */
    function counting() {
      const counts = { reported: 0, built: 0 };
      const lines: string[] = [];
      const log = new GuestErrorLog((line) => lines.push(line));
      const reporter = (source: string, message: () => string) => {
        counts.reported++;
        log.report(source, () => (counts.built++, message()));
      };
      return { counts, lines, reporter };
    }

    it('unmapped accesses of the vCPU', () => {
      const { counts, lines, reporter } = counting();
      const vcpu = new Vcpu({ guestError: reporter });
      try {
        for (let i = 0; i < 1000; i++) vcpu.handleUnmapped({ address: 0x2000_0000 + 4 * i, size: 4, write: false });
      } finally {
        vcpu.close();
      }
      expect(counts).to.deep.equal({ reported: 1000, built: 10 });
      expect(lines[0]).to.equal('guest read from unmapped physical address 0x20000000 (4 bytes): read as zero');
    });

    it('unknown and refused registers of a register bank', () => {
      const messages: (() => string)[] = [];
      const bank = new RegisterBank({ label: () => 'dev', guestError: (m) => void messages.push(m) }, { ID: { offset: 0, access: 'RO' } });
      bank.read(0x40, 4);
      bank.write(0, 4, 7);
      expect(messages.map((m) => m())).to.deep.equal([
        'dev: read of unknown register at offset 0x40 (4 bytes)',
        'dev: write of 0x7 to read-only register ID at offset 0x0 (4 bytes) ignored',
      ]);
    });

    it('refused GIC accesses', () => {
      const messages: (() => string)[] = [];
      const gic = new Gic({ onGuestError: (m) => messages.push(m) });
      gic.distributor.read(0x00c, 4);
      gic.cpuInterface.write(0x0c, 4, 1);
      expect(messages.map((m) => m())).to.deep.equal([
        'GICD: 4-byte read at offset 0xc: no register there; reads as zero',
        'GICC: write of 0x1 to read-only GICC_IAR (offset 0xc) ignored',
      ]);
    });

    it('a device in a machine context, through its label', () => {
      const t = DeviceHarness.create('pl011');
      const reported: string[] = [];
      let built = 0;
      // The harness logs every guest error; count what the device asks for instead.
      Object.assign(t.device.context, { guestError: (source: string, message: () => string) => (reported.push(source), built > 0 || (built++, message())) });
      for (let i = 0; i < 100; i++) t.write32(0x1000_0000 + 0x800, i);
      expect(reported).to.have.length(100);
      expect(new Set(reported)).to.deep.equal(new Set([t.device.label()]));
      expect(built).to.equal(1);
    });
  });
});
