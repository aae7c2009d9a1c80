import { expect } from 'chai';
import { Pl031 } from '../../devices/pl031.js';
import { VirtMachine } from '../../machines/virt/virt-machine.js';
import { printDts } from '../../src/fdt/dts-printer.js';
import { cast } from '../../src/qom/types.js';
import { DeviceHarness } from '../../src/testing/device-harness.js';
import { MemoryTraceSink, traceRegistry } from '../../src/trace/index.js';
import { dtcWarnings } from '../support/dtc.js';

const RTC = 0x0901_0000;
const RTCDR = RTC + 0x00;
const RTCMR = RTC + 0x04;
const RTCLR = RTC + 0x08;
const RTCCR = RTC + 0x0c;
const RTCIMSC = RTC + 0x10;
const RTCRIS = RTC + 0x14;
const RTCMIS = RTC + 0x18;
const RTCICR = RTC + 0x1c;
const S = 1e9;

function rtc(startTime = '1700000000') {
  return DeviceHarness.create(Pl031, { properties: { 'start-time': startTime }, mmioAt: [RTC] });
}

describe('PL031 real-time clock', () => {
  it('counts seconds of virtual time from its start-time', () => {
    const t = rtc();
    expect(t.read32(RTCDR)).to.equal(1_700_000_000);
    t.step(2.5 * S);
    expect(t.read32(RTCDR)).to.equal(1_700_000_002);
  });

  it('loads the counter from RTCLR and keeps RTCStart set once started', () => {
    const t = rtc();
    t.write32(RTCLR, 100);
    t.step(S);
    expect(t.read32(RTCDR)).to.equal(101);
    t.write32(RTCCR, 0);
    expect(t.read32(RTCCR)).to.equal(1);
  });

  it('raises its interrupt when the counter reaches RTCMR, if unmasked, until cleared through RTCICR', () => {
    const t = rtc('0');
    t.write32(RTCMR, 3);
    t.step(3 * S - 1);
    expect(t.read32(RTCRIS)).to.equal(0);
    t.step(1);
    expect(t.read32(RTCRIS)).to.equal(1);
    expect(t.irq(0).level).to.equal(false); // masked
    t.write32(RTCIMSC, 1);
    expect(t.irq(0).level).to.equal(true);
    expect(t.read32(RTCMIS)).to.equal(1);
    t.write32(RTCICR, 1);
    expect(t.irq(0).level).to.equal(false);
    expect(t.irq(0).history).to.deep.equal([true, false]);
  });

  it('declares its region, IRQ and alarm afresh when realized again after unrealize; the old alarm never fires', () => {
    const t = rtc('0');
    t.write32(RTCIMSC, 1);
    t.write32(RTCMR, 3);
    expect(t.clock.timers.nextDeadline()).to.equal(3 * S);
    t.device.unrealize();
    expect(t.clock.timers.nextDeadline()).to.equal(Infinity);
    t.step(4 * S);
    expect(t.irq(0).history).to.deep.equal([]);
    t.device.realize();
    expect(t.device.mmioRegions).to.have.length(1);
    expect(t.device.irqOutputs).to.have.length(1);
    expect(t.clock.timers.nextDeadline()).to.equal(Infinity);
  });

  it('answers with the PrimeCell identification registers', () => {
    const t = rtc();
    const ids = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => t.read32(RTC + o));
    expect(ids).to.deep.equal([0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
  });

  it('logs guest writes to read-only registers and accesses to unknown offsets, and carries on', () => {
    const t = rtc();
    t.write32(RTCDR, 5);
    expect(t.read32(RTC + 0x40)).to.equal(0);
    expect(t.log).to.have.length(2);
    expect(t.log[0]).to.equal('/machine/device-under-test: write of 0x5 to read-only register RTCDR at offset 0x0 (4 bytes) ignored');
    expect(t.log[1]).to.equal('/machine/device-under-test: read of unknown register at offset 0x40 (4 bytes)');
  });

  it("names itself in the machine's log, so that two PL031s give two sources of guest errors", () => {
    const log: string[] = [];
    const vm = new VirtMachine({ clock: 'deterministic', log: (m) => log.push(m) });
    try {
      const added = cast(vm.addDynamicDevice('pl031,id=rtc1'), Pl031);
      vm.memory.write(RTC + 0x40, new Uint8Array(4));
      vm.memory.write(added.mmioAddress(0)! + 0x40, new Uint8Array(4));
    } finally {
      vm.close();
    }
    expect(log).to.deep.equal([
      '/machine/pl031: write of 0x0 to unknown register at offset 0x40 (4 bytes)',
      'rtc1: write of 0x0 to unknown register at offset 0x40 (4 bytes)',
    ]);
  });

  it('fires its trace events when enabled', () => {
    const sink = new MemoryTraceSink();
    traceRegistry.addSink(sink);
    traceRegistry.enable('pl031_*');
    try {
      const t = rtc('0');
      t.write32(RTCLR, 7);
      t.write32(RTCMR, 8);
      t.step(S);
      expect(sink.records.map((r) => r.message)).to.deep.equal([
        '/machine/device-under-test: counter loaded with 7 s',
        '/machine/device-under-test: match at 8 s raises the interrupt',
      ]);
    } finally {
      traceRegistry.enable('-pl031_*');
      traceRegistry.removeSink(sink);
    }
  });

  it('writes its device-tree node, which dtc accepts', () => {
    const t = rtc();
    const dtb = t.deviceTree({ spis: [2] });
    expect(dtcWarnings(dtb)).to.equal('');
    expect(printDts(dtb)).to.contain(
      '\tpl031@9010000 {\n' +
        '\t\tclock-names = "apb_pclk";\n' +
        '\t\tclocks = <0x8000>;\n' +
        '\t\tinterrupts = <0x00 0x02 0x04>;\n' +
        '\t\treg = <0x00 0x9010000 0x00 0x1000>;\n' +
        '\t\tcompatible = "arm,pl031\\0arm,primecell";\n' +
        '\t};\n',
    );
  });
});
