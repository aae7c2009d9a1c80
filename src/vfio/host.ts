// The VFIO host interface: what vfio-platform needs from the host, shaped like the uapi (container, group,
// device; one method per ioctl, plus read/write/mmap of the device fd and eventfds). Two backends implement
// it: `linux` (real ioctls on /dev/vfio) and `fake` (an in-process model of the kernel's vfio-platform
// driver). Everything above this interface is shared by both, so code that passes on the fake runs on Linux.
//
// Numbers are JS numbers: region offsets (index << 40) and sizes stay below 2^53.
// Failures throw VfioHostError carrying the errno the kernel would return.
import { constants as osConstants } from 'node:os';
import type { HostMemory } from '../cpu/host-memory.js';

export type Errno = keyof typeof osConstants.errno;

/** A failed VFIO operation: `errno` is what the kernel returns (EINVAL, EBUSY, ENOENT, ...). */
export class VfioHostError extends Error {
  constructor(
    readonly errno: Errno,
    /** The operation, e.g. 'VFIO_DEVICE_SET_IRQS' or 'open /dev/vfio/7'. */
    readonly operation: string,
    detail?: string,
  ) {
    super(`${operation}: ${errnoText(errno)}${detail ? ` (${detail})` : ''}`);
    this.name = 'VfioHostError';
  }
}

const ERRNO_TEXT: Partial<Record<Errno, string>> = {
  EINVAL: 'Invalid argument',
  EBUSY: 'Device or resource busy',
  ENOENT: 'No such file or directory',
  EPERM: 'Operation not permitted',
  EFAULT: 'Bad address',
  ENOTTY: 'Inappropriate ioctl for device',
  ENODEV: 'No such device',
  ENOSPC: 'No space left on device',
  EEXIST: 'File exists',
  EIO: 'Input/output error',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  ENXIO: 'No such device or address',
  EAGAIN: 'Resource temporarily unavailable',
  EBADF: 'Bad file descriptor',
};

export function errnoText(errno: Errno): string {
  return ERRNO_TEXT[errno] ?? errno;
}

export interface DeviceInfo {
  /** VFIO_DEVICE_FLAGS_* */
  flags: number;
  numRegions: number;
  numIrqs: number;
}

export interface RegionInfo {
  index: number;
  /** VFIO_REGION_INFO_FLAG_* */
  flags: number;
  size: number;
  /** Offset of the region in the device fd (index << 40 on vfio-platform). */
  offset: number;
}

export interface IrqInfo {
  index: number;
  /** VFIO_IRQ_INFO_*: 0x7 for a level IRQ (automasked), 0x1 for an edge IRQ. */
  flags: number;
  count: number;
}

/**
 * struct vfio_irq_set. `data` follows flags' DATA_* type: absent for DATA_NONE, one boolean per subindex for
 * DATA_BOOL, one notifier (or null for -1, de-assign) per subindex for DATA_EVENTFD.
 */
export interface IrqSet {
  flags: number;
  index: number;
  start: number;
  count: number;
  data?: readonly boolean[] | readonly (EventNotifier | null)[];
}

/** An eventfd: a counter one side signals and the other side reads; the reader's handler runs on the host side. */
export interface EventNotifier {
  /** The descriptor passed to the kernel (a real eventfd on linux). */
  readonly fd: number;
  /** Adds 1 to the counter (write(fd, 1)). */
  signal(): void;
  /**
   * Runs `handler` when the counter is non-zero, after reading it back to zero (several signals before a
   * delivery are one call, as with a real eventfd). Delivery happens between vCPU slices, never inside one,
   * unless `immediate`: a handler that only drives interrupt lines (what KVM's irqfd does in the kernel) may
   * run as soon as the host signals, even from inside a slice, which saves a slice per interrupt when the host
   * is in-process. A real eventfd is read from Node's event loop, so there it changes nothing.
   */
  setHandler(handler: (() => void) | undefined, options?: { immediate?: boolean }): void;
  close(): void;
}

export interface DmaMapping {
  /** Guest RAM backing the mapping; the device sees `memory[offset .. offset+size)` at `iova`. */
  memory: HostMemory;
  offset: number;
  iova: number;
  size: number;
  /** VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE */
  flags: number;
}

/** /dev/vfio/vfio */
export interface VfioContainer {
  apiVersion(): number;
  checkExtension(extension: number): boolean;
  setIommu(type: number): void;
  iommuInfo(): { flags: number; iovaPageSizes: number };
  mapDma(mapping: DmaMapping): void;
  /** Returns the number of bytes unmapped. */
  unmapDma(iova: number, size: number): number;
  close(): void;
}

/** /dev/vfio/<group> */
export interface VfioGroup {
  readonly id: number;
  /** VFIO_GROUP_FLAGS_* */
  status(): number;
  setContainer(container: VfioContainer): void;
  unsetContainer(): void;
  getDevice(name: string): VfioDevice;
  close(): void;
}

/** A device fd from VFIO_GROUP_GET_DEVICE_FD. */
export interface VfioDevice {
  readonly name: string;
  info(): DeviceInfo;
  regionInfo(index: number): RegionInfo;
  irqInfo(index: number): IrqInfo;
  setIrqs(set: IrqSet): void;
  reset(): void;
  /** pread at a device-fd offset (index << 40 | offset in region); returns the bytes read (may be fewer than asked, as the kernel clamps at the region's end). */
  read(offset: number, length: number): Uint8Array;
  /** pwrite at a device-fd offset; returns the number of bytes written. */
  write(offset: number, data: Uint8Array): number;
  /** mmap(MAP_SHARED) of `size` bytes at a device-fd offset: memory the guest can map directly (the fast path). */
  mmap(offset: number, size: number): HostMemory;
  close(): void;
}

/** How host events reach the run loop: a backend calls `kick` when a notifier is signalled. */
export interface HostEventSink {
  /** Ends the current vCPU slice (or an idle wait) so pending notifier handlers run soon. */
  kick(): void;
}

export interface VfioBackend {
  readonly kind: 'linux' | 'fake';
  /** Root of the sysfs tree realize reads (`/` on a real host). Paths are joined under it: `<root>/sys/bus/platform/devices/<name>`. */
  readonly sysfsRoot: string;
  openContainer(): VfioContainer;
  /** Opens /dev/vfio/<id>; ENOENT when there is no such group. */
  openGroup(id: number): VfioGroup;
  createEventNotifier(): EventNotifier;
  /** Connects the backend to a run loop: `sink.kick()` on host events. */
  attach(sink: HostEventSink): void;
  /** Runs the handlers of signalled notifiers and lets device models catch up; called between vCPU slices. */
  dispatch(): void;
  /** What the VMM still has open (container, group and device fds, eventfds): its accounting at close. */
  openResources(): string[];
  /** Closes what is left open and gives back what the backend itself took (a fake host's temp tree). */
  close(): void;
}
