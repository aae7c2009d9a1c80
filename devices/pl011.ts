// Arm PrimeCell UART PL011 (ARM DDI 0183G), as on QEMU's virt at 0x09000000 (SPI 1), with QEMU's behaviour
// (hw/char/pl011.c): a byte written to UARTDR reaches the character backend at once, so the transmitter is
// never busy and its FIFO always empty; received bytes wait in the receive FIFO; one output, UARTINTR.
// Not modelled, as in QEMU: line errors, break, loopback (UARTCR.LBE is stored only), DMA, IrDA.
import { CHARDEV_SPECS, createChardev, type Chardev } from '../src/chardev/index.js';
import { MemoryRegion } from '../src/memory/region.js';
import { DeviceError, prop, registerType } from '../src/qom/index.js';
import { regCells, type DeviceTreeContext } from '../src/qom/device-tree.js';
import { SysBusDevice } from '../src/qom/sys-bus-device.js';
import { RegisterBank } from '../src/regs/index.js';
import { primeCellIdRegisters } from '../src/regs/primecell.js';
import { defineTraceEvent } from '../src/trace/index.js';
import type { IrqLine } from '../src/core/irq.js';
import type { FdtWriter } from '../src/fdt/fdt-writer.js';

const traceReceive = defineTraceEvent('pl011_receive', '%s: received %#x, %u in the receive FIFO');

// UARTFR
const FR_RXFE = 1 << 4;
const FR_RXFF = 1 << 6;
const FR_TXFE = 1 << 7;
// UARTLCR_H
const LCR_H_FEN = 1 << 4;
// UARTCR
const CR_UARTEN = 1 << 0;
const CR_TXE = 1 << 8;
const CR_RXE = 1 << 9;
// UARTIMSC, UARTRIS, UARTMIS, UARTICR: RIM CTSM DCDM DSRM RX TX RT FE PE BE OE
const INT_RX = 1 << 4;
const INT_TX = 1 << 5;
const INT_ALL = 0x7ff;

/** The receive FIFO with UARTLCR_H.FEN set: 16, as QEMU has it and as Linux sizes it from PeriphID2's revision 1. */
const FIFO_DEPTH = 16;

export class Pl011 extends SysBusDevice {
  private interrupt!: IrqLine;
  private backend: Chardev | undefined;
  /** Received bytes, oldest first. */
  private readonly rxFifo: number[] = [];
  /** Transmitting on a disabled UART is reported once per reset, not once per byte. */
  private disabledTxReported = false;

  readonly regs = new RegisterBank(this, {
    UARTDR: { offset: 0x000, onRead: (): number => this.readData(), onWrite: (value: number): void => this.transmit(value) },
    // UARTECR on write: clears the error bits, which this model never sets.
    UARTRSR: { offset: 0x004, writeMask: 0 },
    UARTFR: { offset: 0x018, access: 'RO' },
    UARTILPR: { offset: 0x020, writeMask: 0xff },
    UARTIBRD: { offset: 0x024, writeMask: 0xffff },
    UARTFBRD: { offset: 0x028, writeMask: 0x3f },
    UARTLCR_H: { offset: 0x02c, writeMask: 0xff, onWrite: (value: number, old: number): void => this.lineControlWritten(value, old) },
    UARTCR: { offset: 0x030, writeMask: 0xff87, reset: CR_RXE | CR_TXE },
    UARTIFLS: { offset: 0x034, writeMask: 0x3f, reset: 0x12 },
    UARTIMSC: { offset: 0x038, writeMask: INT_ALL, onWrite: (): void => this.update() },
    UARTRIS: { offset: 0x03c, access: 'RO' },
    UARTMIS: { offset: 0x040, access: 'RO', onRead: (): number => this.regs.get('UARTRIS') & this.regs.get('UARTIMSC') },
    UARTICR: { offset: 0x044, access: 'WO', onWrite: (value: number): void => this.setRaw(value & INT_ALL, false) },
    UARTDMACR: { offset: 0x048, writeMask: 0x7, onWrite: (value: number): void => this.dmaControlWritten(value) },
    ...primeCellIdRegisters(0x0014_1011), // QEMU's "pl011" (Arm) variant: part 0x011, revision 1
  });

  /** The character backend the `chardev` property named (while realized). */
  get chardev(): Chardev {
    if (!this.backend) throw new DeviceError(`${this.label()}: no character backend: the device is not realized`);
    return this.backend;
  }

  protected override onRealize(): void {
    try {
      const spec = this.getString('chardev');
      if (spec === undefined) throw new DeviceError('not set');
      this.backend = createChardev(spec);
    } catch (error) {
      throw DeviceError.from(error).prepend(`${this.label()}: property 'chardev': `);
    }
    this.initMmio(MemoryRegion.io('pl011', 0x1000, this.regs));
    this.interrupt = this.initIrq();
    this.onReset();
    this.backend.connect({ canReceive: () => this.fifoDepth() - this.rxFifo.length, receive: (bytes) => this.receive(bytes) });
  }

  protected override onUnrealize(): void {
    this.backend?.close();
    this.backend = undefined;
  }

  protected override onReset(): void {
    this.regs.reset();
    this.disabledTxReported = false;
    this.emptyRxFifo();
  }

  override writeDeviceTree(fdt: FdtWriter, dt: DeviceTreeContext): void {
    const address = dt.mmioAddress(0);
    const clock = dt.clockPhandle('apb-pclk');
    fdt.beginNode(`pl011@${address.toString(16)}`);
    fdt.propertyStringList('clock-names', ['uartclk', 'apb_pclk']);
    fdt.propertyCells('clocks', [clock, clock]);
    fdt.propertyCells('interrupts', dt.interruptCells(0, 'level'));
    fdt.propertyCells('reg', regCells(address, 0x1000, dt));
    fdt.propertyStringList('compatible', ['arm,pl011', 'arm,primecell']);
    fdt.endNode();
  }

  /** Without FEN the FIFO is a one-character holding register. */
  private fifoDepth(): number {
    return this.regs.get('UARTLCR_H') & LCR_H_FEN ? FIFO_DEPTH : 1;
  }

  private transmit(value: number): void {
    const enabled = CR_UARTEN | CR_TXE;
    if ((this.regs.get('UARTCR') & enabled) !== enabled && !this.disabledTxReported) {
      this.disabledTxReported = true;
      this.guestError(() => `${this.label()}: UARTDR written while UARTCR.UARTEN or TXE is clear: sent anyway, as QEMU does`);
    }
    this.chardev.write(Uint8Array.of(value & 0xff));
    // Sent at once, so the transmit FIFO has just drained below its trigger level: TXRIS, until UARTICR.
    this.setRaw(INT_TX, true);
  }

  private readData(): number {
    const data = this.rxFifo.shift() ?? 0;
    if (this.rxFifo.length === 0) this.setRaw(INT_RX, false);
    else this.update();
    this.backend?.acceptInput();
    return data;
  }

  private receive(bytes: Uint8Array): void {
    for (const byte of bytes) {
      this.rxFifo.push(byte);
      traceReceive(this.label(), byte, this.rxFifo.length);
    }
    // QEMU's trigger level of one character, whatever UARTIFLS says: Linux reads the FIFO only when
    // interrupted, and there is no receive timeout (RTRIS) to catch a level never reached.
    if (this.rxFifo.length === bytes.length) this.setRaw(INT_RX, true);
    else this.update();
  }

  private lineControlWritten(value: number, old: number): void {
    if ((value ^ old) & LCR_H_FEN) this.emptyRxFifo();
  }

  private dmaControlWritten(value: number): void {
    if (value !== 0) this.guestError(() => `${this.label()}: UARTDMACR = 0x${value.toString(16)}: DMA is not modelled, the guest must use the FIFOs`);
  }

  /** A FIFO enable change (and reset) flushes the receive FIFO; the backend may then send more. */
  private emptyRxFifo(): void {
    this.rxFifo.length = 0;
    this.update();
    this.backend?.acceptInput();
  }

  private setRaw(bits: number, raised: boolean): void {
    const ris = this.regs.get('UARTRIS');
    this.regs.set('UARTRIS', raised ? ris | bits : ris & ~bits);
    this.update();
  }

  /** UARTFR from the FIFO and UARTINTR from UARTRIS & UARTIMSC. */
  private update(): void {
    const count = this.rxFifo.length;
    this.regs.set('UARTFR', FR_TXFE | (count === 0 ? FR_RXFE : 0) | (count === this.fifoDepth() ? FR_RXFF : 0));
    this.interrupt.set((this.regs.get('UARTRIS') & this.regs.get('UARTIMSC')) !== 0);
  }
}

registerType({
  name: 'pl011',
  parent: 'sys-bus-device',
  cls: Pl011,
  userCreatable: true,
  description: 'Arm PL011 UART',
  plug: { platformBus: ['virt'], fixed: { virt: { place: 'uart' } } },
  properties: [prop.string('chardev', { default: 'null', description: `Character backend: ${CHARDEV_SPECS.join(', ')}` })],
});
