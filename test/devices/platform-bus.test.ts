import { expect } from 'chai';
import { VIRT, VirtMachine } from '../../machines/virt/virt-machine.js';
import { buildVirtDtb } from '../../machines/virt/virt-fdt.js';
import { findNode, getCells, parseDtb } from '../../src/fdt/fdt-reader.js';
import { SysBusDevice } from '../../src/qom/sys-bus-device.js';
import { PlatformBus } from '../../devices/platform-bus.js';
import { MemoryRegion } from '../../src/memory/region.js';
import { cast, defaultRegistry, prop, registerType } from '../../src/qom/index.js';
import { dtcWarnings } from '../support/dtc.js';

const MiB = 1024 * 1024;

describe('platform bus on virt', () => {
  let vm: VirtMachine;
  const logs: string[] = [];
  beforeEach(() => (vm = new VirtMachine({ clock: 'deterministic', log: (m) => logs.push(m) })));
  afterEach(() => vm.close());

  const add = (text: string) => cast(vm.addDynamicDevice(text), SysBusDevice);

  it('places each -device first-fit in the window and gives its IRQs the first free lines from SPI 112', () => {
    const a = add('pl031,id=rtc1');
    const b = add('pl011,id=uart1');
    expect([a.mmioAddress(0), b.mmioAddress(0)]).to.deep.equal([0x0c00_0000, 0x0c00_1000]);
    expect([vm.platformBus.irqLine(a, 0), vm.platformBus.irqLine(b, 0)]).to.deep.equal([0, 1]);
    // Bus line n is GIC SPI 112 + n: raising the UART's output pends INTID 32 + 113 (GICD_ISPENDR4 bit 17).
    const ispendr4 = () => new DataView(vm.memory.read(0x0800_0200 + 4 * 4, 4).buffer).getUint32(0, true);
    expect(ispendr4() & (1 << 17)).to.equal(0);
    b.irq(0).raise();
    expect(ispendr4() & (1 << 17)).to.equal(1 << 17);
  });

  it("wires a device IRQ output straight to its GIC input, so the machine finds that input's EOI notifier", () => {
    // As QEMU's platform_bus_map_irq hands the device the GIC's qemu_irq: vfio-platform's resample path
    // registers its end-of-interrupt notifier on the input its line ends at.
    const rtc = add('pl031');
    const stop = vm.gic.onSinkDeactivate(rtc.irq(0).destination!, () => {});
    expect(stop, 'EOI notifier of the bus line').to.be.a('function');
    stop!();
  });

  it("says 'Can not fit IRQ line' when the 64 lines are taken, leaving the machine as it was", () => {
    for (let i = 0; i < 64; i++) add('pl031');
    expect(() => add('pl031,id=last')).to.throw('-device pl031,id=last: Platform Bus: Can not fit IRQ line');
    expect(vm.machine.children.get('peripheral')?.children.has('last') ?? false).to.equal(false);
    expect(vm.platformBus.devices).to.have.length(64);
  });

  it("says 'Can not fit MMIO region' when the window is full (the size is a machine option)", () => {
    const small = new VirtMachine({ clock: 'deterministic', platformBusSize: 0x2000, log: () => {} });
    try {
      small.addDynamicDevice('pl031');
      small.addDynamicDevice('pl031');
      expect(() => small.addDynamicDevice('pl031')).to.throw('-device pl031: Platform Bus: Can not fit MMIO region of size 1000');
    } finally {
      small.close();
    }
    const big = new VirtMachine({ clock: 'deterministic', platformBusSize: 256 * MiB, log: () => {} });
    try {
      expect(big.platformBus.window.size).to.equal(256 * MiB);
    } finally {
      big.close();
    }
  });

  it("refuses a device type the machine does not take with QEMU's message, listing those whose plug rule names it", () => {
    const takes = defaultRegistry.platformBusTypes(VIRT);
    expect(takes).to.include.members(['pl011', 'pl031', 'vfio-platform', 'vfio-amd-xgbe']).and.not.include('arm-gic');
    expect(() => vm.addDynamicDevice('arm-gic')).to.throw(`Option '-device arm-gic' cannot be handled by this machine (it takes: ${takes.join(', ')})`);
    expect(() => vm.addDynamicDevice('no-such-thing')).to.throw("-device no-such-thing: unknown type 'no-such-thing'");
  });

  it('writes the bus node and each device on it with bus-relative reg and its platform-bus SPI', () => {
    add('pl031');
    const uart = add('pl011');
    const dtb = buildVirtDtb(vm);
    expect(dtcWarnings(dtb)).to.equal('');
    const root = parseDtb(dtb);
    expect(getCells(findNode(root, '/platform@c000000')!, 'ranges')).to.deep.equal([0, 0, 0x0c00_0000, 0x0200_0000]);
    const node = findNode(root, '/platform@c000000/pl011@1000')!;
    expect(getCells(node, 'reg')).to.deep.equal([0x1000, 0x1000]);
    expect(getCells(node, 'interrupts')).to.deep.equal([0, 113, 4]);
    expect(uart.mmioAddress(0)).to.equal(0x0c00_1000);
  });
});

describe('platform bus placement', () => {
  class Blob extends SysBusDevice {
    protected override onRealize(): void {
      for (const size of (this.getString('sizes') ?? '').split('+')) this.initMmio(MemoryRegion.container('blob', Number(size)));
      this.initIrq();
    }
  }
  before(() =>
    registerType({
      name: 'test-blob',
      parent: 'sys-bus-device',
      cls: Blob,
      properties: [prop.string('sizes', { default: '0x1000', description: 'Region sizes joined by +' })],
    }),
  );

  function bus(size: number): PlatformBus {
    const b = defaultRegistry.create(PlatformBus);
    b.setPropertyText('mmio-size', String(size));
    b.realize();
    return b;
  }
  function blob(sizes: string): SysBusDevice {
    const d = defaultRegistry.create(Blob);
    d.setPropertyText('sizes', sizes);
    d.realize();
    return d;
  }

  it('aligns each region to its size rounded up to a power of two and takes the first free slot', () => {
    const b = bus(0x10000);
    const first = blob('0x1000');
    b.link(first);
    const second = blob('0x1800+0x1000');
    b.link(second);
    // 0x1800 rounds up to 0x2000: 0x1000 is free but misaligned, so 0x2000; the 4 KiB region fills the gap at 0x1000.
    expect([b.mmioOffset(second, 0), b.mmioOffset(second, 1)]).to.deep.equal([0x2000, 0x1000]);
    expect(b.mmioOffset(first, 0)).to.equal(0);
  });

  it('fails as a whole: a device whose second region does not fit leaves no region placed', () => {
    const b = bus(0x4000);
    const d = blob('0x2000+0x4000');
    expect(() => b.link(d)).to.throw('Platform Bus: Can not fit MMIO region of size 4000');
    expect(b.window.subregions).to.have.length(0);
    expect(d.isIrqConnected(0)).to.equal(false);
  });
});
