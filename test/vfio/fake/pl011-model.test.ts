import { expect } from 'chai';
import { FakeVfioHost, parseHostDescription, Pl011HostModel } from '../../../src/vfio/fake/index.js';
import type { FakeDevice } from '../../../src/vfio/fake/device.js';
import { VFIO_REGION_INFO_FLAG_MMAP } from '../../../src/vfio/uapi.js';
import { descriptionJson, openDevice, readU32, u32 } from './fake-host-fixture.js';

const NAME = '1c0a0800.serial';
// ARM DDI 0183G register offsets and bits, as a guest driver uses them.
const DR = 0x000;
const FR = 0x018;
const LCR_H = 0x02c;
const IMSC = 0x038;
const RIS = 0x03c;
const MIS = 0x040;
const ICR = 0x044;
const FR_RXFE = 0x10;
const FR_RXFF = 0x40;
const FR_TXFE = 0x80;
const INT_RX = 0x10;
const INT_TX = 0x20;
const LCR_H_FEN = 0x10;

describe('fake VFIO host: the PL011 model (machines/hosts/pl011.json)', () => {
  let host: FakeVfioHost;
  let device: FakeDevice;
  let model: Pl011HostModel;
  let log: string[];
  beforeEach(() => {
    ({ host, device, log } = openDevice('pl011.json', NAME));
    model = host.model(NAME, Pl011HostModel);
  });
  afterEach(() => host.close());

  const write = (offset: number, value: number) => device.write(offset, u32(value));
  const level = () => host.device(NAME).irqs[0]!.level;

  it('is trapped (its address is not page aligned) and reads as an Arm PL011 r1 PrimeCell', () => {
    expect(device.regionInfo(0).flags & VFIO_REGION_INFO_FLAG_MMAP).to.equal(0);
    const ids = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => readU32(device, o));
    expect(ids).to.deep.equal([0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
  });

  it('collects every byte the guest writes to UARTDR, logs whole lines, and raises TX until UARTICR', () => {
    write(IMSC, INT_TX);
    for (const c of 'hi\nyo') write(DR, c.charCodeAt(0));
    expect(model.transmittedText).to.equal('hi\nyo');
    expect(log).to.deep.equal([`${NAME}: the guest sent "hi\\n"`]);
    expect(readU32(device, FR) & FR_TXFE).to.equal(FR_TXFE);
    expect(readU32(device, MIS)).to.equal(INT_TX);
    expect(level()).to.equal(true);
    write(ICR, INT_TX);
    expect(level()).to.equal(false);
  });

  it('puts bytes from the line into the receive FIFO (16 deep with FEN), with the RX interrupt while it holds any', () => {
    write(LCR_H, LCR_H_FEN);
    write(IMSC, INT_RX);
    expect(readU32(device, FR) & FR_RXFE).to.equal(FR_RXFE);
    model.receive(Buffer.from('0123456789abcdefXY'));
    expect(level()).to.equal(true);
    expect(readU32(device, FR) & FR_RXFF).to.equal(FR_RXFF);
    let text = '';
    while (!(readU32(device, FR) & FR_RXFE)) text += String.fromCharCode(readU32(device, DR));
    expect(text).to.equal('0123456789abcdefXY');
    expect(readU32(device, RIS) & INT_RX).to.equal(0);
    expect(level()).to.equal(false);
  });

  it('without FEN holds one character at a time', () => {
    model.receive(Buffer.from('ab'));
    expect(readU32(device, FR) & FR_RXFF).to.equal(FR_RXFF);
    expect(readU32(device, DR)).to.equal(0x61);
    expect(readU32(device, DR)).to.equal(0x62);
    expect(readU32(device, FR) & FR_RXFE).to.equal(FR_RXFE);
  });

  it('refuses a description that would let the guest map the UART: its FIFO must be trapped', () => {
    const json = descriptionJson('pl011.json');
    json.devices[0].regions[0].address = '0x1c0a0000';
    (json.devices[0].node.properties.reg as { cells: unknown[] }).cells[1] = '0x1c0a0000';
    expect(() => new FakeVfioHost(parseHostDescription(json, 'aligned.json'))).to.throw(
      "aligned.json: $.devices[0].regions[0]: model 'pl011': the UART is 0x1000 bytes, not page aligned: its FIFO must be trapped",
    );
  });
});
