// What every machine has: one vCPU and its run loop, the physical address space the vCPU's map follows,
// RAM, the object tree its devices live in (/machine/NAME, each made with the machine's context: clock, log,
// DMA, reset and power requests), and PSCI answered on HVC. Machine types add and wire their devices on top.
import { Vcpu, type VcpuOptions } from '../src/cpu/vcpu.js';
import { GuestErrorLog } from '../src/core/guest-errors.js';
import { RunLoop, type ExitReason } from '../src/core/run-loop.js';
import { AddressSpace } from '../src/memory/address-space.js';
import { CpuMemoryMap } from '../src/memory/cpu-map.js';
import { GuestRam } from '../src/memory/guest-ram.js';
import { MemoryRegion } from '../src/memory/region.js';
import type { IrqSink } from '../src/core/irq.js';
import { ContextExtensions } from '../src/qom/machine-context.js';
import { MachineTree } from '../src/qom/machine-tree.js';
import type { ArmObject } from '../src/qom/object.js';
import type { SysBusDevice } from '../src/qom/sys-bus-device.js';
import type { RegisteredClass } from '../src/qom/types.js';
import type { VfioBackend } from '../src/vfio/host.js';
import { VfioSession } from '../src/vfio/session.js';
import { VFIO_SESSION } from '../devices/vfio-platform/machine-keys.js';
import { EXIT_GUEST_RESET } from '../src/core/exit-codes.js';
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
  /** The object tree: devices are under `tree.machine` (/machine), made with the machine's context. */
  readonly tree: MachineTree;
  protected readonly log: (message: string) => void;
  /** What the machine offers device families by key (the VFIO host); machine types add to it. */
  protected readonly extensions = new ContextExtensions();
  private readonly vfio: VfioSession | undefined;
  private readonly ownGuestErrors: GuestErrorLog | undefined;
  private closed = false;

  constructor(options: MachineOptions) {
    this.log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
    // Guest errors are rate-limited per source unless the caller handles them (the launcher, for -d guest_errors).
    let guestError = options.guestError;
    if (guestError) {
      this.ownGuestErrors = undefined;
    } else {
      this.ownGuestErrors = new GuestErrorLog(this.log);
      guestError = this.ownGuestErrors.report;
    }
    this.vcpu = new Vcpu({ ...options, guestError });
    this.loop = new RunLoop(this.vcpu);
    this.memory = new AddressSpace('memory', this.system, this.log);
    this.memory.addListener(new CpuMemoryMap(this.vcpu, (message) => guestError('invalid access size', message)));
    this.ram = new GuestRam(options.ram.name, options.ram.size);
    this.system.addSubregion(options.ram.base, this.ram.region);

    if (options.vfio) {
      this.vfio = new VfioSession(
        options.vfio,
        this.ram.banks.map((bank) => ({ memory: bank.memory, base: options.ram.base + bank.offset })),
        (left) => this.log(`VMM error: the VFIO host still had ${left.join(', ')} open when the machine closed (closed now)`),
      );
      options.vfio.attach(this.loop.addHostEventSource(this.vfio));
      this.extensions.with(VFIO_SESSION, this.vfio);
    }
    this.tree = new MachineTree({
      clock: this.loop,
      log: this.log,
      guestError,
      dma: this.memory,
      requestReset: (reason) => this.loop.stop(reason, EXIT_GUEST_RESET),
      requestPowerOff: (reason) => this.loop.stop(reason, 0),
      onEndOfInterrupt: (sink, callback) => this.endOfInterruptNotifier(sink, callback),
      extension: (key) => this.extensions.get(key),
    });

    const psci = new Psci({
      powerOff: (reason, argument) => this.loop.stop(reason, this.powerOffExitCode(argument)),
      reset: (reason) => this.loop.stop(reason, EXIT_GUEST_RESET),
    });
    this.vcpu.onHypercall((cpu, call) => psci.handle(cpu, call));
  }

  /** `/machine`, where the devices are. */
  get machine(): ArmObject {
    return this.tree.machine;
  }

  /** Asks the guest to power down, as QEMU's `system_powerdown` does (virt: its power button). */
  requestPowerDown(): void {
    this.tree.requestPowerDown();
  }

  /** Creates a device of class `type` at /machine/NAME, sets its properties, realizes it and maps region n at mmioAt[n]. */
  protected addDevice<T extends SysBusDevice>(type: RegisteredClass<T>, name: string, props: Readonly<Record<string, string>>, mmioAt: readonly number[]): T {
    const device = this.tree.add(type, name, props);
    mmioAt.forEach((address, n) => this.system.addSubregion(address, device.mmio(n)));
    return device;
  }

  /** The interrupt controller's end-of-interrupt notifier for `sink` (MachineContext.onEndOfInterrupt); none by default. */
  protected endOfInterruptNotifier(_sink: IrqSink, _callback: () => void): (() => void) | undefined {
    return undefined;
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
    this.tree.unrealizeAll((device, error) =>
      this.log(`${device.label()}: not given back at close: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.vfio?.close();
    this.vcpu.close();
    this.ownGuestErrors?.flush();
  }
}
