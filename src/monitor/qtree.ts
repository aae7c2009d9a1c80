// `info qtree`: the object tree from a root, each object with its type, its properties and, for
// memory-mapped devices, where its regions are and whether its IRQ outputs are wired.
import type { ArmObject } from '../qom/object.js';
import { SysBusDevice } from '../qom/sys-bus-device.js';

const addr = (n: number) => `0x${n.toString(16).padStart(16, '0')}`;

export function formatQtree(root: ArmObject): string {
  const out: string[] = [];
  visit(root, 0, out);
  return out.join('\n') + '\n';
}

function visit(object: ArmObject, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  out.push(`${pad}${object.path} (${object.typeName})`);
  for (const p of object.type.properties) {
    const value = object.getProperty(p.name);
    out.push(`${pad}  ${p.name} = ${value === undefined ? '<unset>' : p.format(value)}`);
  }
  if (object instanceof SysBusDevice) {
    object.mmioRegions.forEach((region, n) => {
      const at = object.mmioAddress(n);
      const where = at === undefined ? 'not mapped' : `${addr(at)}-${addr(at + region.size - 1)}`;
      out.push(`${pad}  mmio[${n}] ${where} '${region.name}'`);
    });
    object.irqOutputs.forEach((line, n) => {
      out.push(`${pad}  irq[${n}] ${line.connected ? 'wired' : 'not wired'}, ${line.level ? 'high' : 'low'}`);
    });
  }
  for (const child of object.children.values()) visit(child, depth + 1, out);
}
