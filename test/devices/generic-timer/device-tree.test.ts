import { expect } from 'chai';
import { writeDeviceTree } from '../../../devices/generic-timer/index.js';
import { printDts } from '../../../src/fdt/dts-printer.js';
import { FdtWriter } from '../../../src/fdt/fdt-writer.js';
import { dtcWarnings } from '../../support/dtc.js';
import { minimalTree } from '../../../src/testing/minimal-tree.js';

describe('generic timer: device tree', () => {
  it("writes QEMU virt's timer node for one CPU on GICv2, which dtc accepts without warnings", () => {
    const dtb = minimalTree((fdt) => writeDeviceTree(fdt));
    expect(dtcWarnings(dtb)).to.equal('');
    expect(printDts(dtb)).to.contain(
      '\ttimer {\n' +
        '\t\tinterrupts = <0x01 0x0d 0x104 0x01 0x0e 0x104 0x01 0x0b 0x104 0x01 0x0a 0x104>;\n' +
        '\t\talways-on;\n' +
        '\t\tcompatible = "arm,armv8-timer\\0arm,armv7-timer";\n' +
        '\t};\n',
    );
  });

  it('puts a mask of the CPUs in the flags on GICv2 only', () => {
    const cells = (options: Parameters<typeof writeDeviceTree>[1]) => {
      const dts = printDts(minimalTree((fdt) => writeDeviceTree(fdt, options)));
      return /interrupts = <0x01 0x0d (0x[0-9a-f]+) /.exec(dts.slice(dts.indexOf('timer {')))![1];
    };
    expect(cells({ cpus: 4 })).to.equal('0xf04');
    expect(cells({ cpus: 8 })).to.equal('0xff04');
    expect(cells({ cpus: 4, gicVersion: 3 })).to.equal('0x04');
  });

  it('rejects a CPU count GICv2 cannot address', () => {
    expect(() => writeDeviceTree(new FdtWriter(), { cpus: 9 })).to.throw(
      'generic timer node: 9 CPUs is not a CPU count; accepted: 1 to 8 with GICv2, 1 or more with GICv3',
    );
  });
});
