// AMD Seattle 10GbE (compatible "amd,xgbe-seattle-v1a", Documentation/devicetree/bindings/net/amd-xgbe.txt)
// at register level: five regions (XGMAC, XPCS, SerDes Rx/Tx, SerDes integration 1/2 and 2/2) and six IRQs
// with amd,per-channel-interrupt (device level, four per-channel DMA edges, auto-negotiation level).
// MAC_VR and the hardware-feature registers MAC_HWF0R..2R (what Linux's amd-xgbe probe sizes the device
// from: xgbe_get_all_hw_features) read fixed values, other registers are storage, and DMA_MR.SWR is a
// software reset that clears itself when the model next syncs, so a driver polling it sees the reset
// complete a moment later.
import { expectShape, type ModelHost, type ModelRegionSpec } from './device-model.js';
import { RegisterFileModel } from './register-file-model.js';

export const XGBE_MAC_VR = 0x0110;
/** The value this model reports: SNPSVER 0x30, DEVID 0x10, USERVER 0x01. */
export const XGBE_MAC_VR_VALUE = 0x0001_1030;
/** MAC_HWF0R: GMII and XGMII, MMC, timestamps, TX/RX checksum offload, 32 extra MAC addresses. */
export const XGBE_MAC_HWF0R = 0x011c;
export const XGBE_MAC_HWF0R_VALUE = (1 << 1) | (1 << 2) | (1 << 8) | (1 << 12) | (1 << 14) | (1 << 16) | (31 << 18);
/** MAC_HWF1R: 64 KiB RX and TX FIFOs (128 << 9), 48-bit DMA addresses, a 64-entry hash table. */
export const XGBE_MAC_HWF1R = 0x0120;
export const XGBE_MAC_HWF1R_VALUE = 9 | (9 << 6) | (2 << 14) | (1 << 24);
/** MAC_HWF2R: four RX and TX queues and DMA channels, as the four per-channel IRQs. */
export const XGBE_MAC_HWF2R = 0x0124;
export const XGBE_MAC_HWF2R_VALUE = 3 | (3 << 6) | (3 << 12) | (3 << 18);
export const XGBE_DMA_MR = 0x3000;
export const XGBE_DMA_MR_SWR = 1 << 0;
const XGMAC = 0;

export class AmdXgbeModel extends RegisterFileModel {
  constructor(host: ModelHost, regions: readonly ModelRegionSpec[], irqs: readonly string[], where: string) {
    const atLeast = (size: number, what: string) => (r: ModelRegionSpec) => (r.size >= size ? undefined : `the ${what} registers need ${size} bytes`);
    expectShape(where, 'amd-xgbe', regions, irqs, {
      regions: [
        atLeast(0x4000, 'XGMAC'),
        atLeast(0x1000, 'XPCS'),
        atLeast(0x4, 'SerDes Rx/Tx'),
        atLeast(0x4, 'SerDes integration 1/2'),
        atLeast(0x4, 'SerDes integration 2/2'),
      ],
      irqs: ['level', 'edge', 'edge', 'edge', 'edge', 'level'],
    });
    super(host, regions, [
      { region: XGMAC, offset: XGBE_MAC_VR, value: XGBE_MAC_VR_VALUE },
      { region: XGMAC, offset: XGBE_MAC_HWF0R, value: XGBE_MAC_HWF0R_VALUE },
      { region: XGMAC, offset: XGBE_MAC_HWF1R, value: XGBE_MAC_HWF1R_VALUE },
      { region: XGMAC, offset: XGBE_MAC_HWF2R, value: XGBE_MAC_HWF2R_VALUE },
    ]);
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
