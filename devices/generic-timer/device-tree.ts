// The generic timer's device-tree node as QEMU's virt writes it (hw/arm/virt.c fdt_add_timer_nodes;
// binding: Documentation/devicetree/bindings/timer/arm,arch_timer.yaml). One node for all CPUs.
import type { FdtWriter } from '../../src/fdt/fdt-writer.js';

/** The timers' GIC PPIs on virt (INTID = 16 + PPI), in the binding's order. */
export const TIMER_PPI = { secure: 13, physical: 14, virtual: 11, hypervisor: 10 } as const;

const GIC_FDT_IRQ_TYPE_PPI = 1;
const IRQ_TYPE_LEVEL_HIGH = 4;
/** GICv2 PPI cells carry a mask of the CPUs the interrupt goes to, in bits 15:8; GICv3 cells do not. */
const GICV2_MAX_CPUS = 8;

export interface TimerNodeOptions {
  /** Number of CPUs (default 1). */
  cpus?: number;
  /** The interrupt controller the PPIs are described for (default 2, as on virt's default GIC). */
  gicVersion?: 2 | 3;
}

/** `timer { interrupts; always-on; compatible }` in QEMU's order: the PPIs level-high, CPU mask on GICv2. */
export function writeDeviceTree(fdt: FdtWriter, options: TimerNodeOptions = {}): void {
  const { cpus = 1, gicVersion = 2 } = options;
  if (!Number.isInteger(cpus) || cpus < 1 || (gicVersion === 2 && cpus > GICV2_MAX_CPUS)) {
    throw new Error(`generic timer node: ${cpus} CPUs is not a CPU count; accepted: 1 to ${GICV2_MAX_CPUS} with GICv2, 1 or more with GICv3`);
  }
  const flags = gicVersion === 2 ? (((1 << cpus) - 1) << 8) | IRQ_TYPE_LEVEL_HIGH : IRQ_TYPE_LEVEL_HIGH;
  fdt.beginNode('timer');
  fdt.propertyCells(
    'interrupts',
    [TIMER_PPI.secure, TIMER_PPI.physical, TIMER_PPI.virtual, TIMER_PPI.hypervisor].flatMap((ppi) => [GIC_FDT_IRQ_TYPE_PPI, ppi, flags]),
  );
  fdt.propertyEmpty('always-on');
  fdt.propertyStringList('compatible', ['arm,armv8-timer', 'arm,armv7-timer']);
  fdt.endNode();
}
