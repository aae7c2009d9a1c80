// AMD Seattle 10GbE (compatible "amd,xgbe-seattle-v1a", Documentation/devicetree/bindings/net/amd-xgbe.txt)
// at register level: five regions (XGMAC, XPCS, SerDes Rx/Tx, SerDes integration 1/2 and 2/2) and six IRQs
// with amd,per-channel-interrupt (device level, four per-channel DMA edges, auto-negotiation level).
// MAC_VR reads a fixed value, other registers are storage, and DMA_MR.SWR is a software reset that clears
// itself when the model next syncs, so a driver polling it sees the reset complete a moment later.
import { expectShape, type ModelHost, type ModelRegionSpec } from './device-model.js';
import { RegisterFileModel } from './register-file-model.js';

export const XGBE_MAC_VR = 0x0110;
/** The value this model reports: SNPSVER 0x30, DEVID 0x10, USERVER 0x01. */
export const XGBE_MAC_VR_VALUE = 0x0001_1030;
export const XGBE_DMA_MR = 0x3000;
export const XGBE_DMA_MR_SWR = 1 << 0;
const XGMAC = 0;

export class AmdXgbeModel extends RegisterFileModel {
  constructor(host: ModelHost, regions: readonly ModelRegionSpec[], irqs: readonly string[], where: string) {
    const atLeast = (size: number, what: string) => (r: ModelRegionSpec) => (r.size >= size ? undefined : `the ${what} registers need ${size} bytes`);
    expectShape(where, 'amd-xgbe', regions, irqs, {
      regions: [atLeast(0x4000, 'XGMAC'), atLeast(0x1000, 'XPCS'), atLeast(0x4, 'SerDes Rx/Tx'), atLeast(0x4, 'SerDes integration 1/2'), atLeast(0x4, 'SerDes integration 2/2')],
      irqs: ['level', 'edge', 'edge', 'edge', 'edge', 'level'],
    });
    super(host, regions, [{ region: XGMAC, offset: XGBE_MAC_VR, value: XGBE_MAC_VR_VALUE }]);
  }

  override sync(): void {
    if (this.get32(XGMAC, XGBE_DMA_MR) & XGBE_DMA_MR_SWR) this.reset();
    else super.sync();
  }

  override write(region: number, offset: number, size: 1 | 2 | 4, value: number): void {
    super.write(region, offset, size, value);
    if (region === XGMAC && offset === XGBE_DMA_MR && value & XGBE_DMA_MR_SWR) this.host.log(`${this.host.label}: DMA_MR.SWR set: software reset pending`);
  }
}
