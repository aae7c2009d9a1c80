import { expect } from 'chai';
import { Pl011 } from '../../devices/pl011.js';
import { MemoryChardev, NullChardev } from '../../src/chardev/index.js';
import { printDts } from '../../src/fdt/dts-printer.js';
import { DeviceError } from '../../src/qom/index.js';
import { DeviceHarness } from '../../src/testing/device-harness.js';
import { MemoryTraceSink, traceRegistry } from '../../src/trace/index.js';
import { dtcWarnings } from '../support/dtc.js';

const UART = 0x0900_0000;
const UARTDR = UART + 0x000;
const UARTRSR = UART + 0x004;
const UARTFR = UART + 0x018;
const UARTIBRD = UART + 0x024;
const UARTFBRD = UART + 0x028;
const UARTLCR_H = UART + 0x02c;
const UARTCR = UART + 0x030;
const UARTIFLS = UART + 0x034;
const UARTIMSC = UART + 0x038;
const UARTRIS = UART + 0x03c;
const UARTMIS = UART + 0x040;
const UARTICR = UART + 0x044;

const RXFE = 0x10;
const RXFF = 0x40;
const TXFE = 0x80;
const FEN = 0x10;
const ENABLED = 0x301; // UARTEN | TXE | RXE
const RX = 0x10;
const TX = 0x20;

/** A PL011 on a memory backend, enabled as a driver leaves it (FIFOs on unless `fifo` is false). */
function uart({ fifo = true } = {}) {
  const t = DeviceHarness.create(Pl011, { properties: { chardev: 'memory' }, mmioAt: [UART] });
  t.write32(UARTCR, ENABLED);
  if (fifo) t.write32(UARTLCR_H, FEN | 0x60); // 8 bits, FIFOs on
  return { t, serial: t.device.chardev as MemoryChardev };
}

function readAll(t: DeviceHarness, count: number): string {
  return String.fromCharCode(...Array.from({ length: count }, () => t.read32(UARTDR)));
}

describe('PL011 UART', () => {
  it('sends bytes written to UARTDR to its backend, whatever the access size', () => {
    const { t, serial } = uart();
    for (const c of 'Hi') t.write32(UARTDR, c.charCodeAt(0));
    t.write8(UARTDR, 0x0a);
    expect(serial.output).to.equal('Hi\n');
    expect(serial.lines).to.deep.equal(['Hi']);
    expect(t.log).to.deep.equal([]);
  });

  it('resets as QEMU does: both FIFOs empty, TXE and RXE set, trigger levels at half, no interrupt raised', () => {
    const t = DeviceHarness.create(Pl011, { mmioAt: [UART] });
    expect(t.device.chardev).to.be.instanceOf(NullChardev);
    expect([UARTFR, UARTCR, UARTIFLS, UARTRIS].map((a) => t.read32(a))).to.deep.equal([TXFE | RXFE, 0x300, 0x12, 0]);
  });

  it('reports once per reset that the guest transmits on a disabled UART, and sends anyway', () => {
    const t = DeviceHarness.create(Pl011, { properties: { chardev: 'memory' }, mmioAt: [UART] });
    t.write32(UARTDR, 0x41);
    t.write32(UARTDR, 0x42);
    expect((t.device.chardev as MemoryChardev).output).to.equal('AB');
    expect(t.log).to.deep.equal(['/machine/device-under-test: UARTDR written while UARTCR.UARTEN or TXE is clear: sent anyway, as QEMU does']);
  });

  it('keeps the baud rate divisors and line control the driver programs, within their widths', () => {
    const { t } = uart();
    t.write32(UARTIBRD, 0x1_0013);
    t.write32(UARTFBRD, 0xff);
    expect([t.read32(UARTIBRD), t.read32(UARTFBRD), t.read32(UARTLCR_H)]).to.deep.equal([0x13, 0x3f, 0x70]);
  });

  it('receives injected input: RXFE clears, RXRIS rises, and UARTINTR follows when RXIM is set', () => {
    const { t, serial } = uart();
    serial.inject('x');
    expect(t.read32(UARTFR)).to.equal(TXFE);
    expect(t.read32(UARTRIS)).to.equal(RX);
    expect(t.irq(0).level).to.equal(false);
    t.write32(UARTIMSC, RX);
    expect(t.irq(0).level).to.equal(true);
    expect(t.read32(UARTMIS)).to.equal(RX);
  });

  it('pops UARTDR in arrival order with no error bits, lowering the RX interrupt when the FIFO empties', () => {
    const { t, serial } = uart();
    t.write32(UARTIMSC, RX);
    serial.inject('abc');
    expect(readAll(t, 2)).to.equal('ab');
    expect(t.irq(0).level).to.equal(true);
    expect(t.read32(UARTDR)).to.equal(0x63);
    expect(t.read32(UARTFR)).to.equal(TXFE | RXFE);
    expect(t.read32(UARTRSR)).to.equal(0);
    expect(t.irq(0).history).to.deep.equal([true, false]);
  });

  it('fills a 16-byte FIFO, sets RXFF, and keeps further input waiting in the backend, not lost', () => {
    const { t, serial } = uart();
    serial.inject('0123456789abcdefghij');
    expect(t.read32(UARTFR)).to.equal(TXFE | RXFF);
    expect(t.read32(UARTDR)).to.equal(0x30);
    expect(t.read32(UARTFR)).to.equal(TXFE | RXFF); // 'g' moved in behind the read
    expect(readAll(t, 19)).to.equal('123456789abcdefghij');
    expect(t.read32(UARTFR)).to.equal(TXFE | RXFE);
  });

  it('holds one character without FEN, and flushes the receive FIFO when FEN changes', () => {
    const { t, serial } = uart({ fifo: false });
    serial.inject('ab');
    expect(t.read32(UARTFR)).to.equal(TXFE | RXFF);
    t.write32(UARTLCR_H, FEN);
    expect(readAll(t, 2)).to.equal('b\0'); // 'a' was flushed; an empty FIFO reads as zero
  });

  it('raises TXRIS for each byte sent (TX is instant), until UARTICR clears it', () => {
    const { t } = uart();
    expect(t.read32(UARTRIS)).to.equal(0);
    t.write32(UARTDR, 0x2e);
    expect(t.read32(UARTRIS)).to.equal(TX);
    t.write32(UARTICR, TX);
    expect(t.read32(UARTRIS)).to.equal(0);
    t.write32(UARTDR, 0x2e);
    expect(t.read32(UARTRIS)).to.equal(TX);
  });

  it('drives UARTINTR from UARTRIS masked by UARTIMSC, and UARTICR clears only the bits written', () => {
    const { t, serial } = uart();
    t.write32(UARTDR, 0x2e);
    serial.inject('y');
    expect(t.read32(UARTRIS)).to.equal(RX | TX);
    t.write32(UARTIMSC, TX);
    expect([t.irq(0).level, t.read32(UARTMIS)]).to.deep.equal([true, TX]);
    t.write32(UARTIMSC, 0);
    expect(t.irq(0).level).to.equal(false);
    t.write32(UARTIMSC, RX | TX);
    t.write32(UARTICR, TX);
    expect([t.irq(0).level, t.read32(UARTMIS)]).to.deep.equal([true, RX]);
    t.write32(UARTICR, 0x7ff);
    expect([t.irq(0).level, t.read32(UARTRIS)]).to.deep.equal([false, 0]);
    expect(t.read32(UARTFR)).to.equal(TXFE); // the byte is still there to read
  });

  it('answers with the PrimeCell identification registers of QEMU’s Arm variant', () => {
    const { t } = uart();
    const ids = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => t.read32(UART + o));
    expect(ids).to.deep.equal([0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
  });

  it('logs accesses to unknown offsets and writes to read-only registers, and carries on', () => {
    const { t } = uart();
    expect(t.read32(UART + 0x08)).to.equal(0);
    t.write32(UARTFR, 0);
    t.write32(UART + 0x4c, 1);
    expect(t.log).to.have.length(3);
    expect(t.log[0]).to.equal('/machine/device-under-test: read of unknown register at offset 0x8 (4 bytes)');
    expect(t.log[1]).to.match(/^\/machine\/device-under-test: .*UARTFR/);
    expect(t.log[2]).to.equal('/machine/device-under-test: write of 0x1 to unknown register at offset 0x4c (4 bytes)');
  });

  it('fails to realize on a bad chardev spec, naming the property and the accepted specs', () => {
    expect(() => DeviceHarness.create('pl011', { properties: { chardev: 'tcp:4444' } }))
      .to.throw(DeviceError)
      .with.property(
        'message',
        "/machine/device-under-test: property 'chardev': unknown character backend 'tcp:4444' (accepted: stdio, mon:stdio, file:PATH, null, memory)",
      );
  });

  it('closes its backend when unrealized', () => {
    const { t, serial } = uart();
    t.device.unrealize();
    serial.inject('z');
    expect(() => t.device.chardev).to.throw('/machine/device-under-test: no character backend: the device is not realized');
  });

  it('traces received bytes when enabled', () => {
    const sink = new MemoryTraceSink();
    traceRegistry.addSink(sink);
    traceRegistry.enable('pl011_*');
    try {
      uart().serial.inject('ok');
      expect(sink.records.map((r) => r.message)).to.deep.equal([
        '/machine/device-under-test: received 0x6f, 1 in the receive FIFO',
        '/machine/device-under-test: received 0x6b, 2 in the receive FIFO',
      ]);
    } finally {
      traceRegistry.enable('-pl011_*');
      traceRegistry.removeSink(sink);
    }
  });

  it('writes QEMU virt’s device-tree node, which dtc accepts', () => {
    const { t } = uart();
    const dtb = t.deviceTree({ spis: [1] });
    expect(dtcWarnings(dtb)).to.equal('');
    expect(printDts(dtb)).to.contain(
      '\tpl011@9000000 {\n' +
        '\t\tclock-names = "uartclk\\0apb_pclk";\n' +
        '\t\tclocks = <0x8000 0x8000>;\n' +
        '\t\tinterrupts = <0x00 0x01 0x04>;\n' +
        '\t\treg = <0x00 0x9000000 0x00 0x1000>;\n' +
        '\t\tcompatible = "arm,pl011\\0arm,primecell";\n' +
        '\t};\n',
    );
  });
});
