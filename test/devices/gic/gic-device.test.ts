import { expect } from 'chai';
import { GicDevice } from '../../../devices/gic/gic-device.js';
import { printDts } from '../../../src/fdt/dts-printer.js';
import { DeviceHarness } from '../../../src/testing/device-harness.js';
import { dtcWarnings } from '../../support/dtc.js';

const GICD = 0x0800_0000;
const GICC = 0x0801_0000;

describe('arm-gic device', () => {
  function gic() {
    return DeviceHarness.create(GicDevice, { mmioAt: [GICD, GICC] });
  }

  it('delivers an enabled SPI to its CPU output and takes it back on EOI, running the line notifier', () => {
    const t = gic();
    const eois: number[] = [];
    t.device.onDeactivate(33, () => eois.push(33));
    t.write32(GICD + 0x000, 1); // GICD_CTLR
    t.write32(GICC + 0x000, 1); // GICC_CTLR
    t.write32(GICC + 0x004, 0xf0); // GICC_PMR
    t.write32(GICD + 0x104, 1 << 1); // GICD_ISENABLER1: INTID 33
    t.write8(GICD + 0x800 + 33, 1); // GICD_ITARGETSR: CPU 0
    t.device.input(33)(true);
    expect(t.irq(0).level).to.equal(true);
    expect(t.read32(GICC + 0x00c)).to.equal(33); // GICC_IAR
    expect(t.irq(0).level).to.equal(false);
    t.device.input(33)(false);
    t.write32(GICC + 0x010, 33); // GICC_EOIR
    expect(eois).to.deep.equal([33]);
  });

  it('reports guest errors through the machine log with its label', () => {
    const t = gic();
    t.read32(GICD + 0xf00); // GICD_SGIR is write-only
    expect(t.log).to.have.length(1);
    expect(t.log[0]).to.match(/^\/machine\/device-under-test: .*GICD_SGIR/);
  });

  it("writes QEMU virt's /intc node, which dtc accepts", () => {
    const t = gic();
    const dtb = t.deviceTree({ interruptController: 'self' });
    expect(dtcWarnings(dtb)).to.equal('');
    expect(printDts(dtb)).to.contain(
      '\tintc@8000000 {\n' +
        '\t\tphandle = <0x8001>;\n' +
        '\t\treg = <0x00 0x8000000 0x00 0x10000 0x00 0x8010000 0x00 0x10000>;\n' +
        '\t\tcompatible = "arm,cortex-a15-gic";\n' +
        '\t\tranges;\n' +
        '\t\t#size-cells = <0x02>;\n' +
        '\t\t#address-cells = <0x02>;\n' +
        '\t\tinterrupt-controller;\n' +
        '\t\t#interrupt-cells = <0x03>;\n' +
        '\t};\n',
    );
  });
});
