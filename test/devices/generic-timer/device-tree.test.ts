import { expect } from 'chai';
import { writeDeviceTree } from '../../../devices/generic-timer/index.js';
import { FdtWriter } from '../../../src/fdt/fdt-writer.js';
import { printDts } from '../../../src/fdt/dts-printer.js';
import { dtcWarnings } from '../../support/dtc.js';

/** A root with a GICv2 (as virt's) as interrupt parent, and the timer node. */
function treeWithTimer(write: (fdt: FdtWriter) => void): Uint8Array {
  const fdt = new FdtWriter();
  fdt.beginNode('');
  fdt.propertyCells('#address-cells', [2]);
  fdt.propertyCells('#size-cells', [2]);
  fdt.propertyCells('interrupt-parent', [0x8001]);
  fdt.beginNode('intc@8000000');
  fdt.propertyString('compatible', 'arm,cortex-a15-gic');
  fdt.propertyCells('#interrupt-cells', [3]);
  fdt.propertyEmpty('interrupt-controller');
  fdt.propertyCells('#address-cells', [0]);
  fdt.propertyCells('reg', [0, 0x0800_0000, 0, 0x1_0000, 0, 0x0801_0000, 0, 0x1_0000]);
  fdt.propertyCells('phandle', [0x8001]);
  fdt.endNode();
  write(fdt);
  fdt.endNode();
  return fdt.finish();
}

describe('generic timer: device tree', () => {
  it("writes QEMU virt's timer node for one CPU on GICv2, which dtc accepts without warnings", () => {
    const dtb = treeWithTimer((fdt) => writeDeviceTree(fdt));
    expect(dtcWarnings(dtb)).to.equal('');
    expect(printDts(dtb)).to.contain(
      '\ttimer {\n' +
        '\t\tcompatible = "arm,armv8-timer\\0arm,armv7-timer";\n' +
        '\t\talways-on;\n' +
        '\t\tinterrupts = <0x01 0x0d 0x104 0x01 0x0e 0x104 0x01 0x0b 0x104 0x01 0x0a 0x104>;\n' +
        '\t};\n',
    );
  });

  it('puts a mask of the CPUs in the flags on GICv2 only', () => {
    const cells = (options: Parameters<typeof writeDeviceTree>[1]) => {
      const dts = printDts(treeWithTimer((fdt) => writeDeviceTree(fdt, options)));
      return /interrupts = <0x01 0x0d (0x[0-9a-f]+) /.exec(dts.slice(dts.indexOf('timer {')))![1];
    };
    expect(cells({ cpus: 4 })).to.equal('0xf04');
    expect(cells({ cpus: 8 })).to.equal('0xff04');
    expect(cells({ cpus: 4, gicVersion: 3 })).to.equal('0x04');
  });

  it('rejects a CPU count GICv2 cannot address', () => {
    expect(() => writeDeviceTree(new FdtWriter(), { cpus: 9 })).to.throw('generic timer node: 9 CPUs is not a CPU count; accepted: 1 to 8 with GICv2, 1 or more with GICv3');
  });
});
