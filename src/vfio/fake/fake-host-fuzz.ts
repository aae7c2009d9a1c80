// How `npm run fuzz` drives the fake VFIO host: one target per device model (a new model is fuzzed once a
// shipped host description uses it), opened through the uapi as a VMM does and then given random calls:
// reads and writes of the device fd at any region, offset and length, region and IRQ info of any index,
// SET_IRQS with any flags, index, range and data (booleans, eventfds, closed or foreign ones), resets, mmaps,
// DMA (un)mappings, the VMM signalling and closing its eventfds, guest stores to mapped regions, and the
// hardware changing the IRQ lines its model does not drive. Invariants: every failure is an errno (a
// VfioHostError); a read or write moves what fits the region; an asserted level IRQ with a trigger is masked
// (it fired); the IRQ lines a model drives follow its registers.
import { HostMemory, PAGE_SIZE } from '../../cpu/host-memory.js';
import type { Rng } from '../../testing/fuzz/rng.js';
import { registerFuzzTarget, runWeighted, type FuzzAction, type FuzzTarget, type Recorder } from '../../testing/fuzz/target.js';
import { VfioHostError, type EventNotifier, type IrqSet } from '../host.js';
import {
  VFIO_DMA_MAP_FLAG_READ,
  VFIO_DMA_MAP_FLAG_WRITE,
  VFIO_IRQ_SET_ACTION_MASK,
  VFIO_IRQ_SET_ACTION_TRIGGER,
  VFIO_IRQ_SET_ACTION_UNMASK,
  VFIO_IRQ_SET_DATA_BOOL,
  VFIO_IRQ_SET_DATA_EVENTFD,
  VFIO_IRQ_SET_DATA_NONE,
  VFIO_REGION_INFO_FLAG_MMAP,
  VFIO_TYPE1v2_IOMMU,
  regionOffset,
} from '../uapi.js';
import type { FakeContainer } from './container.js';
import type { DeviceDescription } from './description.js';
import type { FakeDevice } from './device.js';
import type { FakeEventNotifier } from './event-notifier.js';
import { FakeVfioHost } from './fake-host.js';
import type { FakeGroup } from './group.js';
import { MODEL_NAMES } from './models/registry.js';
import { shippedHostDescriptions } from './shipped-hosts.js';
import { at } from '../../util/at.js';

const RAM_IOVA = 0x4000_0000;
const RAM_SIZE = 0x1_0000;
const LENGTHS = [0, 1, 2, 3, 4, 4, 4, 8, 16, 64, 0x1000];
const DATA_TYPES = [VFIO_IRQ_SET_DATA_NONE, VFIO_IRQ_SET_DATA_BOOL, VFIO_IRQ_SET_DATA_EVENTFD];
const ACTIONS = [VFIO_IRQ_SET_ACTION_MASK, VFIO_IRQ_SET_ACTION_UNMASK, VFIO_IRQ_SET_ACTION_TRIGGER];
/** Eventfds the VMM side holds at most. */
const MAX_NOTIFIERS = 8;
/** A descriptor this host never handed out (another process's eventfd). */
const FOREIGN: EventNotifier = { fd: 3, signal: () => {}, setHandler: () => {}, close: () => {} };

class FakeHostFuzzTarget implements FuzzTarget {
  readonly invariant =
    'failures are errnos; reads and writes move what fits the region; an asserted level IRQ with a trigger is masked; model-driven IRQ lines follow the registers';
  private readonly host: FakeVfioHost;
  private readonly description: DeviceDescription;
  private readonly container: FakeContainer;
  private readonly group: FakeGroup;
  private device: FakeDevice;
  private readonly ram = new HostMemory(RAM_SIZE);
  private readonly notifiers: FakeEventNotifier[] = [];
  private readonly actions: FuzzAction[];

  constructor(model: string, rng: Rng) {
    const hosts = shippedHostDescriptions().filter((h) => h.description.devices.some((d) => d.model.name === model));
    if (!hosts.length) throw new Error(`no host description in machines/hosts uses model '${model}': describe one so the model can be fuzzed`);
    const { path, description } = rng.pick(hosts);
    this.description = rng.pick(description.devices.filter((d) => d.model.name === model));
    this.host = FakeVfioHost.load(path, { log: (message) => void message.length });
    try {
      this.container = this.host.openContainer();
      this.group = this.host.openGroup(this.description.iommuGroup);
      this.group.setContainer(this.container);
      this.container.setIommu(VFIO_TYPE1v2_IOMMU);
      this.container.mapDma({ memory: this.ram, offset: 0, iova: RAM_IOVA, size: RAM_SIZE, flags: VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE });
      this.device = this.group.getDevice(this.description.name);
    } catch (error) {
      this.host.close();
      throw error;
    }
    this.actions = [
      { weight: 25, run: (rng, record) => this.read(rng, record) },
      { weight: 25, run: (rng, record) => this.write(rng, record) },
      { weight: 12, run: (rng, record) => this.setIrqs(rng, record) },
      { weight: 6, run: (rng, record) => this.hardwareIrq(rng, record) },
      { weight: 6, run: (rng, record) => this.notifier(rng, record) },
      { weight: 5, run: (rng, record) => this.storeToMapping(rng, record) },
      { weight: 5, run: (_rng, record) => (record?.('dispatch'), this.host.dispatch(), 0) },
      { weight: 3, run: (rng, record) => this.info(rng, record) },
      { weight: 2, run: (rng, record) => this.dma(rng, record) },
      { weight: 0.5, run: (_rng, record) => (record?.('VFIO_DEVICE_RESET'), this.call(() => this.device.reset()), 1) },
      { weight: 0.3, run: (_rng, record) => this.reopen(record) },
    ];
  }

  step(rng: Rng, record: Recorder): number {
    return runWeighted(this.actions, rng, record);
  }

  check(): string | undefined {
    const device = this.host.device(this.description.name);
    for (const irq of device.irqs) {
      if (irq.isLevel && irq.level && irq.triggerFd && !irq.isMasked)
        return `level IRQ ${irq.index} is asserted with a trigger eventfd but not masked: it did not fire`;
      const expected = device.model.expectedIrqLevel(irq.index);
      if (expected !== undefined && expected !== irq.level)
        return `IRQ ${irq.index} is ${irq.level ? 'asserted' : 'deasserted'}, but the model's registers say ${expected ? 'asserted' : 'deasserted'}`;
    }
    return undefined;
  }

  close(): void {
    this.device.close();
    this.group.close();
    this.container.close();
    this.host.close();
  }

  /** Runs a uapi call: an errno is the host's answer; anything else escapes, and is a bug. */
  private call<T>(operation: () => T): T | undefined {
    try {
      return operation();
    } catch (error) {
      if (error instanceof VfioHostError) return undefined;
      throw error;
    }
  }

  /** A device-fd offset: mostly inside a region, sometimes past its end or in a region that does not exist. */
  private offset(rng: Rng): { index: number; at: number; size: number } {
    const regions = this.description.regions;
    const index = rng.chance(0.9) ? rng.below(regions.length + 1) : rng.below(4096);
    const size = regions[index]?.size ?? PAGE_SIZE;
    const at = rng.chance(0.9) ? rng.below(size) : size + rng.below(16);
    return { index, at, size };
  }

  private read(rng: Rng, record: Recorder): number {
    const { index, at, size } = this.offset(rng);
    const length = rng.pick(LENGTHS);
    record?.(`pread region ${index} + 0x${at.toString(16)}, ${length} bytes`);
    const bytes = this.call(() => this.device.read(regionOffset(index) + at, length));
    if (bytes && bytes.length !== Math.min(length, size - at))
      throw new Error(`a read of ${length} bytes at 0x${at.toString(16)} of a 0x${size.toString(16)}-byte region returned ${bytes.length}`);
    return 1;
  }

  private write(rng: Rng, record: Recorder): number {
    const { index, at, size } = this.offset(rng);
    const data = new Uint8Array(rng.pick(LENGTHS));
    const words = new DataView(data.buffer);
    for (let i = 0; i + 4 <= data.length; i += 4) words.setUint32(i, rng.value32());
    for (let i = data.length & ~3; i < data.length; i++) data[i] = rng.below(256);
    record?.(`pwrite region ${index} + 0x${at.toString(16)}, ${data.length} bytes [${data.subarray(0, 16).join(', ')}${data.length > 16 ? ', ...' : ''}]`);
    const written = this.call(() => this.device.write(regionOffset(index) + at, data));
    if (written !== undefined && written !== Math.min(data.length, size - at))
      throw new Error(`a write of ${data.length} bytes at 0x${at.toString(16)} of a 0x${size.toString(16)}-byte region wrote ${written}`);
    return 1;
  }

  private setIrqs(rng: Rng, record: Recorder): number {
    const irqs = this.description.irqs.length;
    const flags = rng.chance(0.85) ? rng.pick(DATA_TYPES) | rng.pick(ACTIONS) : rng.value32();
    const set: IrqSet = {
      flags,
      index: rng.chance(0.9) ? rng.below(irqs + 1) : rng.value32(),
      start: rng.chance(0.8) ? 0 : rng.value32(),
      count: rng.chance(0.7) ? 1 : rng.pick([0, 2, rng.value32()]),
    };
    const entries = Math.min(set.count, rng.chance(0.9) ? 4 : 0);
    if (flags & VFIO_IRQ_SET_DATA_BOOL) set.data = Array.from({ length: entries }, () => rng.chance(0.5));
    else if (flags & VFIO_IRQ_SET_DATA_EVENTFD) set.data = Array.from({ length: entries }, () => this.someNotifier(rng));
    record?.(
      `VFIO_DEVICE_SET_IRQS flags 0x${flags.toString(16)} index ${set.index} start ${set.start} count ${set.count} data [${(set.data ?? []).map((d) => (typeof d === 'boolean' ? d : (d?.fd ?? -1))).join(', ')}]`,
    );
    this.call(() => this.device.setIrqs(set));
    return 1;
  }

  /** One of the VMM's eventfds (a new one, a closed one), -1, or a descriptor of no host. */
  private someNotifier(rng: Rng): EventNotifier | null {
    if (rng.chance(0.1)) return null;
    if (rng.chance(0.05)) return FOREIGN;
    if (this.notifiers.length < MAX_NOTIFIERS && (this.notifiers.length === 0 || rng.chance(0.3))) {
      const notifier = this.host.createEventNotifier();
      notifier.setHandler(() => {}, { immediate: rng.chance(0.5) });
      this.notifiers.push(notifier);
    }
    return rng.pick(this.notifiers);
  }

  /** The hardware moves an IRQ line its model leaves alone. */
  private hardwareIrq(rng: Rng, record: Recorder): number {
    const irqs = this.host.device(this.description.name).irqs;
    const irq = irqs[rng.below(irqs.length)];
    if (!irq || this.host.device(this.description.name).model.expectedIrqLevel(irq.index) !== undefined) return 0;
    const level = rng.chance(0.5);
    record?.(`hardware: IRQ ${irq.index} ${irq.isLevel ? (level ? 'asserted' : 'deasserted') : 'pulsed'}`);
    if (irq.isLevel) irq.setLevel(level);
    else irq.pulse();
    return 0;
  }

  /** The VMM writes to (an unmask eventfd) or closes one of its eventfds. */
  private notifier(rng: Rng, record: Recorder): number {
    if (!this.notifiers.length) return 0;
    const notifier = rng.pick(this.notifiers);
    if (rng.chance(0.9)) {
      record?.(`VMM signals eventfd ${notifier.fd}`);
      notifier.signal();
    } else {
      record?.(`VMM closes eventfd ${notifier.fd}`);
      notifier.close();
    }
    return 0;
  }

  /** The guest stores through a mapped region (the fast path): the model sees it at its next sync. */
  private storeToMapping(rng: Rng, record: Recorder): number {
    const index = rng.below(this.description.regions.length);
    const region = at(this.description.regions, index);
    if (!(this.host.device(this.description.name).regionFlags(index) & VFIO_REGION_INFO_FLAG_MMAP)) return 0;
    const memory = this.call(() => this.device.mmap(regionOffset(index), region.size));
    if (!memory) return 0;
    const within = rng.below(region.size / 4) * 4;
    const value = rng.value32();
    record?.(`guest stores 0x${value.toString(16)} at region ${index} + 0x${within.toString(16)} through the mapping`);
    memory.view.setUint32(within, value, true);
    return 1;
  }

  private info(rng: Rng, record: Recorder): number {
    const index = rng.chance(0.8) ? rng.below(Math.max(this.description.regions.length, this.description.irqs.length) + 2) : rng.value32();
    const offset = regionOffset(rng.below(this.description.regions.length + 1)) + (rng.chance(0.8) ? 0 : PAGE_SIZE * rng.below(4));
    const size = rng.chance(0.8) ? (this.description.regions[0]?.size ?? PAGE_SIZE) : rng.value32();
    record?.(`info: region ${index}, IRQ ${index}, mmap 0x${offset.toString(16)} + 0x${size.toString(16)}`);
    this.call(() => this.device.info());
    this.call(() => this.device.regionInfo(index));
    this.call(() => this.device.irqInfo(index));
    this.call(() => this.device.mmap(offset, size));
    return 4;
  }

  private dma(rng: Rng, record: Recorder): number {
    const iova = rng.chance(0.7) ? RAM_IOVA + PAGE_SIZE * rng.between(-2, 20) : rng.value32();
    const size = rng.chance(0.7) ? PAGE_SIZE * rng.between(0, 4) : rng.value32();
    if (rng.chance(0.5)) {
      record?.(`VFIO_IOMMU_UNMAP_DMA 0x${iova.toString(16)} + 0x${size.toString(16)}`);
      this.call(() => this.container.unmapDma(iova, size));
    } else {
      const offset = rng.chance(0.8) ? PAGE_SIZE * rng.below(RAM_SIZE / PAGE_SIZE) : rng.value32();
      const flags = rng.below(4);
      record?.(`VFIO_IOMMU_MAP_DMA iova 0x${iova.toString(16)} size 0x${size.toString(16)} vaddr +0x${offset.toString(16)} flags ${flags}`);
      this.call(() => this.container.mapDma({ memory: this.ram, offset, iova, size, flags }));
    }
    return 1;
  }

  /** The VMM closes the device fd and opens it again: release (IRQs off, reset) and a reset at open. */
  private reopen(record: Recorder): number {
    record?.('close the device fd and get it again');
    this.device.close();
    this.device = this.group.getDevice(this.description.name);
    return 1;
  }
}

for (const model of MODEL_NAMES) registerFuzzTarget(`fake-host-${model}`, (rng) => new FakeHostFuzzTarget(model, rng));
