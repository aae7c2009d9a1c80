// AMD Seattle xgbe, the combined XGBE/PHY node of Documentation/devicetree/bindings/net/amd-xgbe.txt
// (QEMU's add_amd_xgbe_fdt_node): listed host properties, the two host fixed clocks (DMA and PTP) rebuilt
// at the guest root, bus-relative regions, and per IRQ level if the host automasks it, else edge (the
// device and auto-negotiation IRQs are level, the four per-channel ones edge).
import { getCells } from '../../../src/fdt/fdt-query.js';
import { DeviceError } from '../../../src/qom/device-error.js';
import { guestFixedClock, hostFixedClock } from './fixed-clocks.js';
import { GuestNode, guestNodeName, hostTrigger } from './guest-node.js';
import { copyHostProperties, type HostProperty } from './host-properties.js';
import type { VfioDtContext, VfioDtDevice } from './types.js';

const XGBE_REGIONS = 5;

const XGBE_PROPERTIES: readonly HostProperty[] = [
  { name: 'compatible', optional: false },
  { name: 'dma-coherent', optional: true },
  { name: 'amd,per-channel-interrupt', optional: true },
  { name: 'phy-mode', optional: false },
  { name: 'mac-address', optional: true },
  { name: 'amd,speed-set', optional: false },
  { name: 'amd,serdes-blwc', optional: true },
  { name: 'amd,serdes-cdr-rate', optional: true },
  { name: 'amd,serdes-pq-skew', optional: true },
  { name: 'amd,serdes-tx-amp', optional: true },
  { name: 'amd,serdes-dfe-tap-config', optional: true },
  { name: 'amd,serdes-dfe-tap-enable', optional: true },
  { name: 'clock-names', optional: false },
];

export function writeAmdXgbeNode(device: VfioDtDevice, context: VfioDtContext): void {
  const { hostNode, hostPath } = device;
  if (device.regions.length !== XGBE_REGIONS) {
    throw new DeviceError(`${hostPath}: Does the host dt node combine XGBE/PHY? (${XGBE_REGIONS} regions expected, it has ${device.regions.length})`);
  }
  const clocksValue = hostNode.properties.get('clocks');
  if (clocksValue === undefined) throw new DeviceError(`Couldn't get ${hostPath}/clocks: FDT_ERR_NOTFOUND`);
  const hostClocks = clocksValue.length === 8 ? getCells(hostNode, 'clocks') : undefined;
  if (hostClocks === undefined) throw new DeviceError(`${hostPath}: clocks property should contain 2 handles`);
  const guestClocks = hostClocks.map((phandle) => {
    const clock = hostFixedClock(device.hostRoot, phandle);
    if (typeof clock === 'string') throw new DeviceError(`${hostPath}: ${clock}`);
    return guestFixedClock(clock, context);
  });

  const node = new GuestNode(guestNodeName(device));
  copyHostProperties(XGBE_PROPERTIES, hostNode, hostPath, node);
  node.setCells('clocks', guestClocks);
  node.setReg(device);
  node.setInterrupts(device, hostTrigger);
  node.writeTo(context.fdt);
}
