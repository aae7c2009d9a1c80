// `info irq`: the IRQ outputs of every memory-mapped device in an object tree.
import { formatIrqLines, type IrqLine } from '../core/irq.js';
import type { ArmObject } from '../qom/object.js';
import { SysBusDevice } from '../qom/sys-bus-device.js';

export function deviceIrqLines(root: ArmObject): IrqLine[] {
  const lines: IrqLine[] = [];
  const visit = (o: ArmObject) => {
    if (o instanceof SysBusDevice) lines.push(...o.irqOutputs);
    for (const child of o.children.values()) visit(child);
  };
  visit(root);
  return lines;
}

export function formatInfoIrq(root: ArmObject): string {
  return formatIrqLines(deviceIrqLines(root));
}
