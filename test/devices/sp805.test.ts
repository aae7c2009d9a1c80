import { expect } from 'chai';
import { Sp805 } from '../../devices/sp805.js';
import { buildVirtDtb } from '../../machines/virt/virt-fdt.js';
import { VirtMachine } from '../../machines/virt/virt-machine.js';
import { printDts } from '../../src/fdt/dts-printer.js';
import { DeviceHarness } from '../../src/testing/device-harness.js';
import { dtcWarnings } from '../support/dtc.js';

const WDT = 0x0c00_0000;
const LOAD = WDT + 0x000;
const VALUE = WDT + 0x004;
const CONTROL = WDT + 0x008;
const INTCLR = WDT + 0x00c;
const RIS = WDT + 0x010;
const MIS = WDT + 0x014;
const LOCK = WDT + 0xc00;
const UNLOCK = 0x1acc_e551;
const INTEN = 1;
const RESEN = 2;
/** WDOGCLK is 1 MHz by default: one tick per µs. */
const US = 1000;
const S = 1e9;

function watchdog(properties: Record<string, string> = {}) {
  return DeviceHarness.create(Sp805, { properties, mmioAt: [WDT] });
}

/** What Linux's sp805_wdt does to start the watchdog for `timeout` s (wdt_setload, wdt_config): load = rate / 2 * timeout - 1. */
function startAsLinux(t: DeviceHarness<Sp805>, timeout: number, rate = 1e6): void {
  t.write32(LOCK, UNLOCK);
  t.write32(LOAD, (rate / 2) * timeout - 1);
  t.write32(INTCLR, 1);
  t.write32(CONTROL, INTEN | RESEN);
  t.write32(LOCK, 0);
}

describe('SP805 watchdog', () => {
  it("answers with the PrimeCell identification Linux's AMBA bus matches (0x00141805)", () => {
    const t = watchdog();
    const ids = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => t.read32(WDT + o));
    expect(ids).to.deep.equal([0x05, 0x18, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
  });

  it('counts down from WdogLoad once per WDOGCLK tick and raises its interrupt WdogLoad + 1 ticks after loading, then reloads', () => {
    const t = watchdog();
    t.write32(LOAD, 999);
    t.write32(CONTROL, INTEN);
    t.step(500 * US);
    expect(t.read32(VALUE)).to.equal(499);
    t.step(499 * US);
    expect([t.read32(VALUE), t.read32(RIS), t.irq(0).level]).to.deep.equal([0, 0, false]);
    t.step(1 * US);
    expect([t.read32(VALUE), t.read32(RIS), t.read32(MIS), t.irq(0).level]).to.deep.equal([999, 1, 1, true]);
    expect(t.resetRequests).to.deep.equal([]);
  });

  it('asks the machine for a reset when it expires again with the interrupt unanswered, if RESEN is set', () => {
    const withReset = watchdog();
    withReset.write32(LOAD, 999);
    withReset.write32(CONTROL, INTEN | RESEN);
    withReset.step(1000 * US);
    expect(withReset.resetRequests).to.deep.equal([]);
    withReset.step(1000 * US);
    expect(withReset.resetRequests).to.deep.equal(['/machine/device-under-test: the watchdog expired with its interrupt unanswered']);
    withReset.step(5000 * US);
    expect(withReset.resetRequests, 'the reset output stays asserted: one request').to.have.length(1);

    const withoutReset = watchdog();
    withoutReset.write32(LOAD, 999);
    withoutReset.write32(CONTROL, INTEN);
    withoutReset.step(5000 * US);
    expect([withoutReset.resetRequests, withoutReset.irq(0).level]).to.deep.equal([[], true]);
    withoutReset.write32(CONTROL, INTEN | RESEN); // the next expiry, a period after the last, resets
    withoutReset.step(999 * US);
    expect(withoutReset.resetRequests).to.have.length(0);
    withoutReset.step(1 * US);
    expect(withoutReset.resetRequests).to.have.length(1);
  });

  it('never resets a machine that answers: WdogIntClr lowers the interrupt and starts the count again', () => {
    const t = watchdog();
    t.write32(LOAD, 999);
    t.write32(CONTROL, INTEN | RESEN);
    for (let ping = 0; ping < 10; ping++) {
      t.step(1500 * US);
      t.write32(INTCLR, 0);
      expect(t.irq(0).level).to.equal(false);
    }
    expect(t.irq(0).history).to.deep.equal(Array.from({ length: 10 }, () => [true, false]).flat());
    expect(t.resetRequests).to.deep.equal([]);
  });

  it("gives Linux the timeout it asked for: sp805_wdt's load for 60 s resets the machine 60 s after it started", () => {
    for (const rate of [1e6, 32768]) {
      const t = watchdog({ 'clock-frequency': String(rate) });
      startAsLinux(t, 60, rate);
      t.step(30 * S - 1);
      expect(t.irq(0).level).to.equal(false);
      t.step(1);
      expect(t.irq(0).level).to.equal(true);
      t.step(30 * S - 1);
      expect(t.resetRequests).to.have.length(0);
      t.step(1);
      expect(t.resetRequests, `at ${rate} Hz`).to.have.length(1);
    }
  });

  it('keeps time over many periods stepped unevenly: each expiry is a whole number of periods after the start', () => {
    const t = watchdog();
    t.write32(LOAD, 999);
    t.write32(CONTROL, INTEN);
    for (const step of [333.3, 1666.7, 2500, 1, 1749]) t.step(step * US); // 6250 µs
    expect(t.read32(VALUE)).to.equal(999 - 250);
    expect(t.irq(0).raises).to.equal(1);
  });

  it('stops while INTEN is clear and starts again from WdogLoad when it is set', () => {
    const t = watchdog();
    t.write32(LOAD, 999);
    t.write32(CONTROL, INTEN);
    t.step(300 * US);
    t.write32(CONTROL, 0);
    t.step(5000 * US);
    expect([t.read32(VALUE), t.read32(RIS)]).to.deep.equal([699, 0]);
    t.write32(CONTROL, INTEN);
    t.step(1 * US);
    expect(t.read32(VALUE)).to.equal(998);
  });

  it('ignores writes to every other register while WdogLock holds anything but 0x1ACCE551, and reads 1 then', () => {
    const t = watchdog();
    expect(t.read32(LOCK)).to.equal(0);
    t.write32(LOAD, 999);
    t.write32(CONTROL, INTEN);
    t.write32(LOCK, 0x1234);
    expect(t.read32(LOCK)).to.equal(1);
    t.write32(LOAD, 5);
    t.write32(CONTROL, 0);
    t.step(1000 * US);
    t.write32(INTCLR, 1);
    expect([t.read32(LOAD), t.read32(CONTROL), t.read32(RIS), t.irq(0).level]).to.deep.equal([999, INTEN, 1, true]);
    t.write32(LOCK, UNLOCK);
    expect(t.read32(LOCK)).to.equal(0);
    t.write32(INTCLR, 1);
    expect(t.irq(0).level).to.equal(false);
    expect(t.log, 'a locked register is no guest error').to.deep.equal([]);
  });

  it('logs guest accesses to no register, naming itself, and carries on', () => {
    const t = watchdog();
    expect(t.read32(WDT + 0x20)).to.equal(0);
    t.write32(VALUE, 1);
    expect(t.log).to.deep.equal([
      '/machine/device-under-test: read of unknown register at offset 0x20 (4 bytes)',
      '/machine/device-under-test: write of 0x1 to read-only register WdogValue at offset 0x4 (4 bytes) ignored',
    ]);
  });

  it("writes its node as Linux's arm,sp805 binding has it: wdog_clk a fixed clock of its rate, apb_pclk the machine's", () => {
    const t = watchdog({ 'clock-frequency': '32768' });
    const dtb = t.deviceTree({ spis: [112] });
    expect(dtcWarnings(dtb)).to.equal('');
    const dts = printDts(dtb);
    expect(dts).to.contain(
      '\twatchdog@c000000 {\n' +
        '\t\tclock-names = "wdog_clk\\0apb_pclk";\n' +
        '\t\tclocks = <0x8002 0x8000>;\n' +
        '\t\tinterrupts = <0x00 0x70 0x04>;\n' +
        '\t\treg = <0x00 0xc000000 0x00 0x1000>;\n' +
        '\t\tcompatible = "arm,sp805\\0arm,primecell";\n' +
        '\t};\n',
    );
    expect(dts).to.contain('\tclk32768hz {\n\t\tphandle = <0x8002>;\n\t\tclock-output-names = "clk32768hz";\n\t\tclock-frequency = <0x8000>;\n');
  });

  it("goes on virt's platform bus from -device, its node and clock in the guest tree", () => {
    const vm = new VirtMachine({ log: () => {} });
    try {
      vm.addDynamicDevice('sp805,id=wdt0');
      const dtb = buildVirtDtb(vm);
      expect(dtcWarnings(dtb)).to.equal('');
      const dts = printDts(dtb);
      const node =
        /\t\twatchdog@0 \{\n\t\t\tclock-names = "wdog_clk\\0apb_pclk";\n\t\t\tclocks = <(0x[0-9a-f]+) 0x8000>;\n\t\t\tinterrupts = <0x00 0x70 0x04>;\n/.exec(
          dts,
        );
      expect(node, dts).to.not.equal(null);
      expect(dts).to.contain(`\tclk1mhz {\n\t\tphandle = <${node?.[1]}>;`);
    } finally {
      vm.close();
    }
  });

  it('refuses a WDOGCLK of 0 Hz, and declares its region, IRQ and timer afresh when realized again', () => {
    expect(() => watchdog({ 'clock-frequency': '0' })).to.throw('/machine/device-under-test: clock-frequency must be above 0 Hz');
    const t = watchdog();
    t.write32(LOAD, 9);
    t.write32(CONTROL, INTEN);
    t.device.unrealize();
    t.step(100 * US);
    t.device.realize();
    expect([t.device.mmioRegions.length, t.device.irqOutputs.length, t.clock.timers.nextDeadline()]).to.deep.equal([1, 1, Infinity]);
  });
});
