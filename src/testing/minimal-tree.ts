// A minimal virt-like guest device tree around a device's node, so dtc checks the node in context and a test
// sees it as a machine writes it: root cells 2/2, the APB clock (phandle 0x8000) and an interrupt controller
// (0x8001) as virt has them, the nodes written by `write`, then the root nodes they asked for (fixed clocks).
import { FdtWriter } from '../fdt/fdt-writer.js';
import { DeviceTreeBuilder, Phandles, writeFixedClock } from '../qom/device-tree.js';

export interface MinimalTreeOptions {
  /** The node written is itself the interrupt controller (a GIC under test): no stand-in, its phandle is the parent. */
  interruptController?: object;
  warn?: (message: string) => void;
}

export function minimalTree(write: (fdt: FdtWriter, builder: DeviceTreeBuilder) => void, options: MinimalTreeOptions = {}): Uint8Array {
  const phandles = new Phandles();
  const apbPclk = { phandle: phandles.alloc(), hz: 24_000_000 };
  const { interruptController } = options;
  const intc = interruptController ? phandles.of(interruptController) : phandles.alloc();
  const builder = new DeviceTreeBuilder({ phandles, clocks: { 'apb-pclk': apbPclk }, interruptParent: () => intc, warn: options.warn ?? (() => {}) });
  const fdt = new FdtWriter();
  fdt.beginNode('');
  fdt.propertyCells('#address-cells', [2]);
  fdt.propertyCells('#size-cells', [2]);
  fdt.propertyCells('interrupt-parent', [intc]);
  if (!interruptController) {
    fdt.beginNode('intc@8000000');
    fdt.propertyString('compatible', 'arm,cortex-a15-gic');
    fdt.propertyCells('#interrupt-cells', [3]);
    fdt.propertyEmpty('interrupt-controller');
    fdt.propertyCells('#address-cells', [0]);
    fdt.propertyCells('reg', [0, 0x0800_0000, 0, 0x1_0000, 0, 0x0801_0000, 0, 0x1_0000]);
    fdt.propertyCells('phandle', [intc]);
    fdt.endNode();
  }
  writeFixedClock(fdt, { name: 'apb-pclk', phandle: apbPclk.phandle, hz: apbPclk.hz, outputName: 'clk24mhz' });
  write(fdt, builder);
  builder.writeRootNodes(fdt);
  fdt.endNode();
  return fdt.finish();
}
