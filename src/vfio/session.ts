// A VMM's use of one VFIO host, shared by every passthrough device: one container with guest RAM mapped
// for DMA (IOVA = guest physical address, as QEMU's container listener maps address_space_memory), each
// IOMMU group opened once, and the host's events dispatched by the run loop between slices. The errors
// carry QEMU's strings (VFIO-FACTS §1.3) so users can search for them.
import type { HostMemory } from '../cpu/host-memory.js';
import type { HostEventSource } from '../core/run-loop.js';
import { VFIO_API_VERSION, VFIO_DMA_MAP_FLAG_READ, VFIO_DMA_MAP_FLAG_WRITE, VFIO_GROUP_FLAGS_VIABLE, VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU } from './uapi.js';
import { VfioError } from './vfio-error.js';
import { errnoText, VfioHostError, type VfioBackend, type VfioContainer, type VfioDevice, type VfioGroup } from './host.js';

export interface GuestRam {
  memory: HostMemory;
  /** Guest physical address of memory[0]: the IOVA devices use for it. */
  base: number;
}

interface OpenGroup {
  group: VfioGroup;
  devices: Set<string>;
}

/** `strerror`-style text of a failed host call. */
export function hostErrorText(error: unknown): string {
  if (error instanceof VfioHostError) return errnoText(error.errno);
  return error instanceof Error ? error.message : String(error);
}

/** Runs a host call; a failure becomes `what: <strerror>` (QEMU's error_setg_errno shape). */
export function hostCall<T>(what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new VfioError(`${what}: ${hostErrorText(error)}`, { cause: error });
  }
}

export class VfioSession implements HostEventSource {
  private container: VfioContainer | undefined;
  private readonly groups = new Map<number, OpenGroup>();

  constructor(
    readonly backend: VfioBackend,
    private readonly ram: readonly GuestRam[],
    /** Told at close what the devices left open (a VMM bug: the backend closes it then). */
    private readonly onLeftOpen: (what: string[]) => void = () => {},
  ) {}

  dispatch(): void {
    this.backend.dispatch();
  }

  /**
   * Opens device `name` of IOMMU group `groupId`: the group (once), the container (once, with guest RAM
   * mapped), then the device fd.
   */
  openDevice(name: string, groupId: number): VfioDevice {
    const open = this.openGroup(groupId);
    if (open.devices.has(name)) throw new VfioError('device is already attached');
    let device: VfioDevice;
    try {
      device = open.group.getDevice(name);
    } catch (error) {
      this.releaseGroupIfUnused(groupId);
      throw new VfioError(`error getting device from group ${groupId}: ${hostErrorText(error)}`, {
        cause: error,
        hint: `Verify all devices in group ${groupId} are bound to vfio-platform or pci-stub and not already in use`,
      });
    }
    open.devices.add(name);
    return device;
  }

  /** Closes the device fd; the group (and container) go when their last device does. */
  closeDevice(device: VfioDevice, groupId: number): void {
    device.close();
    this.groups.get(groupId)?.devices.delete(device.name);
    this.releaseGroupIfUnused(groupId);
  }

  /** Closes the groups and the container; anything else still open was left by a device, and is reported. */
  close(): void {
    for (const { group } of this.groups.values()) group.close();
    this.groups.clear();
    this.container?.close();
    this.container = undefined;
    const left = this.backend.openResources();
    if (left.length) this.onLeftOpen(left);
    this.backend.close();
  }

  private openGroup(groupId: number): OpenGroup {
    const known = this.groups.get(groupId);
    if (known) return known;
    const group = hostCall(`failed to open /dev/vfio/${groupId}`, () => this.backend.openGroup(groupId));
    try {
      const status = hostCall(`failed to get group ${groupId} status`, () => group.status());
      if (!(status & VFIO_GROUP_FLAGS_VIABLE)) {
        throw new VfioError(`group ${groupId} is not viable`, { hint: 'Please ensure all devices within the iommu_group are bound to their vfio bus driver.' });
      }
      try {
        this.attachToContainer(group);
      } catch (error) {
        const hint = error instanceof VfioError ? error.hint : undefined;
        throw new VfioError(`failed to setup container for group ${groupId}: ${hostErrorText(error)}`, { cause: error, hint });
      }
    } catch (error) {
      group.close();
      throw error;
    }
    const open = { group, devices: new Set<string>() };
    this.groups.set(groupId, open);
    return open;
  }

  /** The first group brings the container up: IOMMU type, then guest RAM mapped for DMA. */
  private attachToContainer(group: VfioGroup): void {
    if (this.container) {
      try {
        group.setContainer(this.container);
      } catch (error) {
        throw new VfioError(hostErrorText(error), { cause: error });
      }
      return;
    }
    const container = this.backend.openContainer();
    try {
      const version = container.apiVersion();
      if (version !== VFIO_API_VERSION) throw new VfioError(`unsupported VFIO API version ${version} (expected ${VFIO_API_VERSION})`);
      const type = [VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU].find((t) => container.checkExtension(t));
      if (type === undefined) throw new VfioError('no available IOMMU models (the host has neither type1 nor type1v2)');
      group.setContainer(container);
      container.setIommu(type);
      for (const { memory, base } of this.ram) {
        container.mapDma({ memory, offset: 0, iova: base, size: memory.size, flags: VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE });
      }
    } catch (error) {
      container.close();
      throw error instanceof VfioHostError ? new VfioError(hostErrorText(error), { cause: error }) : error;
    }
    this.container = container;
  }

  /** A group goes with its last device, and the container with its last group (the kernel drops its IOMMU then). */
  private releaseGroupIfUnused(groupId: number): void {
    const open = this.groups.get(groupId);
    if (!open || open.devices.size > 0) return;
    open.group.close();
    this.groups.delete(groupId);
    if (this.groups.size === 0) {
      this.container?.close();
      this.container = undefined;
    }
  }
}
