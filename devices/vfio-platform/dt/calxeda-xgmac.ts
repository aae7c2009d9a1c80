// Calxeda Midway xgmac (QEMU's add_calxeda_midway_xgmac_fdt_node): nothing is read from the host tree. The
// node has the first compatible string, dma-coherent, the bus-relative regions and every IRQ level-high.
import { GuestNode, guestNodeName } from './guest-node.js';
import type { VfioDtContext, VfioDtDevice } from './types.js';

export function writeCalxedaXgmacNode(device: VfioDtDevice, context: VfioDtContext): void {
  const node = new GuestNode(guestNodeName(device));
  node.set('compatible', new TextEncoder().encode(`${device.compatible[0] ?? ''}\0`));
  node.set('dma-coherent', new Uint8Array(0));
  node.setReg(device);
  node.setInterrupts(device, () => 'level');
  node.writeTo(context.fdt);
}
