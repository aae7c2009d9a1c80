// Calxeda Highbank XGMAC (compatible "calxeda,hb-xgmac", Linux drivers/net/ethernet/calxeda/xgmac.c) at
// register level: one 4 KiB region, three level IRQs (device, power management, LPI). XGMAC_VERSION reads a
// fixed value, every other register is read/write storage, and reset clears them, as the kernel's
// vfio-platform-calxedaxgmac reset module leaves DMA and MAC disabled.
import { expectShape, type ModelHost, type ModelRegionSpec } from './device-model.js';
import { RegisterFileModel } from './register-file-model.js';

export const XGMAC_VERSION = 0x0020;
/** The value this model reports (Synopsys core 0x12, user version 0x10). */
export const XGMAC_VERSION_VALUE = 0x1012;
export const XGMAC_DMA_INTR_ENA = 0x0f1c;

export class CalxedaXgmacModel extends RegisterFileModel {
  constructor(host: ModelHost, regions: readonly ModelRegionSpec[], irqs: readonly string[], where: string) {
    expectShape(where, 'calxeda-xgmac', regions, irqs, {
      regions: [(r) => (r.size === 0x1000 ? undefined : 'the XGMAC register block is 0x1000 bytes')],
      irqs: ['level', 'level', 'level'],
    });
    super(host, regions, [{ region: 0, offset: XGMAC_VERSION, value: XGMAC_VERSION_VALUE }]);
  }
}
