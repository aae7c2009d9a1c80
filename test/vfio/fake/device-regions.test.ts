import { expect } from 'chai';
import type { FakeVfioHost } from '../../../src/vfio/fake/index.js';
import type { FakeDevice } from '../../../src/vfio/fake/device.js';
import * as R from '../../../src/vfio/fake/models/test-device-regs.js';
import {
  VFIO_DEVICE_FLAGS_PLATFORM,
  VFIO_DEVICE_FLAGS_RESET,
  VFIO_TYPE1v2_IOMMU,
  VFIO_REGION_INFO_FLAG_MMAP,
  VFIO_REGION_INFO_FLAG_READ,
  VFIO_REGION_INFO_FLAG_WRITE,
  regionOffset,
} from '../../../src/vfio/uapi.js';
import { TEST_DEVICE, expectErrno, loadHost, openDevice, readU32, u32 } from './fake-host-fixture.js';

const RW = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

describe('fake VFIO host: device info, regions and mmap', () => {
  let host: FakeVfioHost;
  let device: FakeDevice;
  afterEach(() => host.close());

  describe('the test device', () => {
    beforeEach(() => ({ host, device } = openDevice()));

    it('is a platform device with a reset', () => {
      expect(device.info()).to.deep.equal({ flags: VFIO_DEVICE_FLAGS_PLATFORM | VFIO_DEVICE_FLAGS_RESET, numRegions: 2, numIrqs: 2 });
    });

    it('reports regions at index << 40, MMAP only for the page-aligned one', () => {
      expect(device.regionInfo(0)).to.deep.equal({ index: 0, flags: RW | VFIO_REGION_INFO_FLAG_MMAP, size: 0x1000, offset: 0 });
      expect(device.regionInfo(1)).to.deep.equal({ index: 1, flags: RW, size: 0x100, offset: 2 ** 40 });
    });

    it('refuses a region index beyond the device (EINVAL)', () => {
      expectErrno(() => device.regionInfo(2), 'EINVAL');
    });

    it('reads the ID registers through the device fd', () => {
      expect(readU32(device, R.VFIO_TEST_ID)).to.equal(R.VFIO_TEST_ID_VALUE);
      expect(readU32(device, R.VFIO_TEST_VERSION)).to.equal(R.VFIO_TEST_VERSION_VALUE);
    });

    it('clamps a read at the end of a region (short read)', () => {
      expect(device.read(regionOffset(1) + 0xfc, 16)).to.have.length(4);
      expect(device.write(regionOffset(0) + 0xffe, new Uint8Array(8))).to.equal(2);
    });

    it('refuses an access at or beyond the end of a region, or to a region that does not exist (EINVAL)', () => {
      expectErrno(() => device.read(regionOffset(1) + 0x100, 4), 'EINVAL');
      expectErrno(() => device.write(regionOffset(0) + 0x1000, u32(1)), 'EINVAL');
      expectErrno(() => device.read(regionOffset(2), 4), 'EINVAL');
    });

    it('maps region 0 as the memory the model uses: guest stores are seen, model state is visible', () => {
      const memory = device.mmap(regionOffset(0), 0x1000);
      expect(memory.view.getUint32(R.VFIO_TEST_ID, true)).to.equal(R.VFIO_TEST_ID_VALUE);
      memory.view.setUint32(R.VFIO_TEST_SCRATCH0 + 4, 0xcafef00d, true);
      expect(readU32(device, R.VFIO_TEST_SCRATCH0 + 4)).to.equal(0xcafef00d);
      expect(device.mmap(regionOffset(0), 0x1000)).to.equal(memory);
    });

    it('restores a read-only register a guest overwrote through the mapping at the next sync', () => {
      const memory = device.mmap(regionOffset(0), 0x1000);
      memory.view.setUint32(R.VFIO_TEST_ID, 0, true);
      host.dispatch();
      expect(memory.view.getUint32(R.VFIO_TEST_ID, true)).to.equal(R.VFIO_TEST_ID_VALUE);
    });

    it('refuses to mmap a region without MMAP, or past its end (EINVAL)', () => {
      expectErrno(() => device.mmap(regionOffset(1), 0x1000), 'EINVAL');
      expectErrno(() => device.mmap(regionOffset(0), 0x2000), 'EINVAL');
      expectErrno(() => device.mmap(regionOffset(0) + 0x800, 0x1000), 'EINVAL');
    });

    it('refuses every operation on a closed device fd (EBADF)', () => {
      device.close();
      expectErrno(() => device.read(R.VFIO_TEST_SCRATCH0, 4), 'EBADF');
      expectErrno(() => device.info(), 'EBADF');
    });

    it('resets on VFIO_DEVICE_RESET', () => {
      device.write(R.VFIO_TEST_SCRATCH0, u32(0x1234));
      device.reset();
      expect(readU32(device, R.VFIO_TEST_SCRATCH0)).to.equal(0);
      expect(readU32(device, R.VFIO_TEST_ID)).to.equal(R.VFIO_TEST_ID_VALUE);
    });
  });

  it('resets the device when it is first opened', () => {
    const { host: loaded } = loadHost('test-device.json');
    host = loaded;
    host.model(TEST_DEVICE).write(0, R.VFIO_TEST_SCRATCH0, 4, 0x77);
    const container = host.openContainer();
    const group = host.openGroup(5);
    group.setContainer(container);
    container.setIommu(VFIO_TYPE1v2_IOMMU);
    expect(readU32(group.getDevice(TEST_DEVICE), R.VFIO_TEST_SCRATCH0)).to.equal(0);
  });

  it('reopens a device reset by its last close', () => {
    let group;
    ({ host, device, group } = openDevice());
    device.write(R.VFIO_TEST_SCRATCH0, u32(0x1234));
    device.close();
    const again = group.getDevice(device.name);
    expect(readU32(again, R.VFIO_TEST_SCRATCH0)).to.equal(0);
  });

  it('reports the five amd-xgbe regions with MMAP only on the two page-aligned ones', () => {
    ({ host, device } = openDevice('amd-xgbe.json', 'e0900000.xgmac'));
    const mmap = [0, 1, 2, 3, 4].map((i) => (device.regionInfo(i).flags & VFIO_REGION_INFO_FLAG_MMAP) !== 0);
    expect(mmap).to.deep.equal([true, true, false, false, false]);
    expect([0, 1, 2, 3, 4].map((i) => device.regionInfo(i).size)).to.deep.equal([0x80000, 0x80000, 0x400, 0x60, 0x4]);
  });
});
