// The fake VFIO host backend: a host description materialised as a sysfs-shaped tree (so realize reads the
// same files as on Linux) plus the in-process kernel model (container, groups, vfio-platform devices) and
// the devices' behaviour models. Host events (IRQ eventfds) reach the run loop through dispatch(), which
// first lets every model catch up with what the guest wrote through the mappings.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VfioHostError, type EventNotifier, type HostEventSink, type VfioBackend } from '../host.js';
import { FakeContainer } from './container.js';
import { loadHostDescription, type HostDescription } from './description.js';
import { HostDevice } from './device.js';
import { FakeEventNotifier, NotifierQueue } from './event-notifier.js';
import { FakeGroup, GroupState } from './group.js';
import { materialiseHost } from './materialise.js';
import { DeviceModel } from './models/device-model.js';

export interface FakeVfioHostOptions {
  /** Directory to materialise the tree in (must be empty or absent); default a fresh temp dir removed on close(). */
  root?: string;
  /** Where host-side problems go (DMA faults, guest accesses a model ignores); default stderr. */
  log?: (message: string) => void;
}

export class FakeVfioHost implements VfioBackend {
  readonly kind = 'fake';
  readonly sysfsRoot: string;
  private readonly ownsRoot: boolean;
  private readonly queue = new NotifierQueue();
  /** Every eventfd this host made: only these are descriptors it knows, and the open ones are counted at close. */
  private readonly notifiers = new Set<FakeEventNotifier>();
  private readonly containers = new Set<FakeContainer>();
  private readonly devices = new Map<string, HostDevice>();
  private readonly groups = new Map<number, GroupState>();
  private readonly log: (message: string) => void;

  /** Loads, checks and materialises a host description file. */
  static load(descriptionPath: string, options: FakeVfioHostOptions = {}): FakeVfioHost {
    return new FakeVfioHost(loadHostDescription(descriptionPath), options);
  }

  constructor(
    readonly description: HostDescription,
    options: FakeVfioHostOptions = {},
  ) {
    this.log = options.log ?? ((message) => void process.stderr.write(`fake vfio host: ${message}\n`));
    this.ownsRoot = options.root === undefined;
    this.sysfsRoot = options.root ?? mkdtempSync(join(tmpdir(), 'armvirt-vfio-host-'));
    try {
      const env = {
        eventfd: (n: EventNotifier) => this.eventfd(n),
        log: this.log,
      };
      for (const d of description.devices) {
        this.devices.set(d.name, new HostDevice(d, { ...env, container: () => this.groups.get(d.iommuGroup)?.container }));
      }
      const ids = new Set([...description.devices.map((d) => d.iommuGroup)]);
      for (const id of ids) {
        const facts = description.groups.find((g) => g.id === id);
        const members = [...this.devices.values()].filter((d) => d.description.iommuGroup === id);
        this.groups.set(id, new GroupState(id, facts?.viable ?? true, members));
      }
      materialiseHost(description, this.sysfsRoot);
    } catch (e) {
      if (this.ownsRoot) rmSync(this.sysfsRoot, { recursive: true, force: true });
      throw e;
    }
  }

  openContainer(): FakeContainer {
    const container = new FakeContainer();
    this.containers.add(container);
    return container;
  }

  openGroup(id: number): FakeGroup {
    const state = this.groups.get(id);
    const op = `open /dev/vfio/${id}`;
    if (!state) throw new VfioHostError('ENOENT', op, `no device of IOMMU group ${id} is bound to vfio-platform`);
    if (state.fdOpen) throw new VfioHostError('EBUSY', op, `group ${id} is already open`);
    state.fdOpen = true;
    return new FakeGroup(state);
  }

  createEventNotifier(): FakeEventNotifier {
    const notifier = new FakeEventNotifier(this.queue);
    this.notifiers.add(notifier);
    return notifier;
  }

  attach(sink: HostEventSink): void {
    this.queue.attach(sink);
  }

  /** Models catch up with the guest first, so IRQs they raise are delivered in this same call. */
  dispatch(): void {
    for (const device of this.devices.values()) device.model.sync();
    this.queue.deliver();
  }

  openResources(): string[] {
    return [
      ...[...this.containers].filter((c) => !c.isClosed).map(() => '/dev/vfio/vfio'),
      ...[...this.groups.values()].filter((g) => g.fdOpen).map((g) => `/dev/vfio/${g.id}`),
      ...[...this.devices.values()].filter((d) => d.isOpen).map((d) => `device ${d.name}`),
      ...[...this.notifiers].filter((n) => !n.isClosed).map((n) => `eventfd ${n.fd}`),
    ];
  }

  close(): void {
    if (this.ownsRoot) rmSync(this.sysfsRoot, { recursive: true, force: true });
  }

  // The host-side "qtest": what tests and the monitor use to look at and poke the hardware.

  deviceNames(): string[] {
    return [...this.devices.keys()];
  }

  /** The kernel-side device: its model, IRQ state and open count. */
  device(name: string): HostDevice {
    const device = this.devices.get(name);
    if (!device) throw new Error(`fake vfio host: no device '${name}' (devices: ${this.deviceNames().join(', ') || 'none'})`);
    return device;
  }

  /** The hardware model of device `name`, checked to be a `cls` (the model a test drives). */
  model(name: string): DeviceModel;
  model<M extends DeviceModel>(name: string, cls: abstract new (...args: never[]) => M): M;
  model(name: string, cls: abstract new (...args: never[]) => DeviceModel = DeviceModel): DeviceModel {
    const model = this.device(name).model;
    const made = model.constructor.name;
    if (!(model instanceof cls)) throw new Error(`fake vfio host: device '${name}' has a ${made}, not a ${cls.name}`);
    return model;
  }

  /** The hardware raises IRQ `index` of a device: a pulse on an edge IRQ, the line asserted on a level one. */
  raiseIrq(name: string, index: number): void {
    const irq = this.irq(name, index);
    if (irq.isLevel) irq.setLevel(true);
    else irq.pulse();
  }

  /** The hardware drives a level IRQ's line. */
  setIrqLevel(name: string, index: number, asserted: boolean): void {
    const irq = this.irq(name, index);
    if (!irq.isLevel) throw new Error(`fake vfio host: IRQ ${index} of ${name} is edge-triggered; use raiseIrq`);
    irq.setLevel(asserted);
  }

  private irq(name: string, index: number) {
    const irq = this.device(name).irqs[index];
    if (!irq) throw new Error(`fake vfio host: ${name} has no IRQ ${index} (it has ${this.device(name).irqs.length})`);
    return irq;
  }

  /** eventfd_ctx_fdget: only this host's notifiers are descriptors it knows. */
  private eventfd(notifier: EventNotifier): FakeEventNotifier {
    if (!(notifier instanceof FakeEventNotifier) || !this.notifiers.has(notifier) || notifier.isClosed) {
      throw new VfioHostError('EBADF', 'VFIO_DEVICE_SET_IRQS', `fd ${notifier.fd} is not an open eventfd of this host`);
    }
    return notifier;
  }
}
