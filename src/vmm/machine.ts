// What every machine has: one vCPU and its run loop, the physical address space the vCPU's map follows,
// RAM, the object tree its devices live in (/machine/NAME, with the clock and log as their context), and
// PSCI answered on HVC. Machine types add and wire their devices on top.
import { Vcpu, type VcpuOptions } from '../cpu/vcpu.js';
import { GuestErrorLog } from '../core/guest-errors.js';
import { RunLoop, type ExitReason } from '../core/run-loop.js';
import { AddressSpace } from '../memory/address-space.js';
import { CpuMemoryMap } from '../memory/cpu-map.js';
import { GuestRam } from '../memory/guest-ram.js';
import { MemoryRegion } from '../memory/region.js';
import { provideMachineContext, type MachineContext } from '../qom/machine-context.js';
import type { VfioBackend } from '../vfio/host.js';
import { VfioSession } from '../vfio/session.js';
import type { ArmObject } from '../qom/object.js';
import { Device } from '../qom/device.js';
import type { SysBusDevice } from '../qom/sys-bus-device.js';
import { cast, defaultRegistry } from '../qom/types.js';
import { EXIT_GUEST_RESET } from './exit-codes.js';
import { Psci } from './psci.js';

/** Guest physical addresses stop at 1 TiB (the vCPU's limit). */
const PHYSICAL_SPACE = 2 ** 40;

export interface MachineOptions extends VcpuOptions {
  ram: { name: string; base: number; size: number };
  /** The VFIO host for passthrough devices (the machine closes it). */
  vfio?: VfioBackend;
}

export class Machine {
  readonly vcpu: Vcpu;
  readonly loop: RunLoop;
  readonly ram: GuestRam;
  /** The physical address space's root region; the vCPU's map follows it. */
  readonly system = MemoryRegion.container('system', PHYSICAL_SPACE);
  readonly memory: AddressSpace;
  /** The root of the object tree; devices are under `machine` (/machine). */
  readonly root: ArmObject;
  readonly machine: ArmObject;
  protected readonly log: (message: string) => void;
  /** What devices find through the tree (clock, log, VFIO host, EOI notifiers); machine types add to it. */
  protected readonly context: MachineContext;
  private readonly ownGuestErrors: GuestErrorLog | undefined;
  private closed = false;

  constructor(options: MachineOptions) {
    this.log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
    // Guest errors are rate-limited per source unless the caller handles them (the launcher, for -d guest_errors).
    this.ownGuestErrors = options.guestError ? undefined : new GuestErrorLog(this.log);
    const guestError = options.guestError ?? this.ownGuestErrors!.report;
    this.vcpu = new Vcpu({ ...options, guestError });
    this.loop = new RunLoop(this.vcpu);
    this.memory = new AddressSpace('memory', this.system, this.log);
    this.memory.addListener(new CpuMemoryMap(this.vcpu, (message) => guestError('invalid access size', message)));
    this.ram = new GuestRam(options.ram.name, options.ram.size);
    this.system.addSubregion(options.ram.base, this.ram.region);

    this.root = defaultRegistry.create('container');
    this.context = { clock: this.loop, log: this.log, guestError };
    if (options.vfio) {
      const session = new VfioSession(
        options.vfio,
        this.ram.banks.map((bank) => ({ memory: bank.memory, base: options.ram.base + bank.offset })),
        (left) => this.log(`VMM error: the VFIO host still had ${left.join(', ')} open when the machine closed (closed now)`),
      );
      options.vfio.attach(this.loop.addHostEventSource(session));
      this.context.vfio = session;
    }
    provideMachineContext(this.root, this.context);
    this.machine = defaultRegistry.create('container');
    this.root.addChild('machine', this.machine);

    const psci = new Psci({ powerOff: (reason, argument) => this.loop.stop(reason, this.powerOffExitCode(argument)), reset: (reason) => this.loop.stop(reason, EXIT_GUEST_RESET) });
    this.vcpu.onHypercall((cpu, call) => psci.handle(cpu, call));
  }

  /** Creates a device at /machine/NAME, sets its properties, realizes it and maps region n at mmioAt[n]. */
  protected addDevice<T extends SysBusDevice>(type: string, name: string, props: Record<string, string>, mmioAt: number[]): T {
    const device = cast<T>(defaultRegistry.create(type), 'sys-bus-device');
    this.machine.addChild(name, device);
    for (const [prop, text] of Object.entries(props)) device.setPropertyText(prop, text);
    device.realize();
    mmioAt.forEach((address, n) => this.system.addSubregion(address, device.mmio(n)));
    return device;
  }

  /**
   * The process exit code of a guest that powered off: 0, as on QEMU, whatever the guest passed (a guest
   * does not choose the VMM's exit code). The foundation test board is the one exception.
   */
  protected powerOffExitCode(_argument: number): number {
    return 0;
  }

  run(options: { untilNs?: number } = {}): Promise<ExitReason> {
    return this.loop.run(options);
  }

  /**
   * Gives back everything the machine took: each device what its realize took (the last made first: a
   * passthrough device's IRQ eventfds, mappings and device fd), then the VFIO host (groups, container, a
   * fake host's temp tree), then the vCPU. A device that fails to let go is reported; the rest still go.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const device of realizedDevices(this.machine).reverse()) {
      try {
        device.unrealize();
      } catch (error) {
        this.log(`${device.label()}: not given back at close: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.context.vfio?.close();
    this.vcpu.close();
    this.ownGuestErrors?.flush();
  }
}

/** The realized devices under `object`, depth first, in creation order. */
function realizedDevices(object: ArmObject): Device[] {
  return [...object.children.values()].flatMap((child) => [...realizedDevices(child), ...(child instanceof Device && child.realized ? [child] : [])]);
}
