// Host fixed clocks rebuilt as guest nodes (QEMU's fdt_build_clock_node): a `fixed-clock` has no registers
// and no parent, so the guest can have its own copy under a new phandle and a driver asking the clock
// framework for the rate gets the host's. Any other clock provider stays on the host.
import { findByPhandle, getStringList } from '../../../src/fdt/fdt-query.js';
import type { FdtNode } from '../../../src/fdt/fdt-node.js';
import { GuestNode } from './guest-node.js';
import { copyHostProperties, type HostProperty } from './host-properties.js';
import type { VfioDtContext } from './types.js';

const CLOCK_PROPERTIES: readonly HostProperty[] = [
  { name: 'compatible', optional: false },
  { name: '#clock-cells', optional: false },
  { name: 'clock-frequency', optional: true },
  { name: 'clock-output-names', optional: true },
];

/** The host node with phandle `phandle` if it is a fixed clock, else why not (QEMU's wording). */
export function hostFixedClock(hostRoot: FdtNode, phandle: number): FdtNode | string {
  const node = findByPhandle(hostRoot, phandle);
  if (node === undefined) return `not able to locate clock handle ${phandle} in host device tree`;
  if (!isFixedClock(node)) return `clock handle ${phandle} is not a fixed clock (${node.path})`;
  return node;
}

/** QEMU compares the first compatible string only. */
export function isFixedClock(node: FdtNode): boolean {
  return getStringList(node, 'compatible')?.[0] === 'fixed-clock';
}

/** Guest phandle of the guest copy of `hostClock`, made at the guest root on first use. */
export function guestFixedClock(hostClock: FdtNode, context: VfioDtContext): number {
  const known = context.rootNodes.phandleFor(hostClock.path);
  if (known !== undefined) return known;
  const phandle = context.allocPhandle();
  const guest = new GuestNode(hostClock.name);
  copyHostProperties(CLOCK_PROPERTIES, hostClock, hostClock.path, guest);
  guest.setCells('phandle', [phandle]);
  context.rootNodes.add(guest.toFdtNode(`/${hostClock.name}`), hostClock.path, phandle);
  return phandle;
}
