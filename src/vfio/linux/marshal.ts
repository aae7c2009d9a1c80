// The byte layout of the VFIO uapi structs, built and parsed in TS so the native layer only passes bytes to
// ioctl(2). Pure functions: test/vfio/linux/marshal.test.ts checks them against the system header's layout.
// Structs are native-endian; every request starts with argsz, the size the kernel may read and write.
import { endianness } from 'node:os';
import { VfioHostError, type DeviceInfo, type IrqInfo, type IrqSet, type RegionInfo } from '../host.js';
import { VFIO_IRQ_SET_DATA_BOOL, VFIO_IRQ_SET_DATA_EVENTFD, VFIO_IRQ_SET_DATA_NONE, VFIO_IRQ_SET_DATA_TYPE_MASK, VFIO_STRUCT_SIZE } from '../uapi.js';
import { VFIO_FIELD_OFFSET, type VfioField } from './layout.js';

const LITTLE = endianness() === 'LE';

export type VfioStruct = keyof typeof VFIO_STRUCT_SIZE;

/** A zeroed struct with argsz set, followed by `trailing` bytes of data. */
export function newStruct(name: VfioStruct, trailing = 0): Uint8Array {
  const bytes = new Uint8Array(VFIO_STRUCT_SIZE[name] + trailing);
  setU32(bytes, `${name}.argsz` as VfioField, bytes.length);
  return bytes;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function setU32(bytes: Uint8Array, field: VfioField, value: number): void {
  view(bytes).setUint32(VFIO_FIELD_OFFSET[field], value, LITTLE);
}

function setU64(bytes: Uint8Array, field: VfioField, value: number | bigint): void {
  view(bytes).setBigUint64(VFIO_FIELD_OFFSET[field], BigInt(value), LITTLE);
}

function getU32(bytes: Uint8Array, field: VfioField): number {
  return view(bytes).getUint32(VFIO_FIELD_OFFSET[field], LITTLE);
}

/** A u64 as a number: exact for the sizes and offsets VFIO reports (below 2^53), and for page-size masks. */
function getU64(bytes: Uint8Array, field: VfioField): number {
  return Number(view(bytes).getBigUint64(VFIO_FIELD_OFFSET[field], LITTLE));
}

function checkU32(operation: string, what: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new VfioHostError('EINVAL', operation, `${what} ${value} is not a u32`);
  }
}

export function groupStatusRequest(): Uint8Array {
  return newStruct('group_status');
}

/** VFIO_GROUP_FLAGS_* */
export function parseGroupStatus(bytes: Uint8Array): number {
  return getU32(bytes, 'group_status.flags');
}

export function deviceInfoRequest(): Uint8Array {
  return newStruct('device_info');
}

export function parseDeviceInfo(bytes: Uint8Array): DeviceInfo {
  return {
    flags: getU32(bytes, 'device_info.flags'),
    numRegions: getU32(bytes, 'device_info.num_regions'),
    numIrqs: getU32(bytes, 'device_info.num_irqs'),
  };
}

export function regionInfoRequest(index: number): Uint8Array {
  checkU32('VFIO_DEVICE_GET_REGION_INFO', 'index', index);
  const bytes = newStruct('region_info');
  setU32(bytes, 'region_info.index', index);
  return bytes;
}

export function parseRegionInfo(bytes: Uint8Array): RegionInfo {
  return {
    index: getU32(bytes, 'region_info.index'),
    flags: getU32(bytes, 'region_info.flags'),
    size: getU64(bytes, 'region_info.size'),
    offset: getU64(bytes, 'region_info.offset'),
  };
}

export function irqInfoRequest(index: number): Uint8Array {
  checkU32('VFIO_DEVICE_GET_IRQ_INFO', 'index', index);
  const bytes = newStruct('irq_info');
  setU32(bytes, 'irq_info.index', index);
  return bytes;
}

export function parseIrqInfo(bytes: Uint8Array): IrqInfo {
  return {
    index: getU32(bytes, 'irq_info.index'),
    flags: getU32(bytes, 'irq_info.flags'),
    count: getU32(bytes, 'irq_info.count'),
  };
}

/**
 * struct vfio_irq_set with its trailing data: nothing for DATA_NONE, a u8 per subindex for DATA_BOOL, an
 * s32 eventfd per subindex (-1 for null: de-assign) for DATA_EVENTFD. Data that cannot be laid out (not
 * exactly one DATA_* type, or not `count` entries of the right kind) is EINVAL, as the kernel would answer
 * the argsz it implies. Whether the action suits the IRQ is the kernel's to say.
 */
export function encodeIrqSet(set: IrqSet): Uint8Array {
  const op = 'VFIO_DEVICE_SET_IRQS';
  checkU32(op, 'flags', set.flags);
  checkU32(op, 'index', set.index);
  checkU32(op, 'start', set.start);
  checkU32(op, 'count', set.count);
  const dataType = set.flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
  const data = set.data ?? [];
  let entrySize: number;
  switch (dataType) {
    case VFIO_IRQ_SET_DATA_NONE:
      if (data.length !== 0) throw new VfioHostError('EINVAL', op, `DATA_NONE carries no data, got ${data.length} entries`);
      entrySize = 0;
      break;
    case VFIO_IRQ_SET_DATA_BOOL:
      entrySize = 1;
      break;
    case VFIO_IRQ_SET_DATA_EVENTFD:
      entrySize = 4;
      break;
    default:
      throw new VfioHostError('EINVAL', op, `flags 0x${set.flags.toString(16)} must hold exactly one of DATA_NONE, DATA_BOOL, DATA_EVENTFD`);
  }
  if (entrySize > 0 && data.length !== set.count) {
    throw new VfioHostError('EINVAL', op, `count ${set.count} needs ${set.count} data entries, got ${data.length}`);
  }
  const bytes = newStruct('irq_set', entrySize * set.count);
  setU32(bytes, 'irq_set.flags', set.flags);
  setU32(bytes, 'irq_set.index', set.index);
  setU32(bytes, 'irq_set.start', set.start);
  setU32(bytes, 'irq_set.count', set.count);
  const at = VFIO_FIELD_OFFSET['irq_set.data'];
  const dv = view(bytes);
  data.forEach((entry, i) => {
    if (dataType === VFIO_IRQ_SET_DATA_BOOL) {
      if (typeof entry !== 'boolean') throw new VfioHostError('EINVAL', op, `DATA_BOOL entry ${i} is not a boolean`);
      dv.setUint8(at + i, entry ? 1 : 0);
    } else {
      if (entry !== null && (typeof entry !== 'object' || !Number.isInteger(entry.fd) || entry.fd < 0)) {
        throw new VfioHostError('EINVAL', op, `DATA_EVENTFD entry ${i} is neither a notifier nor null`);
      }
      dv.setInt32(at + 4 * i, entry === null ? -1 : entry.fd, LITTLE);
    }
  });
  return bytes;
}

export function iommuInfoRequest(): Uint8Array {
  return newStruct('iommu_type1_info');
}

export function parseIommuInfo(bytes: Uint8Array): { flags: number; iovaPageSizes: number } {
  return { flags: getU32(bytes, 'iommu_type1_info.flags'), iovaPageSizes: getU64(bytes, 'iommu_type1_info.iova_pgsizes') };
}

export function encodeDmaMap(map: { vaddr: bigint; iova: number; size: number; flags: number }): Uint8Array {
  const bytes = newStruct('iommu_type1_dma_map');
  setU32(bytes, 'iommu_type1_dma_map.flags', map.flags);
  setU64(bytes, 'iommu_type1_dma_map.vaddr', map.vaddr);
  setU64(bytes, 'iommu_type1_dma_map.iova', map.iova);
  setU64(bytes, 'iommu_type1_dma_map.size', map.size);
  return bytes;
}

export function encodeDmaUnmap(iova: number, size: number): Uint8Array {
  const bytes = newStruct('iommu_type1_dma_unmap');
  setU64(bytes, 'iommu_type1_dma_unmap.iova', iova);
  setU64(bytes, 'iommu_type1_dma_unmap.size', size);
  return bytes;
}

/** The kernel writes back the number of bytes it unmapped. */
export function parseDmaUnmapSize(bytes: Uint8Array): number {
  return getU64(bytes, 'iommu_type1_dma_unmap.size');
}

/** VFIO_GROUP_GET_DEVICE_FD's argument: the device name, NUL-terminated. */
export function encodeDeviceName(name: string): Uint8Array {
  if (name.length === 0 || name.includes('\0')) throw new VfioHostError('EINVAL', 'VFIO_GROUP_GET_DEVICE_FD', `device name ${JSON.stringify(name)}`);
  return new TextEncoder().encode(`${name}\0`);
}

/** VFIO_GROUP_SET_CONTAINER's argument: a pointer to the container fd. */
export function encodeFd(fd: number): Uint8Array {
  const bytes = new Uint8Array(4);
  view(bytes).setInt32(0, fd, LITTLE);
  return bytes;
}
