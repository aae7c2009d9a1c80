// A minimal virt-like device tree around one device's node: root cells, the GICv2 as interrupt parent
// (phandle 0x8001) and the apb-pclk fixed clock (phandle 0x8000), so dtc can check the node in context.
import { FdtWriter } from '../../src/fdt/fdt-writer.js';
import type { DeviceTreeContext } from '../../src/qom/sys-bus-device.js';

export const INTC_PHANDLE = 0x8001;
export const APB_PCLK_PHANDLE = 0x8000;

/** The context a virt machine gives a device at `address` whose IRQ output 0 is SPI `spi`. */
export function virtDtContext(address: number, spi = 0): DeviceTreeContext {
  return {
    mmioAddress: () => address,
    interruptCells: (_n, trigger) => [0, spi, trigger === 'level' ? 4 : 1],
    clockPhandle: () => APB_PCLK_PHANDLE,
    addressCells: 2,
    sizeCells: 2,
  };
}

/** A DTB of the minimal tree with `write` adding nodes under the root. */
export function treeWith(write: (fdt: FdtWriter) => void): Uint8Array {
  const fdt = new FdtWriter();
  fdt.beginNode('');
  fdt.propertyCells('#address-cells', [2]);
  fdt.propertyCells('#size-cells', [2]);
  fdt.propertyCells('interrupt-parent', [INTC_PHANDLE]);
  fdt.beginNode('intc@8000000');
  fdt.propertyString('compatible', 'arm,cortex-a15-gic');
  fdt.propertyCells('#interrupt-cells', [3]);
  fdt.propertyEmpty('interrupt-controller');
  fdt.propertyCells('#address-cells', [0]);
  fdt.propertyCells('reg', [0, 0x0800_0000, 0, 0x1_0000, 0, 0x0801_0000, 0, 0x1_0000]);
  fdt.propertyCells('phandle', [INTC_PHANDLE]);
  fdt.endNode();
  fdt.beginNode('apb-pclk');
  fdt.propertyString('compatible', 'fixed-clock');
  fdt.propertyCells('#clock-cells', [0]);
  fdt.propertyCells('clock-frequency', [24_000_000]);
  fdt.propertyCells('phandle', [APB_PCLK_PHANDLE]);
  fdt.endNode();
  write(fdt);
  fdt.endNode();
  return fdt.finish();
}
