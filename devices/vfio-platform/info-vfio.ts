// `--info vfio`: each passthrough device as the monitor shows it: its host device and group, each region's
// path (fast = the guest reaches the mapping, slow = trapped), and each IRQ's path and state.
import type { ArmObject } from '../../src/qom/object.js';
import { VfioPlatform } from './vfio-platform.js';

export function formatInfoVfio(root: ArmObject): string {
  const devices: VfioPlatform[] = [];
  const visit = (o: ArmObject) => {
    if (o instanceof VfioPlatform) devices.push(o);
    for (const child of o.children.values()) visit(child);
  };
  visit(root);
  if (devices.length === 0) return 'no vfio-platform devices\n';
  return devices.map(describe).join('');
}

function describe(device: VfioPlatform): string {
  const host = device.hostDevice;
  if (!host) return `${device.path} (${device.typeName}): not realized\n`;
  const lines = [`${device.path} (${device.typeName}): host ${host.name}, IOMMU group ${host.groupId}, compatible ${host.compatibles.join(' ')}`];
  device.vfioRegions.forEach((region, n) => {
    const at = device.mmioAddress(n);
    const path = !region.hasFastPath ? 'slow path (not mmap-able)' : region.fastPathEnabled ? 'fast path' : 'slow path (after an IRQ)';
    lines.push(`  region ${n}: 0x${region.region.size.toString(16)} bytes at ${at === undefined ? 'unmapped' : `0x${at.toString(16)}`}, ${path}`);
  });
  for (const intp of device.vfioIrqs?.intps ?? []) {
    const line = intp.line;
    lines.push(
      `  irq ${intp.pin}: ${intp.automasked ? 'level' : 'edge'}, ${intp.path} path, ${intp.state}, line ${line.level ? 'high' : 'low'}, raised ${line.raises} times`,
    );
  }
  return `${lines.join('\n')}\n`;
}
