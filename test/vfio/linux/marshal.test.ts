import { expect } from 'chai';
import { endianness } from 'node:os';
import { native } from '../../../src/cpu/native.js';
import type { EventNotifier } from '../../../src/vfio/host.js';
import {
  deviceInfoRequest,
  encodeDeviceName,
  encodeDmaMap,
  encodeDmaUnmap,
  encodeFd,
  encodeIrqSet,
  irqInfoRequest,
  parseDeviceInfo,
  parseDmaUnmapSize,
  parseGroupStatus,
  parseIommuInfo,
  parseIrqInfo,
  parseRegionInfo,
  regionInfoRequest,
} from '../../../src/vfio/linux/marshal.js';
import {
  VFIO_IRQ_SET_ACTION_MASK,
  VFIO_IRQ_SET_ACTION_TRIGGER,
  VFIO_IRQ_SET_ACTION_UNMASK,
  VFIO_IRQ_SET_DATA_BOOL,
  VFIO_IRQ_SET_DATA_EVENTFD,
  VFIO_IRQ_SET_DATA_NONE,
  VFIO_STRUCT_SIZE,
} from '../../../src/vfio/uapi.js';
import { expectVfioError } from './expect-vfio-error.js';

// Expected bytes are placed with the header's offsets (vfioLayout), not the marshaller's own table.
const { offset: at } = native.vfioLayout();
const LE = endianness() === 'LE';

function struct(bytes: Uint8Array) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    u32: (field: string) => dv.getUint32(at[field]!, LE),
    u64: (field: string) => dv.getBigUint64(at[field]!, LE),
    s32At: (offset: number) => dv.getInt32(offset, LE),
    setU32: (field: string, v: number) => dv.setUint32(at[field]!, v, LE),
    setU64: (field: string, v: bigint) => dv.setBigUint64(at[field]!, v, LE),
  };
}

const notifier = (fd: number): EventNotifier => ({ fd, signal() {}, setHandler() {}, close() {} });

describe('VFIO struct marshalling', () => {
  describe('VFIO_DEVICE_SET_IRQS', () => {
    it('DATA_NONE | ACTION_UNMASK: the header alone (unmask an automasked IRQ)', () => {
      const bytes = encodeIrqSet({ flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, index: 2, start: 0, count: 1 });
      const s = struct(bytes);
      expect(bytes.length).to.equal(VFIO_STRUCT_SIZE.irq_set);
      expect(s.u32('irq_set.argsz')).to.equal(20);
      expect(s.u32('irq_set.flags')).to.equal(0x11);
      expect(s.u32('irq_set.index')).to.equal(2);
      expect(s.u32('irq_set.start')).to.equal(0);
      expect(s.u32('irq_set.count')).to.equal(1);
    });

    it('DATA_NONE | ACTION_TRIGGER with count 0: disable the whole index', () => {
      const bytes = encodeIrqSet({ flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, index: 0, start: 0, count: 0, data: [] });
      expect(bytes.length).to.equal(20);
      expect(struct(bytes).u32('irq_set.flags')).to.equal(0x21);
      expect(struct(bytes).u32('irq_set.count')).to.equal(0);
    });

    it('DATA_BOOL | ACTION_MASK: one byte per subindex after the header', () => {
      const bytes = encodeIrqSet({ flags: VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK, index: 0, start: 1, count: 3, data: [true, false, true] });
      expect(bytes.length).to.equal(23);
      expect(struct(bytes).u32('irq_set.argsz')).to.equal(23);
      expect(struct(bytes).u32('irq_set.flags')).to.equal(0x0a);
      expect(struct(bytes).u32('irq_set.start')).to.equal(1);
      expect([...bytes.subarray(at['irq_set.data'] ?? expect.fail('no offset for irq_set.data'))]).to.deep.equal([1, 0, 1]);
    });

    it('DATA_EVENTFD | ACTION_TRIGGER: an s32 fd per subindex, -1 to de-assign', () => {
      const bytes = encodeIrqSet({
        flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
        index: 1,
        start: 0,
        count: 3,
        data: [notifier(17), null, notifier(42)],
      });
      const s = struct(bytes);
      expect(bytes.length).to.equal(32);
      expect(s.u32('irq_set.argsz')).to.equal(32);
      expect(s.u32('irq_set.flags')).to.equal(0x24);
      const data = at['irq_set.data']!;
      expect([s.s32At(data), s.s32At(data + 4), s.s32At(data + 8)]).to.deep.equal([17, -1, 42]);
    });

    it('DATA_EVENTFD | ACTION_UNMASK: the unmask (resample) eventfd', () => {
      const bytes = encodeIrqSet({ flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK, index: 0, start: 0, count: 1, data: [notifier(9)] });
      expect(bytes.length).to.equal(24);
      expect(struct(bytes).u32('irq_set.flags')).to.equal(0x14);
      expect(struct(bytes).s32At(at['irq_set.data']!)).to.equal(9);
    });

    it('refuses what it cannot lay out with EINVAL, as the kernel would', () => {
      const set = { index: 0, start: 0, count: 3 };
      expectVfioError(
        () => encodeIrqSet({ ...set, flags: VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK, data: [true] }),
        'EINVAL',
        /count 3 needs 3 data entries, got 1/,
      );
      expectVfioError(
        () => encodeIrqSet({ ...set, flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, data: [true, true, true] }),
        'EINVAL',
        /DATA_NONE carries no data/,
      );
      expectVfioError(
        () => encodeIrqSet({ ...set, flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK }),
        'EINVAL',
        /exactly one of DATA_NONE/,
      );
      expectVfioError(() => encodeIrqSet({ ...set, flags: VFIO_IRQ_SET_ACTION_TRIGGER }), 'EINVAL', /exactly one of DATA_NONE/);
      expectVfioError(
        () => encodeIrqSet({ ...set, flags: VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK, data: [true, 1 as unknown as boolean, false] }),
        'EINVAL',
        /entry 1 is not a boolean/,
      );
      expectVfioError(() => encodeIrqSet({ ...set, index: -1, flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK }), 'EINVAL', /index -1 is not a u32/);
    });
  });

  it('asks for region info by index and reads size and offset as u64', () => {
    const bytes = regionInfoRequest(3);
    const s = struct(bytes);
    expect(bytes.length).to.equal(32);
    expect(s.u32('region_info.argsz')).to.equal(32);
    expect(s.u32('region_info.index')).to.equal(3);
    // What the kernel writes back for a page-aligned MMIO region of vfio-platform.
    s.setU32('region_info.flags', 0x7);
    s.setU64('region_info.size', 0x2_0000n);
    s.setU64('region_info.offset', 3n << 40n);
    expect(parseRegionInfo(bytes)).to.deep.equal({ index: 3, flags: 0x7, size: 0x2_0000, offset: 3 * 2 ** 40 });
  });

  it('asks for IRQ info by index and reads flags and count', () => {
    const bytes = irqInfoRequest(1);
    const s = struct(bytes);
    expect(s.u32('irq_info.argsz')).to.equal(16);
    expect(s.u32('irq_info.index')).to.equal(1);
    s.setU32('irq_info.flags', 0x7);
    s.setU32('irq_info.count', 1);
    expect(parseIrqInfo(bytes)).to.deep.equal({ index: 1, flags: 0x7, count: 1 });
  });

  it('reads device info, group status and IOMMU info', () => {
    const device = deviceInfoRequest();
    struct(device).setU32('device_info.flags', 0x5);
    struct(device).setU32('device_info.num_regions', 2);
    struct(device).setU32('device_info.num_irqs', 3);
    expect(struct(device).u32('device_info.argsz')).to.equal(24);
    expect(parseDeviceInfo(device)).to.deep.equal({ flags: 0x5, numRegions: 2, numIrqs: 3 });

    const status = new Uint8Array(8);
    struct(status).setU32('group_status.flags', 0x3);
    expect(parseGroupStatus(status)).to.equal(0x3);

    const iommu = new Uint8Array(24);
    struct(iommu).setU32('iommu_type1_info.flags', 1);
    struct(iommu).setU64('iommu_type1_info.iova_pgsizes', 0x4020_1000n);
    expect(parseIommuInfo(iommu)).to.deep.equal({ flags: 1, iovaPageSizes: 0x4020_1000 });
  });

  it('lays out DMA map and unmap, and reads back the unmapped size', () => {
    const map = encodeDmaMap({ vaddr: 0x7f12_3456_7000n, iova: 0x4000_0000, size: 0x20_0000, flags: 3 });
    const m = struct(map);
    expect(m.u32('iommu_type1_dma_map.argsz')).to.equal(32);
    expect(m.u32('iommu_type1_dma_map.flags')).to.equal(3);
    expect(m.u64('iommu_type1_dma_map.vaddr')).to.equal(0x7f12_3456_7000n);
    expect(m.u64('iommu_type1_dma_map.iova')).to.equal(0x4000_0000n);
    expect(m.u64('iommu_type1_dma_map.size')).to.equal(0x20_0000n);

    const unmap = encodeDmaUnmap(0x4000_0000, 0x1000);
    const u = struct(unmap);
    expect(u.u32('iommu_type1_dma_unmap.argsz')).to.equal(24);
    expect(u.u64('iommu_type1_dma_unmap.iova')).to.equal(0x4000_0000n);
    u.setU64('iommu_type1_dma_unmap.size', 0x800n);
    expect(parseDmaUnmapSize(unmap)).to.equal(0x800);
  });

  it('passes the device name NUL-terminated and the container fd as an int32', () => {
    expect([...encodeDeviceName('e0900000.xgmac')]).to.deep.equal([...Buffer.from('e0900000.xgmac\0')]);
    expectVfioError(() => encodeDeviceName('a\0b'), 'EINVAL', /"a\\u0000b"/);
    expect(struct(encodeFd(12)).s32At(0)).to.equal(12);
  });
});
