import { expect } from 'chai';
import { constants as fsConstants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostMemory } from '../../../src/cpu/host-memory.js';
import type { VfioContainer } from '../../../src/vfio/host.js';
import { native } from '../../../src/cpu/native.js';
import { LinuxVfioBackend } from '../../../src/vfio/linux/backend.js';
import { LinuxVfioDevice } from '../../../src/vfio/linux/device.js';
import { regionOffset, VFIO_DMA_MAP_FLAG_READ, VFIO_IOCTL, VFIO_TYPE1v2_IOMMU } from '../../../src/vfio/uapi.js';
import { expectVfioError } from './expect-vfio-error.js';

// No VFIO here: a directory stands in for /dev/vfio, holding regular files where the tests want an open
// to succeed, so every ioctl reaches the kernel and comes back ENOTTY through the same error path.
describe('linux VFIO backend without VFIO', () => {
  let devDir: string;
  let backend: LinuxVfioBackend;

  beforeEach(() => {
    devDir = mkdtempSync(join(tmpdir(), 'armvirt-dev-vfio-'));
    backend = new LinuxVfioBackend({ devDir });
  });
  afterEach(() => {
    backend.close();
    rmSync(devDir, { recursive: true, force: true });
  });

  it('reports a missing /dev/vfio/vfio as ENOENT, saying how to load VFIO', function () {
    if (existsSync('/dev/vfio/vfio')) this.skip();
    const error = expectVfioError(() => new LinuxVfioBackend().openContainer(), 'ENOENT');
    expect(error.operation).to.equal('open /dev/vfio/vfio');
    expect(error.message).to.equal(
      'open /dev/vfio/vfio: No such file or directory (no VFIO on this host: load it with modprobe -a vfio-platform vfio_iommu_type1, see docs/linux-host.md)',
    );
  });

  it('reports missing nodes under another /dev/vfio the same way', () => {
    expectVfioError(() => backend.openContainer(), 'ENOENT', /^open .*\/vfio: No such file or directory \(no VFIO on this host: load it with modprobe/);
  });

  it('reports a missing group as ENOENT naming the group and the fix', () => {
    const error = expectVfioError(() => backend.openGroup(7), 'ENOENT', /no VFIO group 7: bind the device to vfio-platform first/);
    expect(error.operation).to.equal(`open ${join(devDir, '7')}`);
  });

  it('passes ioctl failures back with the ioctl name and errno', () => {
    writeFileSync(join(devDir, 'vfio'), '');
    const container = backend.openContainer();
    expectVfioError(() => container.apiVersion(), 'ENOTTY', /^VFIO_GET_API_VERSION: Inappropriate ioctl for device$/);
    expectVfioError(() => container.setIommu(VFIO_TYPE1v2_IOMMU), 'ENOTTY', /^VFIO_SET_IOMMU:/);
    expectVfioError(() => container.iommuInfo(), 'ENOTTY', /^VFIO_IOMMU_GET_INFO:/);
    expectVfioError(() => container.unmapDma(0, 0x1000), 'ENOTTY', /^VFIO_IOMMU_UNMAP_DMA:/);

    writeFileSync(join(devDir, '3'), '');
    const group = backend.openGroup(3);
    expectVfioError(() => group.status(), 'ENOTTY', /^VFIO_GROUP_GET_STATUS:/);
    expectVfioError(() => group.setContainer(container), 'ENOTTY', /^VFIO_GROUP_SET_CONTAINER:/);
    expectVfioError(() => group.getDevice('e0900000.xgmac'), 'ENOTTY', /^VFIO_GROUP_GET_DEVICE_FD: .*\(device e0900000.xgmac in group 3/);
  });

  it('checks DMA mappings against their host memory before asking the kernel', () => {
    writeFileSync(join(devDir, 'vfio'), '');
    const container = backend.openContainer();
    const memory = new HostMemory(0x2000);
    expectVfioError(
      () => container.mapDma({ memory, offset: 0x1000, size: 0x2000, iova: 0, flags: VFIO_DMA_MAP_FLAG_READ }),
      'EINVAL',
      /0x1000\+0x2000 is outside its host memory \(0x2000 bytes\)/,
    );
    expectVfioError(() => container.mapDma({ memory, offset: 0, size: 0x2000, iova: 0, flags: VFIO_DMA_MAP_FLAG_READ }), 'ENOTTY', /^VFIO_IOMMU_MAP_DMA:/);
  });

  it('refuses a container of another backend', () => {
    writeFileSync(join(devDir, '3'), '');
    const group = backend.openGroup(3);
    expectVfioError(() => group.setContainer({} as VfioContainer), 'EINVAL', /not one of the linux backend/);
  });

  it('is EBADF on a closed file, and close() closes everything it opened', () => {
    writeFileSync(join(devDir, 'vfio'), '');
    writeFileSync(join(devDir, '3'), '');
    const container = backend.openContainer();
    container.close();
    container.close();
    expectVfioError(() => container.apiVersion(), 'EBADF', new RegExp(`^${join(devDir, 'vfio')}: .*already closed`));
    const group = backend.openGroup(3);
    backend.close();
    expectVfioError(() => group.status(), 'EBADF');
  });

  it('reads and writes a device fd at 64-bit offsets (region 1 starts at 1 << 40)', () => {
    const path = join(devDir, 'device');
    writeFileSync(path, '');
    const device = new LinuxVfioDevice('file', native.vfio.open(path, fsConstants.O_RDWR), backend);
    const at = regionOffset(1) + 0x10;
    expect(device.write(at, Uint8Array.of(1, 2, 3, 4))).to.equal(4);
    expect([...device.read(at - 2, 8)]).to.deep.equal([0, 0, 1, 2, 3, 4]);
    expectVfioError(() => device.regionInfo(0), 'ENOTTY', /^VFIO_DEVICE_GET_REGION_INFO:/);
    expectVfioError(() => device.reset(), 'ENOTTY', /^VFIO_DEVICE_RESET:/);
  });

  it('never lets a caller reach past its buffer or make a non-VFIO ioctl', () => {
    const path = join(devDir, 'vfio');
    writeFileSync(path, '');
    const fd = native.vfio.open(path, fsConstants.O_RDWR);
    try {
      const irqSet = new Uint8Array(20);
      new DataView(irqSet.buffer).setUint32(0, 24, true);
      expect(() => native.vfio.ioctl(fd, VFIO_IOCTL.DEVICE_SET_IRQS, irqSet)).to.throw(
        TypeError,
        'VFIO_DEVICE_SET_IRQS: argsz 24 is larger than the buffer (20)',
      );
      expect(() => native.vfio.ioctl(fd, VFIO_IOCTL.DEVICE_GET_REGION_INFO, new Uint8Array(16))).to.throw(TypeError, 'shorter than the struct (32)');
      expect(() => native.vfio.ioctl(fd, VFIO_IOCTL.GROUP_GET_DEVICE_FD, Uint8Array.of(0x61))).to.throw(TypeError, 'NUL-terminated');
      expect(() => native.vfio.ioctl(fd, 0x5401 /* TCGETS */)).to.throw(RangeError, 'not a VFIO ioctl');
    } finally {
      native.vfio.close(fd);
    }
  });
});
