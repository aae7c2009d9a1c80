// Field offsets of the VFIO uapi structs (include/uapi/linux/vfio.h) the linux backend marshals. Sizes are
// VFIO_STRUCT_SIZE in ../uapi.ts. Both are checked against the system header: native/src/vfio_linux.cc at
// build time, test/vfio/linux/layout.test.ts against vfioLayout().
export const VFIO_FIELD_OFFSET = {
  'group_status.argsz': 0,
  'group_status.flags': 4,
  'device_info.argsz': 0,
  'device_info.flags': 4,
  'device_info.num_regions': 8,
  'device_info.num_irqs': 12,
  'region_info.argsz': 0,
  'region_info.flags': 4,
  'region_info.index': 8,
  'region_info.size': 16,
  'region_info.offset': 24,
  'irq_info.argsz': 0,
  'irq_info.flags': 4,
  'irq_info.index': 8,
  'irq_info.count': 12,
  'irq_set.argsz': 0,
  'irq_set.flags': 4,
  'irq_set.index': 8,
  'irq_set.start': 12,
  'irq_set.count': 16,
  /** DATA_BOOL: one u8 per subindex; DATA_EVENTFD: one s32 per subindex (-1 de-assigns). */
  'irq_set.data': 20,
  'iommu_type1_info.argsz': 0,
  'iommu_type1_info.flags': 4,
  'iommu_type1_info.iova_pgsizes': 8,
  'iommu_type1_dma_map.argsz': 0,
  'iommu_type1_dma_map.flags': 4,
  'iommu_type1_dma_map.vaddr': 8,
  'iommu_type1_dma_map.iova': 16,
  'iommu_type1_dma_map.size': 24,
  'iommu_type1_dma_unmap.argsz': 0,
  'iommu_type1_dma_unmap.flags': 4,
  'iommu_type1_dma_unmap.iova': 8,
  'iommu_type1_dma_unmap.size': 16,
} as const;

export type VfioField = keyof typeof VFIO_FIELD_OFFSET;
