// The GICv2 as a machine device (`arm-gic`, QEMU virt's `arm,cortex-a15-gic`): MMIO region 0 is the
// distributor (4 KiB), region 1 the CPU interface (8 KiB); output 0 goes to the CPU's IRQ input, output 1
// to its FIQ input. Inputs are SPIs and PPIs by INTID (`input(intid)`), and `onDeactivate` gives the
// per-line EOI notifiers.
import type { IrqSink } from '../../src/core/irq.js';
import type { FdtWriter } from '../../src/fdt/fdt-writer.js';
import { MemoryRegion } from '../../src/memory/region.js';
import { prop, registerType } from '../../src/qom/index.js';
import { regCells, type DeviceTreeContext } from '../../src/qom/device-tree.js';
import { SysBusDevice } from '../../src/qom/sys-bus-device.js';
import { Gic } from './gic.js';

export const GIC_DIST_SIZE = 0x1000;
export const GIC_CPU_SIZE = 0x2000;
/** First SPI's INTID: device tree `interrupts` count SPIs from here. */
export const GIC_SPI_BASE = 32;

export class GicDevice extends SysBusDevice {
  private gic: Gic | undefined;

  protected override onRealize(): void {
    const gic = new Gic({ numSpis: this.getUint32('num-spis'), onGuestError: (m) => this.guestError(() => `${this.label()}: ${m()}`) });
    this.gic = gic;
    this.initMmio(MemoryRegion.io('gic_dist', GIC_DIST_SIZE, gic.distributor));
    this.initMmio(MemoryRegion.io('gic_cpu', GIC_CPU_SIZE, gic.cpuInterface));
    const irq = this.initIrq();
    const fiq = this.initIrq();
    gic.irq.connect((level) => irq.set(level));
    gic.fiq.connect((level) => fiq.set(level));
  }

  protected override onReset(): void {
    this.model.reset();
  }

  /** The register-level model (for monitors and the fuzzer's invariant). */
  get model(): Gic {
    if (!this.gic) throw new Error(`${this.label()} is not realized`);
    return this.gic;
  }

  /** The input for a PPI (16..31) or SPI (32..) by INTID. */
  input(intid: number): IrqSink {
    return this.model.input(intid);
  }

  onDeactivate(intid: number, callback: () => void): () => void {
    return this.model.onDeactivate(intid, callback);
  }

  /** The EOI notifier of the input `sink` is (see MachineContext.onEndOfInterrupt), if it is one of ours. */
  onSinkDeactivate(sink: IrqSink, callback: () => void): (() => void) | undefined {
    const intid = this.model.intidOf(sink);
    return intid === undefined ? undefined : this.model.onDeactivate(intid, callback);
  }

  describe(): string {
    return this.model.describe();
  }

  /** `/intc@8000000` as QEMU's virt writes it for a GICv2 (64 KiB frames in `reg`, as QEMU's memory map has them). */
  override writeDeviceTree(fdt: FdtWriter, dt: DeviceTreeContext): void {
    const dist = dt.mmioAddress(0);
    const cpu = dt.mmioAddress(1);
    fdt.beginNode(`intc@${dist.toString(16)}`);
    fdt.propertyCells('phandle', [dt.phandle()]);
    fdt.propertyCells('reg', [...regCells(dist, 0x1_0000, dt), ...regCells(cpu, 0x1_0000, dt)]);
    fdt.propertyString('compatible', 'arm,cortex-a15-gic');
    fdt.propertyEmpty('ranges');
    fdt.propertyCells('#size-cells', [2]);
    fdt.propertyCells('#address-cells', [2]);
    fdt.propertyEmpty('interrupt-controller');
    fdt.propertyCells('#interrupt-cells', [3]);
    fdt.endNode();
  }
}

registerType({
  name: 'arm-gic',
  parent: 'sys-bus-device',
  cls: GicDevice,
  description: 'Arm GICv2 interrupt controller (one CPU interface)',
  properties: [prop.uint32('num-spis', { default: 256, description: 'Number of shared peripheral interrupts (multiple of 32)' })],
});
