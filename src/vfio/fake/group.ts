// /dev/vfio/<N> of the fake host (drivers/vfio/group.c): one open at a time, SET_CONTAINER only for a
// viable group (a device bound to a host driver keeps DMA ownership: EPERM), device fds only once the
// container has an IOMMU, and the group's release (last of its fd and its device fds) leaves the container.
import { VfioHostError, type VfioContainer, type VfioGroup } from '../host.js';
import { VFIO_GROUP_FLAGS_CONTAINER_SET, VFIO_GROUP_FLAGS_VIABLE } from '../uapi.js';
import { FakeContainer } from './container.js';
import type { FakeDevice, HostDevice } from './device.js';

/** The kernel's vfio_group: outlives the fds that open it. */
export class GroupState {
  container: FakeContainer | undefined;
  fdOpen = false;

  constructor(
    readonly id: number,
    readonly viable: boolean,
    readonly devices: readonly HostDevice[],
  ) {}

  /** Called when the group fd or one of its device fds closes: the last one out leaves the container. */
  releaseIfUnused(): void {
    if (this.fdOpen || this.devices.some((d) => d.isOpen) || !this.container) return;
    this.container.detachGroup(this);
    this.container = undefined;
  }
}

export class FakeGroup implements VfioGroup {
  private closed = false;

  constructor(private readonly state: GroupState) {}

  get id(): number {
    return this.state.id;
  }

  status(): number {
    this.check('VFIO_GROUP_GET_STATUS');
    if (this.state.container) return VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET;
    return this.state.viable ? VFIO_GROUP_FLAGS_VIABLE : 0;
  }

  setContainer(container: VfioContainer): void {
    const op = 'VFIO_GROUP_SET_CONTAINER';
    this.check(op);
    if (!(container instanceof FakeContainer)) throw new VfioHostError('EBADF', op, 'not a container of this host');
    if (this.state.container) throw new VfioHostError('EINVAL', op, `group ${this.id} already has a container`);
    if (!this.state.viable) throw new VfioHostError('EPERM', op, `group ${this.id} is not viable: a device in it is bound to a host driver`);
    container.groups.add(this.state);
    this.state.container = container;
  }

  unsetContainer(): void {
    const op = 'VFIO_GROUP_UNSET_CONTAINER';
    this.check(op);
    if (!this.state.container) throw new VfioHostError('EINVAL', op, `group ${this.id} has no container`);
    if (this.state.devices.some((d) => d.isOpen)) throw new VfioHostError('EBUSY', op, `group ${this.id} has open device fds`);
    this.state.container.detachGroup(this.state);
    this.state.container = undefined;
  }

  getDevice(name: string): FakeDevice {
    const op = 'VFIO_GROUP_GET_DEVICE_FD';
    this.check(op);
    const device = this.state.devices.find((d) => d.name === name);
    if (!device) throw new VfioHostError('ENODEV', op, `no device '${name}' bound to vfio in group ${this.id}`);
    if (!this.state.container?.hasIommu) throw new VfioHostError('EINVAL', op, `group ${this.id} needs a container with an IOMMU set first`);
    return device.open(() => this.state.releaseIfUnused());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.state.fdOpen = false;
    this.state.releaseIfUnused();
  }

  private check(op: string): void {
    if (this.closed) throw new VfioHostError('EBADF', op, `the group ${this.id} fd is closed`);
  }
}
