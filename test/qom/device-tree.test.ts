// What a device writing its node gets from the machine: fixed clocks made on first use and written at the
// root after its node, its own phandle kept, and phandles counted from QEMU's first.
import { expect } from 'chai';
import { printDts } from '../../src/fdt/dts-printer.js';
import { clockName, Phandles, type DevicePlacement } from '../../src/qom/device-tree.js';
import { minimalTree } from '../../src/testing/minimal-tree.js';
import { dtcWarnings } from '../support/dtc.js';

const placement: DevicePlacement = { mmioAddress: () => 0x0a00_0000, interruptCells: () => [0, 5, 4], addressCells: 2, sizeCells: 2 };

describe('device-tree context', () => {
  it("makes a fixed clock once per rate, after the node that asked, and gives the machine's own for its rate", () => {
    const owner = {};
    const dtb = minimalTree((fdt, builder) => {
      const dt = builder.context(owner, placement);
      fdt.beginNode('watchdog@a000000');
      fdt.propertyCells('clocks', [dt.fixedClock(1_000_000), dt.fixedClock(24_000_000), dt.fixedClock(1_000_000)]);
      fdt.propertyCells('phandle', [dt.phandle()]);
      fdt.propertyCells('reg', [0, 0x0a00_0000, 0, 0x1000]);
      fdt.endNode();
      expect(dt.phandle()).to.equal(0x8003);
    });
    expect(dtcWarnings(dtb)).to.equal('');
    const dts = printDts(dtb);
    expect(dts).to.contain('\twatchdog@a000000 {\n\t\tclocks = <0x8002 0x8000 0x8002>;\n\t\tphandle = <0x8003>;\n');
    expect(dts).to.contain(
      '\t};\n\n\tclk1mhz {\n' +
        '\t\tphandle = <0x8002>;\n' +
        '\t\tclock-output-names = "clk1mhz";\n' +
        '\t\tclock-frequency = <0xf4240>;\n' +
        '\t\t#clock-cells = <0x00>;\n' +
        '\t\tcompatible = "fixed-clock";\n' +
        '\t};\n',
    );
    expect(dts.match(/clk1mhz \{/g)).to.have.length(1);
  });

  it('refuses a rate a fixed clock cannot describe', () => {
    expect(() => minimalTree((_fdt, builder) => builder.context({}, placement).fixedClock(0.5))).to.throw('a fixed clock of 0.5 Hz cannot be described');
  });

  it('hands out phandles from 0x8000, one per owner and one per clock rate', () => {
    const phandles = new Phandles();
    const [a, b] = [{}, {}];
    expect([phandles.alloc(), phandles.of(a), phandles.clock(32768), phandles.of(b), phandles.of(a), phandles.clock(32768)]).to.deep.equal([
      0x8000, 0x8001, 0x8002, 0x8003, 0x8001, 0x8002,
    ]);
  });

  it('names clocks by rate as Arm boards do', () => {
    expect([24_000_000, 32_768, 100_000, 1].map(clockName)).to.deep.equal(['clk24mhz', 'clk32768hz', 'clk100khz', 'clk1hz']);
  });
});
