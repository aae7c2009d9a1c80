// /dev/vfio/vfio of the fake host: the container and its type1 IOMMU (drivers/vfio/container.c and
// vfio_iommu_type1.c rules): SET_IOMMU needs an attached group, mappings are page aligned and never overlap,
// an unmap may not split a mapping (type1v2 rule, applied to both types), and the last group leaving the
// container releases the IOMMU with its mappings. Devices reach guest memory only through these mappings.
import { hex } from '../../util/hex.js';
import { PAGE_SIZE } from '../../cpu/host-memory.js';
import { VfioHostError, type DmaMapping, type VfioContainer } from '../host.js';
import { VFIO_API_VERSION, VFIO_DMA_MAP_FLAG_READ, VFIO_DMA_MAP_FLAG_WRITE, VFIO_IOMMU_INFO_PGSIZES, VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU } from '../uapi.js';
import { at } from '../../util/at.js';

/** An ARM SMMU with a 4 KiB granule: 4 KiB pages, 2 MiB and 1 GiB blocks. */
export const FAKE_IOVA_PAGE_SIZES = 0x1000 | 0x20_0000 | 0x4000_0000;

/** What a device-side DMA access found: the bytes, or the first IOVA that has no mapping allowing it. */
export type DmaResult = { ok: true } | { ok: false; faultIova: number; reason: string };

export class FakeContainer implements VfioContainer {
  private iommuType: number | undefined;
  private readonly mappings: DmaMapping[] = [];
  /** Groups attached by VFIO_GROUP_SET_CONTAINER (kernel objects, not fds). */
  readonly groups = new Set<object>();
  private closed = false;

  apiVersion(): number {
    this.check('VFIO_GET_API_VERSION');
    return VFIO_API_VERSION;
  }

  checkExtension(extension: number): boolean {
    this.check('VFIO_CHECK_EXTENSION');
    return extension === VFIO_TYPE1_IOMMU || extension === VFIO_TYPE1v2_IOMMU;
  }

  setIommu(type: number): void {
    const op = 'VFIO_SET_IOMMU';
    this.check(op);
    if (this.groups.size === 0) throw new VfioHostError('EINVAL', op, 'no group is attached to the container');
    if (this.iommuType !== undefined) throw new VfioHostError('EINVAL', op, 'the container already has an IOMMU');
    if (!this.checkExtension(type))
      throw new VfioHostError('ENODEV', op, `IOMMU type ${type} is not supported (type1 ${VFIO_TYPE1_IOMMU}, type1v2 ${VFIO_TYPE1v2_IOMMU})`);
    this.iommuType = type;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get hasIommu(): boolean {
    return this.iommuType !== undefined;
  }

  iommuInfo(): { flags: number; iovaPageSizes: number } {
    this.checkIommu('VFIO_IOMMU_GET_INFO');
    return { flags: VFIO_IOMMU_INFO_PGSIZES, iovaPageSizes: FAKE_IOVA_PAGE_SIZES };
  }

  mapDma(mapping: DmaMapping): void {
    const op = 'VFIO_IOMMU_MAP_DMA';
    this.checkIommu(op);
    const { iova, size, offset, flags, memory } = mapping;
    if (!(flags & (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE))) throw new VfioHostError('EINVAL', op, 'flags give neither READ nor WRITE');
    if (size <= 0 || !pageAligned(iova) || !pageAligned(size) || !pageAligned(offset)) {
      throw new VfioHostError('EINVAL', op, `iova ${hex(iova)}, size ${hex(size)} and vaddr must be non-zero multiples of ${hex(PAGE_SIZE)}`);
    }
    if (iova + size > 2 ** 48) throw new VfioHostError('EINVAL', op, `iova range ${hex(iova)}+${hex(size)} is beyond the 48-bit IOVA space`);
    if (offset < 0 || offset + size > memory.size) throw new VfioHostError('EFAULT', op, `vaddr range is outside the ${hex(memory.size)}-byte memory`);
    const clash = this.mappings.find((m) => m.iova < iova + size && iova < m.iova + m.size);
    if (clash) throw new VfioHostError('EEXIST', op, `iova ${hex(iova)}+${hex(size)} overlaps the mapping at ${hex(clash.iova)}+${hex(clash.size)}`);
    this.mappings.push({ ...mapping });
  }

  unmapDma(iova: number, size: number): number {
    const op = 'VFIO_IOMMU_UNMAP_DMA';
    this.checkIommu(op);
    if (size <= 0 || !pageAligned(iova) || !pageAligned(size))
      throw new VfioHostError('EINVAL', op, `iova ${hex(iova)} and size ${hex(size)} must be non-zero multiples of ${hex(PAGE_SIZE)}`);
    const end = iova + size;
    const split = this.mappings.find((m) => (m.iova < iova && iova < m.iova + m.size) || (m.iova < end && end < m.iova + m.size));
    if (split) throw new VfioHostError('EINVAL', op, `range ${hex(iova)}+${hex(size)} would split the mapping at ${hex(split.iova)}+${hex(split.size)}`);
    let unmapped = 0;
    for (let i = this.mappings.length - 1; i >= 0; i--) {
      const m = at(this.mappings, i);
      if (m.iova >= iova && m.iova + m.size <= end) {
        unmapped += m.size;
        this.mappings.splice(i, 1);
      }
    }
    return unmapped;
  }

  /** The mappings in IOVA order, for the monitor and tests. */
  dmaMappings(): readonly DmaMapping[] {
    return [...this.mappings].sort((a, b) => a.iova - b.iova);
  }

  close(): void {
    this.closed = true;
  }

  /** Kernel side: a group left; the last one takes the IOMMU and its mappings with it. */
  detachGroup(group: object): void {
    this.groups.delete(group);
    if (this.groups.size === 0) {
      this.iommuType = undefined;
      this.mappings.length = 0;
    }
  }

  /** Device-side DMA read: copies `into.length` bytes from `iova`, piece by piece across mappings. */
  dmaRead(iova: number, into: Uint8Array): DmaResult {
    return this.walk(iova, into.length, VFIO_DMA_MAP_FLAG_READ, (bytes, at) => into.set(bytes, at));
  }

  /** Device-side DMA write. Bytes before a fault are written, as a real bus master's would be. */
  dmaWrite(iova: number, data: Uint8Array): DmaResult {
    return this.walk(iova, data.length, VFIO_DMA_MAP_FLAG_WRITE, (bytes, at) => bytes.set(data.subarray(at, at + bytes.length)));
  }

  private walk(iova: number, length: number, need: number, piece: (bytes: Uint8Array, at: number) => void): DmaResult {
    for (let done = 0; done < length;) {
      const address = iova + done;
      const m = this.mappings.find((x) => x.iova <= address && address < x.iova + x.size);
      if (!m) return { ok: false, faultIova: address, reason: 'no mapping' };
      if (!(m.flags & need))
        return { ok: false, faultIova: address, reason: need === VFIO_DMA_MAP_FLAG_READ ? 'mapping is not readable' : 'mapping is not writable' };
      const count = Math.min(length - done, m.iova + m.size - address);
      const start = m.offset + (address - m.iova);
      piece(m.memory.bytes.subarray(start, start + count), done);
      done += count;
    }
    return { ok: true };
  }

  private check(op: string): void {
    if (this.closed) throw new VfioHostError('EBADF', op, 'the container is closed');
  }

  private checkIommu(op: string): void {
    this.check(op);
    if (this.iommuType === undefined) throw new VfioHostError('EINVAL', op, 'no IOMMU is set (VFIO_SET_IOMMU)');
  }
}

function pageAligned(n: number): boolean {
  return Number.isSafeInteger(n) && n % PAGE_SIZE === 0;
}
