import { expect } from 'chai';
import type { FakeVfioHost } from '../../../src/vfio/fake/index.js';
import type { FakeDevice } from '../../../src/vfio/fake/device.js';
import {
  XGBE_DMA_MR,
  XGBE_DMA_MR_SWR,
  XGBE_MAC_HWF0R,
  XGBE_MAC_HWF1R,
  XGBE_MAC_HWF2R,
  XGBE_MAC_VR,
  XGBE_MAC_VR_VALUE,
} from '../../../src/vfio/fake/models/amd-xgbe.js';
import { XGMAC_DMA_INTR_ENA, XGMAC_VERSION, XGMAC_VERSION_VALUE } from '../../../src/vfio/fake/models/calxeda-xgmac.js';
import { regionOffset } from '../../../src/vfio/uapi.js';
import { openDevice, readU32, u32 } from './fake-host-fixture.js';

describe('fake VFIO host: the xgmac and xgbe models', () => {
  let host: FakeVfioHost;
  let device: FakeDevice;
  let log: string[];
  afterEach(() => host.close());

  describe('calxeda-xgmac', () => {
    beforeEach(() => ({ host, device, log } = openDevice('calxeda-xgmac.json', 'fff51000.ethernet')));

    it('reads its version, keeps it read-only, and stores other registers', () => {
      expect(readU32(device, XGMAC_VERSION)).to.equal(XGMAC_VERSION_VALUE);
      device.write(XGMAC_VERSION, u32(0));
      expect(readU32(device, XGMAC_VERSION)).to.equal(XGMAC_VERSION_VALUE);
      expect(log[0]).to.contain('read-only register');
      device.write(XGMAC_DMA_INTR_ENA, u32(0x1ffff));
      expect(readU32(device, XGMAC_DMA_INTR_ENA)).to.equal(0x1ffff);
    });

    it('restores defaults on reset', () => {
      device.write(XGMAC_DMA_INTR_ENA, u32(0x1ffff));
      device.reset();
      expect(readU32(device, XGMAC_DMA_INTR_ENA)).to.equal(0);
      expect(readU32(device, XGMAC_VERSION)).to.equal(XGMAC_VERSION_VALUE);
    });
  });

  describe('amd-xgbe', () => {
    beforeEach(() => ({ host, device, log } = openDevice('amd-xgbe.json', 'e0900000.xgmac')));

    it('reads MAC_VR and stores registers in every region, trapped or mapped', () => {
      expect(readU32(device, XGBE_MAC_VR)).to.equal(XGBE_MAC_VR_VALUE);
      // The hardware features as Linux decodes them (xgbe_get_all_hw_features): 4 channels, 64 KiB FIFOs.
      const hwf2 = readU32(device, XGBE_MAC_HWF2R);
      expect([hwf2 & 0xf, (hwf2 >> 6) & 0xf, (hwf2 >> 12) & 0xf, (hwf2 >> 18) & 0xf].map((n) => n + 1)).to.deep.equal([4, 4, 4, 4]);
      const hwf1 = readU32(device, XGBE_MAC_HWF1R);
      expect([128 << (hwf1 & 0x1f), 128 << ((hwf1 >> 6) & 0x1f), (hwf1 >> 14) & 3]).to.deep.equal([65536, 65536, 2]);
      expect(readU32(device, XGBE_MAC_HWF0R) & (1 << 2), 'XGMII').to.not.equal(0);
      for (const region of [1, 2, 3, 4]) {
        device.write(regionOffset(region), u32(0x1000 + region));
        expect(readU32(device, regionOffset(region)), `region ${region}`).to.equal(0x1000 + region);
      }
    });

    it('completes a DMA_MR.SWR software reset written through the mapping at the next sync', () => {
      const xgmac = device.mmap(regionOffset(0), 0x80000);
      xgmac.view.setUint32(0x1000, 0xdead, true);
      xgmac.view.setUint32(XGBE_DMA_MR, XGBE_DMA_MR_SWR, true);
      expect(xgmac.view.getUint32(XGBE_DMA_MR, true), 'still resetting until the model runs').to.equal(XGBE_DMA_MR_SWR);
      host.dispatch();
      expect(xgmac.view.getUint32(XGBE_DMA_MR, true)).to.equal(0);
      expect(xgmac.view.getUint32(0x1000, true)).to.equal(0);
      expect(xgmac.view.getUint32(XGBE_MAC_VR, true)).to.equal(XGBE_MAC_VR_VALUE);
    });
  });
});
