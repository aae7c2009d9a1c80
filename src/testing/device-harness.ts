// qtest-style harness for one device and no guest: the device is created, configured, realized and
// mapped in its own address space, its IRQ outputs are wired to probes, and a manual clock is stepped by
// the test. Tests then read like a datasheet: write a register, step the clock, expect an IRQ level.
import { ManualClock } from '../core/clock.js';
import type { LazyMessage } from '../core/guest-errors.js';
import { AddressSpace } from '../memory/address-space.js';
import { MemoryRegion } from '../memory/region.js';
import { provideMachineContext, type MachineContext } from '../qom/machine-context.js';
import type { SysBusDevice } from '../qom/sys-bus-device.js';
import { cast, defaultRegistry, type TypeRegistry } from '../qom/types.js';
import { GuestPath } from './guest-path.js';

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
  /** What else the machine offers the device (a VFIO host, end-of-interrupt notifiers). */
  context?: Pick<MachineContext, 'vfio' | 'onEndOfInterrupt'>;
}

export class DeviceHarness<T extends SysBusDevice = SysBusDevice> {
  readonly memory: AddressSpace;
  /** Accesses as the guest makes them (through the vCPU's map: any offset, size and alignment). */
  readonly guest: GuestPath;
  private readonly probes: { level: boolean; raises: number; history: boolean[] }[] = [];

  private constructor(
    readonly device: T,
    readonly clock: ManualClock,
    /** Guest errors and warnings the device logged. */
    readonly log: string[],
    options: DeviceHarnessOptions,
  ) {
    const system = MemoryRegion.container('system', 2 ** 40);
    const report = options.onLog ?? ((m: LazyMessage) => void this.log.push(m()));
    this.memory = new AddressSpace('memory', system, (m) => report(() => m));
    this.guest = new GuestPath(this.memory, report, (access) => {
      report(() => `guest ${access.write ? 'write to' : 'read from'} unmapped address 0x${access.address.toString(16)}`);
      return 0;
    });
    device.realize();
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

  /** Creates `typeName` under a bare machine with a manual clock, sets its properties and realizes it. */
  static create<T extends SysBusDevice = SysBusDevice>(typeName: string, options: DeviceHarnessOptions = {}): DeviceHarness<T> {
    const registry = options.registry ?? defaultRegistry;
    const clock = new ManualClock();
    const log: string[] = [];
    const report = options.onLog ?? ((m: LazyMessage) => void log.push(m()));
    const root = registry.create('container');
    provideMachineContext(root, { clock, log: (m) => report(() => m), guestError: (_source, message) => report(message), ...options.context });
    const machine = registry.create('container');
    root.addChild('machine', machine);
    const device = cast<T>(registry.create(typeName), 'sys-bus-device');
    machine.addChild('device-under-test', device);
    for (const [name, text] of Object.entries(options.properties ?? {})) device.setPropertyText(name, text);
    return new DeviceHarness(device, clock, log, options);
  }

  read8(address: number): number {
    return this.memory.read(address, 1)[0]!;
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
}
