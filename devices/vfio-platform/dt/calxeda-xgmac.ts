// Calxeda Midway xgmac (QEMU's add_calxeda_midway_xgmac_fdt_node): nothing is read from the host tree. The
// node has the first compatible string, dma-coherent, the bus-relative regions and every IRQ level-high.
import { DeviceError } from '../../../src/qom/device-error.js';
import { GuestNode, guestNodeName } from './guest-node.js';
import type { VfioDtContext, VfioDtDevice } from './types.js';

export function writeCalxedaXgmacNode(device: VfioDtDevice, context: VfioDtContext): void {
  const first = device.compatible[0];
  if (first === undefined) throw new DeviceError(`${device.hostPath}: the device has no compatible string`);
  const node = new GuestNode(guestNodeName(device));
  node.set('compatible', new TextEncoder().encode(`${first}\0`));
  node.set('dma-coherent', new Uint8Array(0));
  node.setReg(device);
  node.setInterrupts(device, () => 'level');
  node.writeTo(context.fdt);
}
