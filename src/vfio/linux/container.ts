// /dev/vfio/vfio on Linux: the IOMMU context groups attach to, and the DMA mappings of guest RAM.
import { native } from '../../cpu/native.js';
import { VfioHostError, type DmaMapping, type VfioContainer } from '../host.js';
import { VFIO_IOCTL } from '../uapi.js';
import { encodeDmaMap, encodeDmaUnmap, iommuInfoRequest, parseDmaUnmapSize, parseIommuInfo } from './marshal.js';
import { VfioFile } from './vfio-file.js';

/** Attaching a group to the IOMMU fails with EPERM on hosts without interrupt remapping (most SoCs). */
export function iommuAttachHint(errno: string): string | undefined {
  if (errno !== 'EPERM') return undefined;
  return 'no interrupt remapping on this host? echo 1 > /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts';
}

export class LinuxVfioContainer extends VfioFile implements VfioContainer {
  /** Mapped guest memory by IOVA: kept alive while the IOMMU points at it. */
  private readonly mapped = new Map<number, DmaMapping>();

  apiVersion(): number {
    return this.ioctl(VFIO_IOCTL.GET_API_VERSION);
  }

  checkExtension(extension: number): boolean {
    return this.ioctl(VFIO_IOCTL.CHECK_EXTENSION, extension) > 0;
  }

  setIommu(type: number): void {
    this.ioctl(VFIO_IOCTL.SET_IOMMU, type, { hint: iommuAttachHint });
  }

  iommuInfo(): { flags: number; iovaPageSizes: number } {
    const info = iommuInfoRequest();
    this.ioctl(VFIO_IOCTL.IOMMU_GET_INFO, info);
    return parseIommuInfo(info);
  }

  mapDma(mapping: DmaMapping): void {
    const { memory, offset, size } = mapping;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size <= 0 || offset + size > memory.size) {
      throw new VfioHostError(
        'EINVAL',
        'VFIO_IOMMU_MAP_DMA',
        `0x${offset.toString(16)}+0x${size.toString(16)} is outside its host memory (0x${memory.size.toString(16)} bytes)`,
      );
    }
    const vaddr = native.hostAddress(memory.buffer) + BigInt(offset);
    this.ioctl(VFIO_IOCTL.IOMMU_MAP_DMA, encodeDmaMap({ vaddr, iova: mapping.iova, size, flags: mapping.flags }), {
      // type1 pins the pages and counts them against the locked-memory limit of unprivileged users.
      hint: (errno) => (errno === 'ENOMEM' ? `pinning 0x${size.toString(16)} bytes of guest RAM exceeds RLIMIT_MEMLOCK: raise ulimit -l` : undefined),
    });
    this.mapped.set(mapping.iova, { ...mapping });
  }

  unmapDma(iova: number, size: number): number {
    const request = encodeDmaUnmap(iova, size);
    this.ioctl(VFIO_IOCTL.IOMMU_UNMAP_DMA, request);
    for (const [at, m] of this.mapped) {
      if (at >= iova && at + m.size <= iova + size) this.mapped.delete(at);
    }
    return parseDmaUnmapSize(request);
  }

  override close(): void {
    super.close();
    this.mapped.clear();
  }
}
