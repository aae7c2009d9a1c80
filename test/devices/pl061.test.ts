import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pl061 } from '../../devices/pl061.js';
import { buildVirtDtb } from '../../machines/virt/virt-fdt.js';
import { VirtMachine } from '../../machines/virt/virt-machine.js';
import { printDts } from '../../src/fdt/dts-printer.js';
import { DeviceHarness } from '../../src/testing/device-harness.js';
import { qemuVirtArgs, runQemu } from '../../src/testing/qemu.js';
import { dtcWarnings } from '../support/dtc.js';

const GPIO = 0x0903_0000;
/** GPIODATA through the address mask: bits 9:2 of the offset pick the pins an access sees. */
const DATA = (mask: number) => GPIO + (mask << 2);
const DIR = GPIO + 0x400;
const IS = GPIO + 0x404;
const IBE = GPIO + 0x408;
const IEV = GPIO + 0x40c;
const IE = GPIO + 0x410;
const RIS = GPIO + 0x414;
const MIS = GPIO + 0x418;
const IC = GPIO + 0x41c;
const MS = 1e6;

function gpio(properties: Record<string, string> = {}) {
  return DeviceHarness.create(Pl061, { properties, mmioAt: [GPIO] });
}

/** Top-level nodes of a dts text by name, the phandle of the node holding `gpio-controller` written `&gpio`. */
function topLevelNodes(dts: string): Map<string, string> {
  const controller = /\tphandle = <(0x[0-9a-f]+)>;\n(?:\t\t.*\n)*?\t\tgpio-controller;/.exec(dts)?.[1];
  const named = controller ? dts.replaceAll(`<${controller}`, '<&gpio') : dts;
  return new Map([...named.matchAll(/^\t([^\t\n]+) \{\n([\s\S]*?)^\t\};$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
}

function qemuVirtDts(): string {
  const dir = mkdtempSync(join(tmpdir(), 'armvirt-qemu-'));
  try {
    const dtb = join(dir, 'virt.dtb');
    const run = runQemu(qemuVirtArgs({ machineOptions: [`dumpdtb=${dtb}`] }));
    if (run.status !== 0) throw new Error(`qemu-system-aarch64 failed: ${run.stderr}`);
    return printDts(new Uint8Array(readFileSync(dtb)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('PL061 GPIO', () => {
  it("answers with the PrimeCell identification Linux's AMBA bus matches (0x00041061)", () => {
    const t = gpio();
    const ids = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => t.read32(GPIO + o));
    expect(ids).to.deep.equal([0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
  });

  it('reads and writes GPIODATA through its address mask: a write changes only the masked output pins', () => {
    const t = gpio();
    t.device.setInput(7, true);
    t.write32(DIR, 0x0f);
    t.write32(DATA(0xff), 0xff);
    expect(t.read32(DATA(0xff))).to.equal(0x8f); // outputs 0-3 as written, input 7 its line, inputs 4-6 low
    expect(t.read32(DATA(0x81))).to.equal(0x81);
    t.write32(DATA(0x01), 0x00);
    t.write32(DATA(0x84), 0x00); // pin 7 is an input: the write leaves it
    expect(t.read32(DATA(0xff))).to.equal(0x8a);
  });

  it('latches input edges of the kind chosen (GPIOIEV, or both with GPIOIBE) in GPIORIS until GPIOIC clears them', () => {
    const t = gpio();
    t.write32(IEV, 0x01); // pin 0 rising, pin 1 falling
    t.write32(IBE, 0x04); // pin 2 both
    t.write32(IE, 0x07);
    for (const pin of [0, 1, 2]) t.device.setInput(pin, true);
    expect([t.read32(RIS), t.irq(0).level]).to.deep.equal([0x05, true]);
    t.write32(IC, 0x05);
    expect(t.irq(0).level).to.equal(false);
    for (const pin of [0, 1, 2]) t.device.setInput(pin, false);
    expect(t.read32(RIS)).to.equal(0x06);
    t.write32(IE, 0x02);
    expect(t.read32(MIS)).to.equal(0x02);
  });

  it('keeps a level interrupt (GPIOIS) raised while the level holds, GPIOIC notwithstanding', () => {
    const t = gpio();
    t.write32(IEV, 0x10);
    t.write32(IS, 0x10);
    t.write32(IE, 0x10);
    expect(t.irq(0).level).to.equal(false);
    t.device.setInput(4, true);
    t.write32(IC, 0x10);
    expect([t.read32(RIS), t.irq(0).level]).to.deep.equal([0x10, true]);
    t.device.setInput(4, false);
    t.write32(IC, 0x10);
    expect([t.read32(RIS), t.irq(0).level]).to.deep.equal([0, false]);
  });

  it("as virt's power button, is pressed by a power-down request: input 3 high for 100 ms, an interrupt at each edge as Linux's gpio-keys asks", () => {
    const t = gpio({ 'power-button': 'on' });
    t.write32(IBE, 1 << 3); // gpio-keys: IRQ_TYPE_EDGE_BOTH
    t.write32(IE, 1 << 3);
    t.requestPowerDown();
    expect([t.read32(DATA(0xff)), t.irq(0).level]).to.deep.equal([0x08, true]);
    t.write32(IC, 1 << 3);
    t.step(100 * MS - 1);
    expect([t.read32(DATA(0x08)), t.irq(0).level]).to.deep.equal([0x08, false]);
    t.step(1);
    expect([t.read32(DATA(0x08)), t.irq(0).level]).to.deep.equal([0, true]);
    expect(t.irq(0).history).to.deep.equal([true, false, true]);

    const plain = gpio();
    plain.requestPowerDown();
    expect(plain.read32(DATA(0xff))).to.equal(0);
  });

  it('logs guest accesses to no register, naming itself', () => {
    const t = gpio();
    t.write32(GPIO + 0x500, 1);
    expect(t.log).to.deep.equal(['/machine/device-under-test: write of 0x1 to unknown register at offset 0x500 (4 bytes)']);
  });

  it("is QEMU virt's GPIO at 0x09030000: its node and /gpio-keys equal qemu-system-aarch64 -M virt's, and a power-down request reaches it", function () {
    this.timeout(30_000);
    const vm = new VirtMachine({ log: () => {} });
    let dtb: Uint8Array;
    try {
      dtb = buildVirtDtb(vm);
      const device = vm.placedDevice('gpio', Pl061);
      expect([device.label(), device.mmioAddress(0), vm.spiOf.get(device)]).to.deep.equal(['/machine/pl061', GPIO, 7]);
      vm.memory.write(IEV, Uint8Array.of(1 << 3, 0, 0, 0)); // a rising edge
      vm.memory.write(IE, Uint8Array.of(1 << 3, 0, 0, 0));
      vm.requestPowerDown();
      expect(device.irq(0).level).to.equal(true);
    } finally {
      vm.close();
    }
    expect(dtcWarnings(dtb)).to.equal('');
    const ours = topLevelNodes(printDts(dtb));
    const qemu = topLevelNodes(qemuVirtDts());
    for (const node of ['gpio-keys', 'pl061@9030000']) expect(ours.get(node), node).to.equal(qemu.get(node));
    expect(ours.get('gpio-keys')).to.contain('gpios = <&gpio 0x03 0x00>;');
  });

  it('goes on the platform bus from -device too, without a power button', () => {
    const vm = new VirtMachine({ log: () => {} });
    try {
      vm.addDynamicDevice('pl061');
      const dtb = buildVirtDtb(vm);
      expect(dtcWarnings(dtb)).to.equal('');
      expect(printDts(dtb))
        .to.match(/\t\tpl061@0 \{\n\t\t\tphandle = <0x8004>;\n/)
        .and.to.match(/gpio-keys/g);
      expect(printDts(dtb).match(/gpio-keys \{/g)).to.have.length(1);
    } finally {
      vm.close();
    }
  });
});
