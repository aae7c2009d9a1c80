import { expect } from 'chai';
import { HostMemory } from '../../../src/cpu/host-memory.js';
import { FakeVfioHost, parseHostDescription } from '../../../src/vfio/fake/index.js';
import {
  VFIO_API_VERSION,
  VFIO_DMA_MAP_FLAG_READ,
  VFIO_DMA_MAP_FLAG_WRITE,
  VFIO_GROUP_FLAGS_CONTAINER_SET,
  VFIO_GROUP_FLAGS_VIABLE,
  VFIO_IOMMU_INFO_PGSIZES,
  VFIO_NOIOMMU_IOMMU,
  VFIO_TYPE1_IOMMU,
  VFIO_TYPE1v2_IOMMU,
} from '../../../src/vfio/uapi.js';
import { TEST_DEVICE, XGMAC_IN_GROUP_1, expectErrno, loadHost, openDevice, type OpenedHost } from './fake-host-fixture.js';

const RW = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;

describe('fake VFIO host: container and group rules', () => {
  let host: FakeVfioHost;
  afterEach(() => host?.close());

  it('reports API version 0 and the type1 extensions only', () => {
    ({ host } = loadHost('test-device.json'));
    const container = host.openContainer();
    expect(container.apiVersion()).to.equal(VFIO_API_VERSION);
    expect(container.checkExtension(VFIO_TYPE1_IOMMU)).to.equal(true);
    expect(container.checkExtension(VFIO_TYPE1v2_IOMMU)).to.equal(true);
    expect(container.checkExtension(VFIO_NOIOMMU_IOMMU)).to.equal(false);
  });

  it('refuses SET_IOMMU with no group attached (EINVAL)', () => {
    ({ host } = loadHost('test-device.json'));
    expectErrno(() => host.openContainer().setIommu(VFIO_TYPE1v2_IOMMU), 'EINVAL');
  });

  it('refuses an unknown IOMMU type (ENODEV) and a second SET_IOMMU (EINVAL)', () => {
    ({ host } = loadHost('test-device.json'));
    const container = host.openContainer();
    host.openGroup(5).setContainer(container);
    expectErrno(() => container.setIommu(VFIO_NOIOMMU_IOMMU), 'ENODEV');
    container.setIommu(VFIO_TYPE1v2_IOMMU);
    expectErrno(() => container.setIommu(VFIO_TYPE1v2_IOMMU), 'EINVAL');
    expect(container.iommuInfo().flags).to.equal(VFIO_IOMMU_INFO_PGSIZES);
    expect(container.iommuInfo().iovaPageSizes & 0x1000).to.equal(0x1000);
  });

  it('refuses IOMMU ioctls before SET_IOMMU (EINVAL)', () => {
    ({ host } = loadHost('test-device.json'));
    const container = host.openContainer();
    expectErrno(() => container.iommuInfo(), 'EINVAL');
    expectErrno(() => container.mapDma({ memory: new HostMemory(0x1000), offset: 0, iova: 0, size: 0x1000, flags: RW }), 'EINVAL');
  });

  it('opens only groups vfio has a device in (ENOENT), one fd at a time (EBUSY)', () => {
    ({ host } = loadHost('test-device.json'));
    expectErrno(() => host.openGroup(6), 'ENOENT');
    const group = host.openGroup(5);
    expectErrno(() => host.openGroup(5), 'EBUSY');
    group.close();
    host.openGroup(5).close();
  });

  it('reports VIABLE, then VIABLE|CONTAINER_SET once attached', () => {
    ({ host } = loadHost('test-device.json'));
    const group = host.openGroup(5);
    expect(group.status()).to.equal(VFIO_GROUP_FLAGS_VIABLE);
    group.setContainer(host.openContainer());
    expect(group.status()).to.equal(VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET);
    expectErrno(() => group.setContainer(host.openContainer()), 'EINVAL');
  });

  it('refuses a non-viable group a container (EPERM: a host driver owns its DMA)', () => {
    host = new FakeVfioHost(
      parseHostDescription(
        {
          devices: [XGMAC_IN_GROUP_1],
          groups: [{ id: 1, otherDevices: [{ name: 'fff52000.serial', driver: 'uart-pl011' }] }],
        },
        'inline.json',
      ),
    );
    const group = host.openGroup(1);
    expect(group.status() & VFIO_GROUP_FLAGS_VIABLE).to.equal(0);
    expectErrno(() => group.setContainer(host.openContainer()), 'EPERM');
    expectErrno(() => group.getDevice('fff52000.serial'), 'ENODEV');
  });

  it('gives a device fd only once the container has an IOMMU (EINVAL), and only for its devices (ENODEV)', () => {
    ({ host } = loadHost('test-device.json'));
    const container = host.openContainer();
    const group = host.openGroup(5);
    expectErrno(() => group.getDevice(TEST_DEVICE), 'EINVAL');
    group.setContainer(container);
    expectErrno(() => group.getDevice(TEST_DEVICE), 'EINVAL');
    container.setIommu(VFIO_TYPE1v2_IOMMU);
    expectErrno(() => group.getDevice('a0001000.other'), 'ENODEV');
    expect(group.getDevice(TEST_DEVICE).name).to.equal(TEST_DEVICE);
  });

  it('shares one device state between two device fds, as the kernel refcounts open_device', () => {
    let opened: Omit<OpenedHost, 'host'>;
    ({ host, ...opened } = openDevice());
    const second = opened.group.getDevice(TEST_DEVICE);
    second.write(0x10, new Uint8Array([0x5a, 0, 0, 0]));
    expect(opened.device.read(0x10, 1)[0]).to.equal(0x5a);
    second.close();
    expect(opened.device.read(0x10, 1)[0], 'no reset before the last close').to.equal(0x5a);
  });

  it('keeps the container while a device fd is open (UNSET_CONTAINER: EBUSY)', () => {
    let opened: Omit<OpenedHost, 'host'>;
    ({ host, ...opened } = openDevice());
    expectErrno(() => opened.group.unsetContainer(), 'EBUSY');
    opened.device.close();
    opened.group.unsetContainer();
    expectErrno(() => opened.group.unsetContainer(), 'EINVAL');
  });

  it('drops the IOMMU and its mappings when the last group leaves the container', () => {
    let opened: Omit<OpenedHost, 'host'>;
    ({ host, ...opened } = openDevice());
    opened.container.mapDma({ memory: new HostMemory(0x2000), offset: 0, iova: 0x10000, size: 0x2000, flags: RW });
    opened.device.close();
    opened.group.close();
    expect(opened.container.dmaMappings()).to.deep.equal([]);
    expectErrno(() => opened.container.iommuInfo(), 'EINVAL');
  });

  describe('DMA mappings', () => {
    let container: ReturnType<typeof openDevice>['container'];
    const memory = new HostMemory(0x10000);
    beforeEach(() => {
      ({ host, container } = openDevice());
    });

    const bad: [string, Partial<{ iova: number; size: number; offset: number; flags: number }>, 'EINVAL' | 'EFAULT'][] = [
      ['an unaligned iova', { iova: 0x10800 }, 'EINVAL'],
      ['an unaligned size', { size: 0x1800 }, 'EINVAL'],
      ['an unaligned vaddr', { offset: 0x100 }, 'EINVAL'],
      ['a zero size', { size: 0 }, 'EINVAL'],
      ['no READ or WRITE', { flags: 0 }, 'EINVAL'],
      ['memory beyond the buffer', { offset: 0xf000, size: 0x2000 }, 'EFAULT'],
    ];
    for (const [what, change, errno] of bad) {
      it(`refuses ${what} (${errno})`, () => {
        expectErrno(() => container.mapDma({ memory, offset: 0, iova: 0x10000, size: 0x1000, flags: RW, ...change }), errno);
      });
    }

    it('refuses an overlapping mapping (EEXIST)', () => {
      container.mapDma({ memory, offset: 0, iova: 0x10000, size: 0x4000, flags: RW });
      expectErrno(() => container.mapDma({ memory, offset: 0x8000, iova: 0x13000, size: 0x2000, flags: RW }), 'EEXIST');
      container.mapDma({ memory, offset: 0x8000, iova: 0x14000, size: 0x2000, flags: RW });
    });

    it('lets the device DMA across adjacent mappings and faults at the first IOVA without one', () => {
      const other = new HostMemory(0x1000);
      container.mapDma({ memory, offset: 0x3000, iova: 0x10000, size: 0x1000, flags: RW });
      container.mapDma({ memory: other, offset: 0, iova: 0x11000, size: 0x1000, flags: RW });
      expect(container.dmaWrite(0x10ffe, new Uint8Array([1, 2, 3, 4]))).to.deep.equal({ ok: true });
      expect([...memory.bytes.subarray(0x3ffe, 0x4000)]).to.deep.equal([1, 2]);
      expect([...other.bytes.subarray(0, 2)]).to.deep.equal([3, 4]);
      const into = new Uint8Array(4);
      expect(container.dmaRead(0x11ffe, into)).to.deep.equal({ ok: false, faultIova: 0x12000, reason: 'no mapping' });
    });

    it('unmaps whole mappings in a range and returns the bytes, refusing to split one (EINVAL)', () => {
      container.mapDma({ memory, offset: 0, iova: 0x10000, size: 0x2000, flags: RW });
      container.mapDma({ memory, offset: 0x2000, iova: 0x12000, size: 0x1000, flags: RW });
      expectErrno(() => container.unmapDma(0x11000, 0x1000), 'EINVAL');
      expect(container.unmapDma(0x20000, 0x1000)).to.equal(0);
      expect(container.unmapDma(0x10000, 0x3000)).to.equal(0x3000);
      expect(container.dmaMappings()).to.deep.equal([]);
    });
  });
});
