// A guest node assembled the way QEMU's sysbus-fdt assembles one with libfdt: fdt_setprop puts every new
// property in front of the node's others, so a dumped tree lists them last-set first. Bindings set
// properties in QEMU's order and this writes them reversed, which keeps our trees text-equal to QEMU's
// (the rest of the virt tree follows the same rule).
import { ByteBuffer } from '../../../src/fdt/fdt-bytes.js';
import type { FdtNode } from '../../../src/fdt/fdt-node.js';
import type { FdtWriter } from '../../../src/fdt/fdt-writer.js';
import { DeviceError } from '../../../src/qom/device-error.js';
import type { VfioDtDevice } from './types.js';
import { at } from '../../../src/util/at.js';

/** GIC interrupt specifier cells (bindings/interrupt-controller/arm,gic.yaml): SPI, level-high, rising edge. */
const GIC_FDT_IRQ_TYPE_SPI = 0;
const GIC_FDT_IRQ_FLAGS_LEVEL_HI = 4;
const GIC_FDT_IRQ_FLAGS_EDGE_LO_HI = 1;

export class GuestNode {
  private readonly properties = new Map<string, Uint8Array>();

  constructor(readonly name: string) {}

  /** Sets a property; setting one again replaces its value in place, as fdt_setprop does. */
  set(name: string, value: Uint8Array): void {
    this.properties.set(name, value);
  }

  setCells(name: string, cells: readonly number[]): void {
    const buffer = new ByteBuffer();
    for (const cell of cells) buffer.u32(cell);
    this.set(name, buffer.toBytes());
  }

  /** `reg`: bus offset and size of each region, one cell each (the platform bus has 1/1 cells). */
  setReg(device: VfioDtDevice): void {
    if (device.regions.length > 0)
      this.setCells(
        'reg',
        device.regions.flatMap((r) => [r.busOffset, r.size]),
      );
  }

  /** `interrupts`: `<0 spi flags>` per IRQ, level-high or rising edge as `trigger` says (a device without IRQs gets none). */
  setInterrupts(device: VfioDtDevice, trigger: (level: boolean) => 'level' | 'edge'): void {
    if (device.irqs.length === 0) return;
    this.setCells(
      'interrupts',
      device.irqs.flatMap((irq) => [GIC_FDT_IRQ_TYPE_SPI, irq.spi, trigger(irq.level) === 'level' ? GIC_FDT_IRQ_FLAGS_LEVEL_HI : GIC_FDT_IRQ_FLAGS_EDGE_LO_HI]),
    );
  }

  /** The node as an in-memory tree node at `path`, properties in dumped (reversed) order. */
  toFdtNode(path: string): FdtNode {
    return { name: this.name, path, properties: new Map([...this.properties].reverse()), children: [] };
  }

  /** Writes the node as a child of the writer's open node. */
  writeTo(fdt: FdtWriter): void {
    fdt.appendNode(this.toFdtNode(this.name));
  }
}

/** Interrupt triggers as the host reports them: automasked (level) or not (edge). */
export const hostTrigger = (level: boolean): 'level' | 'edge' => (level ? 'level' : 'edge');

/**
 * `<dt-name>@<offset of region 0>`. The dt-name is the host node's name without its unit address: for
 * the usual `<unit-address>.<node-name>` sysfs name that is the part after the first '.' (QEMU's
 * sysfs_to_dt_name), and taking it from the node itself also covers sysfs names of other shapes, which
 * are not valid node names. QEMU writes the whole sysfs name (`fff51000.ethernet@0`), carrying the host
 * address into the guest; guest drivers match on compatible, so the generic name loses nothing.
 */
export function guestNodeName(device: VfioDtDevice): string {
  const base = at(device.hostPath.slice(device.hostPath.lastIndexOf('/') + 1).split('@'), 0);
  if (base === '') throw new DeviceError(`host node path '${device.hostPath}' names no node`);
  const first = device.regions[0];
  return first === undefined ? base : `${base}@${first.busOffset.toString(16)}`;
}
