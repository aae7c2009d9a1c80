// /dev/vfio/<N> on Linux: an IOMMU group, attached to a container before its devices can be opened.
import { VfioHostError, type VfioContainer, type VfioGroup } from '../host.js';
import { VFIO_IOCTL } from '../uapi.js';
import { iommuAttachHint, LinuxVfioContainer } from './container.js';
import { LinuxVfioDevice } from './device.js';
import { encodeDeviceName, encodeFd, groupStatusRequest, parseGroupStatus } from './marshal.js';
import { VfioFile, type OpenFiles } from './vfio-file.js';

export class LinuxVfioGroup extends VfioFile implements VfioGroup {
  constructor(
    readonly id: number,
    fd: number,
    label: string,
    files: OpenFiles,
  ) {
    super(fd, label, files);
  }

  status(): number {
    const status = groupStatusRequest();
    this.ioctl(VFIO_IOCTL.GROUP_GET_STATUS, status);
    return parseGroupStatus(status);
  }

  setContainer(container: VfioContainer): void {
    if (!(container instanceof LinuxVfioContainer)) {
      throw new VfioHostError('EINVAL', 'VFIO_GROUP_SET_CONTAINER', 'the container is not one of the linux backend');
    }
    this.ioctl(VFIO_IOCTL.GROUP_SET_CONTAINER, encodeFd(container.fd), { hint: iommuAttachHint });
  }

  unsetContainer(): void {
    this.ioctl(VFIO_IOCTL.GROUP_UNSET_CONTAINER);
  }

  getDevice(name: string): LinuxVfioDevice {
    // The kernel says EINVAL both for an unknown name and for a group without a container and IOMMU.
    const fd = this.ioctl(VFIO_IOCTL.GROUP_GET_DEVICE_FD, encodeDeviceName(name), {
      hint: () => `device ${name} in group ${this.id}: is it in this group, and is the group attached to a container with an IOMMU set?`,
    });
    return new LinuxVfioDevice(name, fd, this.files);
  }
}
