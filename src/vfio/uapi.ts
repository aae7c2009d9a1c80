// The numbers of Linux's VFIO uapi (include/uapi/linux/vfio.h) that a vfio-platform VMM uses. Both host
// backends speak them: the linux backend passes them to the kernel (native/ checks them against the system's
// header at compile time), the fake backend's kernel model interprets them as the kernel does.

export const VFIO_API_VERSION = 0;

// Extensions and IOMMU types (VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU).
export const VFIO_TYPE1_IOMMU = 1;
export const VFIO_TYPE1v2_IOMMU = 3;
export const VFIO_NOIOMMU_IOMMU = 8;

// struct vfio_group_status.flags
export const VFIO_GROUP_FLAGS_VIABLE = 1 << 0;
export const VFIO_GROUP_FLAGS_CONTAINER_SET = 1 << 1;

// struct vfio_device_info.flags
export const VFIO_DEVICE_FLAGS_RESET = 1 << 0;
export const VFIO_DEVICE_FLAGS_PCI = 1 << 1;
export const VFIO_DEVICE_FLAGS_PLATFORM = 1 << 2;
export const VFIO_DEVICE_FLAGS_AMBA = 1 << 3;

// struct vfio_region_info.flags
export const VFIO_REGION_INFO_FLAG_READ = 1 << 0;
export const VFIO_REGION_INFO_FLAG_WRITE = 1 << 1;
export const VFIO_REGION_INFO_FLAG_MMAP = 1 << 2;
export const VFIO_REGION_INFO_FLAG_CAPS = 1 << 3;

// struct vfio_irq_info.flags
export const VFIO_IRQ_INFO_EVENTFD = 1 << 0;
export const VFIO_IRQ_INFO_MASKABLE = 1 << 1;
export const VFIO_IRQ_INFO_AUTOMASKED = 1 << 2;
export const VFIO_IRQ_INFO_NORESIZE = 1 << 3;

// struct vfio_irq_set.flags: exactly one DATA_* and one ACTION_*.
export const VFIO_IRQ_SET_DATA_NONE = 1 << 0;
export const VFIO_IRQ_SET_DATA_BOOL = 1 << 1;
export const VFIO_IRQ_SET_DATA_EVENTFD = 1 << 2;
export const VFIO_IRQ_SET_ACTION_MASK = 1 << 3;
export const VFIO_IRQ_SET_ACTION_UNMASK = 1 << 4;
export const VFIO_IRQ_SET_ACTION_TRIGGER = 1 << 5;
export const VFIO_IRQ_SET_DATA_TYPE_MASK = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_DATA_EVENTFD;
export const VFIO_IRQ_SET_ACTION_TYPE_MASK = VFIO_IRQ_SET_ACTION_MASK | VFIO_IRQ_SET_ACTION_UNMASK | VFIO_IRQ_SET_ACTION_TRIGGER;

// struct vfio_iommu_type1_dma_map.flags
export const VFIO_DMA_MAP_FLAG_READ = 1 << 0;
export const VFIO_DMA_MAP_FLAG_WRITE = 1 << 1;

// struct vfio_iommu_type1_info.flags
export const VFIO_IOMMU_INFO_PGSIZES = 1 << 0;

/** vfio-platform puts region i at file offset i << 40 of the device fd (VFIO_PLATFORM_INDEX_TO_OFFSET). */
export const VFIO_PLATFORM_OFFSET_SHIFT = 40;
export const VFIO_PLATFORM_OFFSET_MASK = 2 ** VFIO_PLATFORM_OFFSET_SHIFT - 1;

export function regionOffset(index: number): number {
  return index * 2 ** VFIO_PLATFORM_OFFSET_SHIFT;
}

// ioctl request numbers: _IO(';', 100 + n), the size is not encoded.
const VFIO_TYPE = 0x3b;
const VFIO_BASE = 100;
const vfioIo = (n: number) => (VFIO_TYPE << 8) | (VFIO_BASE + n);
export const VFIO_IOCTL = {
  GET_API_VERSION: vfioIo(0),
  CHECK_EXTENSION: vfioIo(1),
  SET_IOMMU: vfioIo(2),
  GROUP_GET_STATUS: vfioIo(3),
  GROUP_SET_CONTAINER: vfioIo(4),
  GROUP_UNSET_CONTAINER: vfioIo(5),
  GROUP_GET_DEVICE_FD: vfioIo(6),
  DEVICE_GET_INFO: vfioIo(7),
  DEVICE_GET_REGION_INFO: vfioIo(8),
  DEVICE_GET_IRQ_INFO: vfioIo(9),
  DEVICE_SET_IRQS: vfioIo(10),
  DEVICE_RESET: vfioIo(11),
  IOMMU_GET_INFO: vfioIo(12),
  IOMMU_MAP_DMA: vfioIo(13),
  IOMMU_UNMAP_DMA: vfioIo(14),
} as const;

// Struct sizes (bytes) as the kernel expects in argsz; native/ static_asserts them against linux/vfio.h.
export const VFIO_STRUCT_SIZE = {
  group_status: 8,
  device_info: 24,
  region_info: 32,
  irq_info: 16,
  irq_set: 20,
  iommu_type1_info: 24,
  iommu_type1_dma_map: 32,
  iommu_type1_dma_unmap: 24,
} as const;
