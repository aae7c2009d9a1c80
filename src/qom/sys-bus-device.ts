// Memory-mapped devices (QEMU's SysBusDevice): a device declares its MMIO regions and IRQ outputs at
// realize; the machine places the regions and wires the outputs. Wiring an output calls onIrqConnected,
// which is where a device that needs to know its destination (vfio-platform) starts that interrupt. Timers
// made with initTimer are cancelled and taken off the clock at unrealize, as the regions and outputs are forgotten.
import type { IrqSink } from '../core/irq.js';
import type { Timer, TimerCallback } from '../core/timers.js';
import { IrqLine } from '../core/irq.js';
import type { MemoryRegion } from '../memory/region.js';
import type { FdtWriter } from '../fdt/fdt-writer.js';
import { Device } from './device.js';
import { DeviceError } from './device-error.js';
import type { DeviceTreeContext } from './device-tree.js';
import { registerType } from './types.js';

export class SysBusDevice extends Device {
  readonly mmioRegions: MemoryRegion[] = [];
  readonly irqOutputs: IrqLine[] = [];
  private readonly timers: Timer[] = [];

  /** Forgets the regions, outputs and timers realize declared, so a later realize declares them afresh. */
  override unrealize(): void {
    super.unrealize();
    this.mmioRegions.length = 0;
    this.irqOutputs.length = 0;
    for (const timer of this.timers.splice(0)) {
      timer.cancel();
      this.context.clock.timers.remove(timer);
    }
  }

  /** Declares MMIO region n (in order of calls). */
  protected initMmio(region: MemoryRegion): number {
    this.mmioRegions.push(region);
    return this.mmioRegions.length - 1;
  }

  /** Declares IRQ output n (in order of calls) and returns the line the device drives. */
  protected initIrq(): IrqLine {
    const line = new IrqLine(`${this.label()}.irq[${this.irqOutputs.length}]`);
    this.irqOutputs.push(line);
    return line;
  }

  /** A timer on the machine's clock, named after the device; unrealize removes it, so it never fires for a device that is gone. */
  protected initTimer(name: string, callback: TimerCallback): Timer {
    const timer = this.context.clock.timers.create(`${this.label()} ${name}`, callback);
    this.timers.push(timer);
    return timer;
  }

  mmio(n: number): MemoryRegion {
    const region = this.mmioRegions[n];
    if (!region) throw new DeviceError(`${this.label()}: no MMIO region ${n} (it has ${this.mmioRegions.length})`);
    return region;
  }

  irq(n: number): IrqLine {
    const line = this.irqOutputs[n];
    if (!line) throw new DeviceError(`${this.label()}: no IRQ output ${n} (it has ${this.irqOutputs.length})`);
    return line;
  }

  /** Wires IRQ output n to `sink` (a controller input); the device hears of it through onIrqConnected. */
  connectIrq(n: number, sink: IrqSink): void {
    this.irq(n).connect(sink);
    this.onIrqConnected(n);
  }

  isIrqConnected(n: number): boolean {
    return this.irq(n).connected;
  }

  /** Guest-visible physical address of MMIO region n, if the machine placed it. */
  mmioAddress(n: number): number | undefined {
    let placement = this.mmio(n).placement;
    if (!placement) return undefined;
    let address = 0;
    for (; placement; placement = placement.container.placement) address += placement.offset;
    return address;
  }

  /** Called after IRQ output n was wired. */
  protected onIrqConnected(_n: number): void {}

  /** Writes the device's node for the guest's device tree; devices without one leave it out. */
  writeDeviceTree?(fdt: FdtWriter, context: DeviceTreeContext): void;
}

registerType({
  name: 'sys-bus-device',
  parent: 'device',
  cls: SysBusDevice,
  abstract: true,
  description: 'Base of memory-mapped devices: MMIO regions and IRQ outputs wired by the machine',
});
