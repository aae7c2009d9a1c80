// qtest-style harness for one device and no guest: the device is made in a machine tree of its own (as a
// machine makes it, with a context whose clock is stepped by the test), realized and mapped in its own
// address space, and its IRQ outputs are wired to probes. What it asks of the machine (resets, power-off)
// is recorded, and the test can press the power button. Tests then read like a datasheet: write a
// register, step the clock, expect an IRQ level.
import { ManualClock } from '../core/clock.js';
import type { LazyMessage } from '../core/guest-errors.js';
import { AddressSpace } from '../memory/address-space.js';
import { MemoryRegion } from '../memory/region.js';
import { ContextExtensions, type MachineContext } from '../qom/machine-context.js';
import { MachineTree } from '../qom/machine-tree.js';
import { SysBusDevice } from '../qom/sys-bus-device.js';
import { DeviceError } from '../qom/device-error.js';
import { defaultRegistry, type RegisteredClass, type TypeRegistry } from '../qom/types.js';
import { gicSpiCells } from '../fdt/gic-cells.js';
import { GuestPath } from './guest-path.js';
import { minimalTree } from './minimal-tree.js';

/** What a test sees of an IRQ output: the level now, how often it rose, and every change. */
export interface IrqProbe {
  readonly level: boolean;
  readonly raises: number;
  readonly history: readonly boolean[];
}

export interface DeviceHarnessOptions {
  /** Property values as on the command line (`{ 'mmap-timeout-ms': '0' }`). */
  properties?: Record<string, string>;
  /** Guest physical address of each MMIO region, in order (default: 0x1000_0000 apart from 0x1000_0000). */
  mmioAt?: number[];
  registry?: TypeRegistry;
  /** Where warnings and guest errors go instead of `log` (a long run keeps none). */
  onLog?: (message: LazyMessage) => void;
  /** What the machine offers the device's family (a VFIO host). */
  extensions?: ContextExtensions;
  /** The interrupt controller's end-of-interrupt notifiers, when the test plays one. */
  onEndOfInterrupt?: MachineContext['onEndOfInterrupt'];
}

/** The name the device under test has in its tree: `/machine/device-under-test`. */
const DEVICE_NAME = 'device-under-test';

export class DeviceHarness<T extends SysBusDevice = SysBusDevice> {
  readonly clock = new ManualClock();
  /** Guest errors and warnings the device logged. */
  readonly log: string[] = [];
  /** The reasons of the resets and power-offs the device asked the machine for, in order. */
  readonly resetRequests: string[] = [];
  readonly powerOffRequests: string[] = [];
  readonly memory: AddressSpace;
  /** Accesses as the guest makes them (through the vCPU's map: any offset, size and alignment). */
  readonly guest: GuestPath;
  readonly tree: MachineTree;
  readonly device: T;
  private readonly probes: { level: boolean; raises: number; history: boolean[] }[] = [];

  /** Makes `type` (a class, or a type name) in a machine tree of its own, sets its properties and realizes it. */
  static create<T extends SysBusDevice>(type: RegisteredClass<T>, options?: DeviceHarnessOptions): DeviceHarness<T>;
  static create(type: string, options?: DeviceHarnessOptions): DeviceHarness;
  static create(type: string | RegisteredClass<SysBusDevice>, options: DeviceHarnessOptions = {}): DeviceHarness {
    return typeof type === 'string' ? new DeviceHarness(type, SysBusDevice, options) : new DeviceHarness(type, type, options);
  }

  /** Makes `type`, which must give a `cls`. */
  private constructor(type: string | RegisteredClass<T>, cls: RegisteredClass<T>, options: DeviceHarnessOptions) {
    const system = MemoryRegion.container('system', 2 ** 40);
    const report = options.onLog ?? ((m: LazyMessage) => void this.log.push(m()));
    this.memory = new AddressSpace('memory', system, (m) => report(() => m));
    this.guest = new GuestPath(this.memory, report, (access) => {
      report(() => `guest ${access.write ? 'write to' : 'read from'} unmapped address 0x${access.address.toString(16)}`);
      return 0;
    });
    const extensions = options.extensions ?? new ContextExtensions();
    this.tree = new MachineTree(
      {
        clock: this.clock,
        log: (m) => report(() => m),
        guestError: (_source, message) => report(message),
        dma: this.memory,
        requestReset: (reason) => void this.resetRequests.push(reason),
        requestPowerOff: (reason) => void this.powerOffRequests.push(reason),
        ...(options.onEndOfInterrupt ? { onEndOfInterrupt: options.onEndOfInterrupt } : {}),
        extension: (key) => extensions.get(key),
      },
      options.registry ?? defaultRegistry,
    );
    const device = typeof type === 'string' ? this.tree.add(type, DEVICE_NAME, options.properties) : this.tree.add(type, DEVICE_NAME, options.properties);
    if (!(device instanceof cls)) {
      device.unrealize();
      throw new DeviceError(`the device harness takes memory-mapped devices: '${device.typeName}' is not a sys-bus-device`);
    }
    this.device = device;
    device.mmioRegions.forEach((region, n) => system.addSubregion(options.mmioAt?.[n] ?? 0x1000_0000 * (n + 1), region));
    device.irqOutputs.forEach((_, n) => {
      const probe = { level: false, raises: 0, history: [] as boolean[] };
      this.probes.push(probe);
      device.connectIrq(n, (level) => {
        probe.level = level;
        if (level) probe.raises++;
        probe.history.push(level);
      });
    });
  }

  /** This harness typed by its device's class (a fuzz profile gets a type name, perhaps of a subtype). */
  as<C extends SysBusDevice>(cls: RegisteredClass<C>): DeviceHarness<C> {
    if (!(this.device instanceof cls)) throw new DeviceError(`${this.device.label()} is a ${this.device.typeName}, not a ${cls.name}`);
    return this as unknown as DeviceHarness<C>;
  }

  read8(address: number): number {
    return this.memory.read(address, 1)[0] ?? 0;
  }

  read32(address: number): number {
    return new DataView(this.memory.read(address, 4).buffer).getUint32(0, true);
  }

  write8(address: number, value: number): void {
    this.memory.write(address, Uint8Array.of(value));
  }

  write32(address: number, value: number): void {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value >>> 0, true);
    this.memory.write(address, bytes);
  }

  irq(n: number): IrqProbe {
    const probe = this.probes[n];
    if (!probe) throw new Error(`${this.device.label()} has no IRQ output ${n} (it has ${this.probes.length})`);
    return probe;
  }

  /** Advances virtual time by `ns`, firing the device's timers on the way. */
  step(ns: number): void {
    this.clock.step(ns);
  }

  /**
   * The device's node in a minimal virt-like tree (minimal-tree.ts): at its addresses, IRQ output n on GIC
   * SPI `spis[n]` (default n), with the root nodes it asks for. `interruptController: 'self'` for a GIC.
   */
  deviceTree(options: { spis?: readonly number[]; interruptController?: 'stand-in' | 'self' } = {}): Uint8Array {
    const device = this.device;
    const writeNode = device.writeDeviceTree?.bind(device);
    if (!writeNode) throw new DeviceError(`${device.label()} writes no device-tree node`);
    const placement = {
      mmioAddress: (n: number) => {
        const address = device.mmioAddress(n);
        if (address === undefined) throw new DeviceError(`${device.label()}: MMIO region ${n} is not mapped`);
        return address;
      },
      interruptCells: (n: number, trigger: 'level' | 'edge') => gicSpiCells(options.spis?.[n] ?? n, trigger),
      addressCells: 2,
      sizeCells: 2,
    };
    const asController = options.interruptController === 'self' ? { interruptController: device } : {};
    return minimalTree((fdt, builder) => writeNode(fdt, builder.context(device, placement)), { ...asController, warn: (m) => void this.log.push(m) });
  }

  /** Presses the machine's power button (QEMU's system_powerdown): every device listening hears it. */
  requestPowerDown(): void {
    this.tree.requestPowerDown();
  }
}
