// A VFIO device fd on Linux: info ioctls, SET_IRQS with real eventfds, reset, pread/pwrite of regions and
// mmap of a region into memory the guest maps directly.
import type { HostMemory } from '../../cpu/host-memory.js';
import { native } from '../../cpu/native.js';
import { VfioHostError, type DeviceInfo, type IrqInfo, type IrqSet, type RegionInfo, type VfioDevice } from '../host.js';
import { VFIO_IOCTL, VFIO_IRQ_SET_DATA_EVENTFD, VFIO_IRQ_SET_DATA_TYPE_MASK, VFIO_PLATFORM_OFFSET_SHIFT, VFIO_REGION_INFO_FLAG_WRITE } from '../uapi.js';
import { LinuxEventNotifier } from './event-notifier.js';
import { deviceInfoRequest, encodeIrqSet, irqInfoRequest, parseDeviceInfo, parseIrqInfo, parseRegionInfo, regionInfoRequest } from './marshal.js';
import { hostCall } from './native-call.js';
import { mapShared } from './map-shared.js';
import { VfioFile, type OpenFiles } from './vfio-file.js';

export class LinuxVfioDevice extends VfioFile implements VfioDevice {
  constructor(
    readonly name: string,
    fd: number,
    files: OpenFiles,
  ) {
    super(fd, `device ${name}`, files);
  }

  info(): DeviceInfo {
    const info = deviceInfoRequest();
    this.ioctl(VFIO_IOCTL.DEVICE_GET_INFO, info);
    return parseDeviceInfo(info);
  }

  regionInfo(index: number): RegionInfo {
    const info = regionInfoRequest(index);
    this.ioctl(VFIO_IOCTL.DEVICE_GET_REGION_INFO, info);
    return parseRegionInfo(info);
  }

  irqInfo(index: number): IrqInfo {
    const info = irqInfoRequest(index);
    this.ioctl(VFIO_IOCTL.DEVICE_GET_IRQ_INFO, info);
    return parseIrqInfo(info);
  }

  setIrqs(set: IrqSet): void {
    if ((set.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) === VFIO_IRQ_SET_DATA_EVENTFD) {
      const foreign = set.data?.findIndex((n) => n !== null && !(n instanceof LinuxEventNotifier)) ?? -1;
      if (foreign >= 0) throw new VfioHostError('EINVAL', 'VFIO_DEVICE_SET_IRQS', `entry ${foreign} is not an eventfd of the linux backend`);
    }
    this.ioctl(VFIO_IOCTL.DEVICE_SET_IRQS, encodeIrqSet(set));
  }

  reset(): void {
    this.ioctl(VFIO_IOCTL.DEVICE_RESET);
  }

  read(offset: number, length: number): Uint8Array {
    const fd = this.fd;
    return hostCall(() => native.vfio.pread(fd, offset, length));
  }

  write(offset: number, data: Uint8Array): number {
    const fd = this.fd;
    return hostCall(() => native.vfio.pwrite(fd, offset, data));
  }

  /** Writable if the region is: the kernel refuses a writable mapping of a read-only region. */
  mmap(offset: number, size: number): HostMemory {
    const fd = this.fd;
    const region = this.regionInfo(Math.floor(offset / 2 ** VFIO_PLATFORM_OFFSET_SHIFT));
    const writable = (region.flags & VFIO_REGION_INFO_FLAG_WRITE) !== 0;
    return mapShared(fd, offset, size, writable, this.label);
  }
}
