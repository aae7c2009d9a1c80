// A host's Arm PrimeCell UART PL011 (ARM DDI 0183G) behind vfio-platform: what a guest's amba-pl011 driver
// owns when the UART is passed through. The far end of its serial line is the host side of the fake:
// bytes the guest transmits are collected (and logged line by line), bytes `receive()` puts on the line fill
// the receive FIFO and raise the RX interrupt. Like QEMU's PL011 (and devices/pl011.ts) the transmitter
// never holds a byte, and one received character reaches the RX trigger level.
//
// UARTDR is a FIFO: every access must reach the model, so the region must be trapped (not mmap-able: a
// description puts the UART at an address that is not page aligned, machines/hosts/pl011.json).
import { RegisterBank, type RegisterSpecs } from '../../../regs/index.js';
import { DeviceModel, expectShape, type ModelHost, type ModelRegionSpec } from './device-model.js';
import { primeCellIdRegisters } from '../../../regs/primecell.js';

export const PL011_REGION_SIZE = 0x1000;
// UARTFR
const FR_RXFE = 1 << 4;
const FR_RXFF = 1 << 6;
const FR_TXFE = 1 << 7;
// UARTLCR_H
const LCR_H_FEN = 1 << 4;
// UARTRIS/MIS/IMSC/ICR
export const PL011_INT_RX = 1 << 4;
export const PL011_INT_TX = 1 << 5;
const INT_ALL = 0x7ff;
const FIFO_DEPTH = 16;
const IRQ = 0;

export class Pl011HostModel extends DeviceModel {
  /** Every byte the guest transmitted, oldest first. */
  readonly transmitted: number[] = [];
  /** Bytes on the line that the receive FIFO has no room for yet. */
  private readonly line: number[] = [];
  private readonly rxFifo: number[] = [];
  private lineStart = 0;
  private asserted = false;
  private readonly regs;

  constructor(host: ModelHost, regions: readonly ModelRegionSpec[], irqs: readonly string[], where: string) {
    expectShape(where, 'pl011', regions, irqs, {
      regions: [
        (r) =>
          r.size === PL011_REGION_SIZE && !r.mmap
            ? undefined
            : `the UART is 0x${PL011_REGION_SIZE.toString(16)} bytes, not page aligned: its FIFO must be trapped`,
      ],
      irqs: ['level'],
    });
    super(host, regions);
    const specs = {
      UARTDR: { offset: 0x000, size: 4, onRead: (): number => this.readData(), onWrite: (v: number) => this.transmit(v & 0xff) },
      UARTRSR: { offset: 0x004, size: 4, writeMask: 0 },
      UARTFR: { offset: 0x018, size: 4, access: 'RO', onRead: (): number => this.flags() },
      UARTILPR: { offset: 0x020, size: 4, writeMask: 0xff },
      UARTIBRD: { offset: 0x024, size: 4, writeMask: 0xffff },
      UARTFBRD: { offset: 0x028, size: 4, writeMask: 0x3f },
      UARTLCR_H: { offset: 0x02c, size: 4, writeMask: 0xff, onWrite: () => this.fill() },
      UARTCR: { offset: 0x030, size: 4, writeMask: 0xff87, reset: 0x300 },
      UARTIFLS: { offset: 0x034, size: 4, writeMask: 0x3f, reset: 0x12 },
      UARTIMSC: { offset: 0x038, size: 4, writeMask: INT_ALL, onWrite: () => this.update() },
      UARTRIS: { offset: 0x03c, size: 4, access: 'RO' },
      UARTMIS: { offset: 0x040, size: 4, access: 'RO', onRead: (): number => this.regs.get('UARTRIS') & this.regs.get('UARTIMSC') },
      UARTICR: { offset: 0x044, size: 4, access: 'WO', onWrite: (v: number) => this.setRaw(v & INT_ALL, false) },
      UARTDMACR: { offset: 0x048, size: 4, writeMask: 0x7 },
      ...primeCellIdRegisters(0x0014_1011), // part 0x011, designer Arm, revision 1 (a 16-byte FIFO to Linux)
    } satisfies RegisterSpecs;
    this.regs = new RegisterBank({ label: () => `${host.label} pl011`, guestError: (message) => host.log(message()) }, specs);
  }

  override read(_region: number, offset: number, size: 1 | 2 | 4): number {
    return this.regs.read(offset, size);
  }

  override write(_region: number, offset: number, size: 1 | 2 | 4, value: number): void {
    this.regs.write(offset, size, value);
  }

  /** Bytes arrive on the serial line from the host side. */
  receive(bytes: Iterable<number>): void {
    for (const byte of bytes) this.line.push(byte & 0xff);
    this.fill();
  }

  /** What the guest transmitted, as text. */
  get transmittedText(): string {
    return Buffer.from(this.transmitted).toString('latin1');
  }

  /** Every register is trapped: nothing to catch up with. */
  sync(): void {}

  reset(): void {
    this.regs.reset();
    this.rxFifo.length = 0;
    this.update();
  }

  private transmit(byte: number): void {
    this.transmitted.push(byte);
    if (byte === 0x0a) {
      this.host.log(`${this.host.label}: the guest sent ${JSON.stringify(Buffer.from(this.transmitted.slice(this.lineStart)).toString('latin1'))}`);
      this.lineStart = this.transmitted.length;
    }
    this.setRaw(PL011_INT_TX, true);
  }

  private readData(): number {
    const byte = this.rxFifo.shift() ?? 0;
    if (this.rxFifo.length === 0) this.setRaw(PL011_INT_RX, false);
    this.fill();
    return byte;
  }

  private flags(): number {
    const depth = this.regs.get('UARTLCR_H') & LCR_H_FEN ? FIFO_DEPTH : 1;
    return FR_TXFE | (this.rxFifo.length === 0 ? FR_RXFE : 0) | (this.rxFifo.length >= depth ? FR_RXFF : 0);
  }

  /** Moves bytes from the line into the receive FIFO as far as it has room. */
  private fill(): void {
    const depth = this.regs.get('UARTLCR_H') & LCR_H_FEN ? FIFO_DEPTH : 1;
    while (this.rxFifo.length < depth) {
      const byte = this.line.shift();
      if (byte === undefined) break;
      this.rxFifo.push(byte);
    }
    if (this.rxFifo.length > 0) this.setRaw(PL011_INT_RX, true);
  }

  private setRaw(bits: number, on: boolean): void {
    const raw = this.regs.get('UARTRIS');
    this.regs.set('UARTRIS', on ? raw | bits : raw & ~bits);
    this.update();
  }

  private update(): void {
    const asserted = (this.regs.get('UARTRIS') & this.regs.get('UARTIMSC')) !== 0;
    if (asserted === this.asserted) return;
    this.asserted = asserted;
    this.host.setIrqLevel(IRQ, asserted);
  }
}
