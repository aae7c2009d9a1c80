// A platform device bound to vfio-platform on the fake host (vfio_platform_common.c): device, region and IRQ
// info, bounds-checked read/write of the device fd (split into 4, 2 and 1-byte accesses as the kernel's
// ioread/iowrite loop does), mmap of MMAP regions, and reset at first open, at last close and on
// VFIO_DEVICE_RESET. The device fd is refcounted like the kernel's open_count: several GET_DEVICE_FD calls
// share one device state.
import { PAGE_SIZE, type HostMemory } from '../../cpu/host-memory.js';
import { defineTraceEvent } from '../../trace/index.js';
import { VfioHostError, type DeviceInfo, type EventNotifier, type IrqInfo, type IrqSet, type RegionInfo, type VfioDevice } from '../host.js';
import {
  VFIO_DEVICE_FLAGS_PLATFORM,
  VFIO_DEVICE_FLAGS_RESET,
  VFIO_IRQ_INFO_AUTOMASKED,
  VFIO_IRQ_INFO_EVENTFD,
  VFIO_IRQ_INFO_MASKABLE,
  VFIO_PLATFORM_OFFSET_SHIFT,
  VFIO_REGION_INFO_FLAG_MMAP,
  VFIO_REGION_INFO_FLAG_READ,
  VFIO_REGION_INFO_FLAG_WRITE,
  regionOffset,
} from '../uapi.js';
import type { DmaResult, FakeContainer } from './container.js';
import type { DeviceDescription } from './description.js';
import type { FakeEventNotifier } from './event-notifier.js';
import { FakeIrq } from './irq.js';
import type { DeviceModel, ModelHost } from './models/device-model.js';
import { createModel } from './models/registry.js';
import { setIrqs } from './set-irqs.js';
import { at } from '../../util/at.js';

const traceDmaFault = defineTraceEvent('vfio_fake_dma_fault', '%s: DMA %s of %u bytes at iova %#x faults at %#x: %s');
const traceReset = defineTraceEvent('vfio_fake_device_reset', '%s: reset (%s)');

/** What the device needs from the host: its group's container, eventfd lookup, logging. */
export interface DeviceEnvironment {
  container(): FakeContainer | undefined;
  eventfd(notifier: EventNotifier): FakeEventNotifier;
  log(message: string): void;
}

export class HostDevice {
  readonly name: string;
  readonly model: DeviceModel;
  readonly irqs: FakeIrq[];
  private openCount = 0;
  private faultIova = 0;
  private readonly flagsOfRegion: number[];

  constructor(
    readonly description: DeviceDescription,
    private readonly env: DeviceEnvironment,
  ) {
    this.name = description.name;
    this.flagsOfRegion = description.regions.map((r) => {
      let flags = VFIO_REGION_INFO_FLAG_READ;
      if (!r.readOnly) flags |= VFIO_REGION_INFO_FLAG_WRITE;
      if (r.address % PAGE_SIZE === 0 && r.size % PAGE_SIZE === 0) flags |= VFIO_REGION_INFO_FLAG_MMAP;
      return flags;
    });
    this.irqs = description.irqs.map((kind, i) => new FakeIrq(this.name, i, kind));
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter below runs with the host literal as `this`
    const device = this;
    const host: ModelHost = {
      label: this.name,
      setIrqLevel: (index, asserted) => at(this.irqs, index).setLevel(asserted),
      pulseIrq: (index) => at(this.irqs, index).pulse(),
      dmaRead: (iova, into) => this.dma('read', iova, into.length, (c) => c.dmaRead(iova, into)),
      dmaWrite: (iova, data) => this.dma('write', iova, data.length, (c) => c.dmaWrite(iova, data)),
      get lastFaultIova() {
        return device.faultIova;
      },
      log: (message) => env.log(message),
    };
    this.model = createModel(description.model.name, {
      host,
      regions: description.regions.map((r, i) => ({ size: r.size, mmap: (this.regionFlags(i) & VFIO_REGION_INFO_FLAG_MMAP) !== 0 })),
      irqs: description.irqs,
      options: description.model.options,
      where: description.where,
    });
  }

  get isOpen(): boolean {
    return this.openCount > 0;
  }

  /** A new device fd; `onClose` runs after it closes (the group's release check). */
  open(onClose: () => void): FakeDevice {
    if (this.openCount++ === 0) this.reset('open');
    return new FakeDevice(this, this.env, onClose);
  }

  /** One device fd closed; the last one releases the IRQs and resets the device. */
  release(): void {
    if (--this.openCount > 0) return;
    for (const irq of this.irqs) irq.release();
    this.reset('release');
  }

  reset(why: string): void {
    traceReset(this.name, why);
    this.model.reset();
  }

  /** READ, WRITE unless read-only, MMAP only when address and size are page aligned. */
  regionFlags(index: number): number {
    return at(this.flagsOfRegion, index);
  }

  private dma(kind: 'read' | 'write', iova: number, length: number, access: (c: FakeContainer) => DmaResult): boolean {
    const container = this.env.container();
    const result: DmaResult = container?.hasIommu ? access(container) : { ok: false, faultIova: iova, reason: 'the group has no IOMMU domain' };
    if (result.ok) return true;
    this.faultIova = result.faultIova;
    traceDmaFault(this.name, kind, length, iova, result.faultIova, result.reason);
    this.env.log(`${this.name}: DMA ${kind} of ${length} bytes at iova 0x${iova.toString(16)} faults at 0x${result.faultIova.toString(16)}: ${result.reason}`);
    return false;
  }
}

/** A device fd (VFIO_GROUP_GET_DEVICE_FD). */
export class FakeDevice implements VfioDevice {
  readonly name: string;
  private closed = false;

  constructor(
    readonly device: HostDevice,
    private readonly env: DeviceEnvironment,
    private readonly onClose: () => void,
  ) {
    this.name = device.name;
  }

  info(): DeviceInfo {
    this.check('VFIO_DEVICE_GET_INFO');
    return {
      flags: VFIO_DEVICE_FLAGS_PLATFORM | VFIO_DEVICE_FLAGS_RESET,
      numRegions: this.device.description.regions.length,
      numIrqs: this.device.irqs.length,
    };
  }

  regionInfo(index: number): RegionInfo {
    const op = 'VFIO_DEVICE_GET_REGION_INFO';
    this.check(op);
    const region = this.device.description.regions[index];
    if (!Number.isInteger(index) || !region)
      throw new VfioHostError('EINVAL', op, `region index ${index} is beyond the device's ${this.device.description.regions.length} regions`);
    return { index, flags: this.device.regionFlags(index), size: region.size, offset: regionOffset(index) };
  }

  irqInfo(index: number): IrqInfo {
    const op = 'VFIO_DEVICE_GET_IRQ_INFO';
    this.check(op);
    const irq = this.device.irqs[index];
    if (!Number.isInteger(index) || !irq) throw new VfioHostError('EINVAL', op, `IRQ index ${index} is beyond the device's ${this.device.irqs.length} IRQs`);
    const flags = irq.isLevel ? VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED : VFIO_IRQ_INFO_EVENTFD;
    return { index, flags, count: 1 };
  }

  setIrqs(set: IrqSet): void {
    this.check('VFIO_DEVICE_SET_IRQS');
    this.device.model.sync();
    setIrqs({ irqs: this.device.irqs, eventfd: (n) => this.env.eventfd(n), sync: () => this.device.model.sync() }, set);
  }

  reset(): void {
    this.check('VFIO_DEVICE_RESET');
    this.device.model.sync();
    this.device.reset('VFIO_DEVICE_RESET');
  }

  read(offset: number, length: number): Uint8Array {
    const { index, at: start, count } = this.locate('read', offset, length, VFIO_REGION_INFO_FLAG_READ);
    const out = new Uint8Array(count);
    const view = new DataView(out.buffer);
    this.device.model.sync();
    splitAccesses(start, count, (pos, size) => {
      const value = this.device.model.read(index, pos, size);
      if (size === 4) view.setUint32(pos - start, value, true);
      else if (size === 2) view.setUint16(pos - start, value, true);
      else view.setUint8(pos - start, value);
    });
    return out;
  }

  write(offset: number, data: Uint8Array): number {
    const { index, at: start, count } = this.locate('write', offset, data.length, VFIO_REGION_INFO_FLAG_WRITE);
    this.device.model.sync();
    if (count === 4 && start % 4 === 0) {
      // The common trapped access, one aligned word: no view, no split.
      this.device.model.write(index, start, 4, ((data[0] ?? 0) | ((data[1] ?? 0) << 8) | ((data[2] ?? 0) << 16) | ((data[3] ?? 0) << 24)) >>> 0);
      return count;
    }
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    splitAccesses(start, count, (pos, size) => {
      const value = size === 4 ? view.getUint32(pos - start, true) : size === 2 ? view.getUint16(pos - start, true) : view.getUint8(pos - start);
      this.device.model.write(index, pos, size, value);
    });
    return count;
  }

  /**
   * mmap(MAP_SHARED) of an MMAP region: the region's own memory, so guest accesses are the device's. The
   * kernel also allows a page-aligned part of a region; this host maps whole regions only (what QEMU and
   * every vfio-platform VMM ask for) and refuses a part with EINVAL rather than hand out a copy.
   */
  mmap(offset: number, size: number): HostMemory {
    const op = 'mmap';
    this.check(op);
    const index = Math.floor(offset / 2 ** VFIO_PLATFORM_OFFSET_SHIFT);
    const start = offset % 2 ** VFIO_PLATFORM_OFFSET_SHIFT;
    const region = this.device.description.regions[index];
    if (!region)
      throw new VfioHostError(
        'EINVAL',
        op,
        `offset 0x${offset.toString(16)} names region ${index}, beyond the device's ${this.device.description.regions.length}`,
      );
    const memory = at(this.device.model.regions, index).memory;
    if (!(this.device.regionFlags(index) & VFIO_REGION_INFO_FLAG_MMAP) || !memory)
      throw new VfioHostError('EINVAL', op, `region ${index} is not mmap-able (its address or size is not page aligned)`);
    const length = Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
    if (size <= 0 || start % PAGE_SIZE !== 0 || start + length > region.size) {
      throw new VfioHostError(
        'EINVAL',
        op,
        `0x${size.toString(16)} bytes at 0x${start.toString(16)} do not fit region ${index} (0x${region.size.toString(16)} bytes)`,
      );
    }
    if (start !== 0 || length !== region.size)
      throw new VfioHostError('EINVAL', op, `the fake host maps whole regions only (region ${index}: 0 + 0x${region.size.toString(16)})`);
    return memory;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.device.release();
    this.onClose();
  }

  /** Region index, offset in it and bytes to access; every trapped guest access comes here, so errors' text is built only on error. */
  private locate(kind: 'read' | 'write', offset: number, length: number, need: number): { index: number; at: number; count: number } {
    const op = () => `${kind} ${this.name}`;
    if (this.closed) this.check(op());
    const index = Math.floor(offset / REGION_STRIDE);
    const at = offset - index * REGION_STRIDE;
    const region = this.device.description.regions[index];
    if (!region)
      throw new VfioHostError(
        'EINVAL',
        op(),
        `offset 0x${offset.toString(16)} names region ${index}, beyond the device's ${this.device.description.regions.length}`,
      );
    if (!(this.device.regionFlags(index) & need)) throw new VfioHostError('EINVAL', op(), `region ${index} is read-only`);
    if (at >= region.size)
      throw new VfioHostError('EINVAL', op(), `offset 0x${at.toString(16)} is beyond region ${index} (0x${region.size.toString(16)} bytes)`);
    return { index, at, count: Math.min(length, region.size - at) };
  }

  private check(op: string): void {
    if (this.closed) throw new VfioHostError('EBADF', op, `the ${this.name} device fd is closed`);
  }
}

const REGION_STRIDE = 2 ** VFIO_PLATFORM_OFFSET_SHIFT;

/** The kernel's loop: 4-byte accesses where aligned and at least 4 bytes remain, then 2, then 1. */
function splitAccesses(at: number, count: number, access: (pos: number, size: 1 | 2 | 4) => void): void {
  for (let pos = at; pos < at + count;) {
    const left = at + count - pos;
    const size = left >= 4 && pos % 4 === 0 ? 4 : left >= 2 && pos % 2 === 0 ? 2 : 1;
    access(pos, size);
    pos += size;
  }
}
