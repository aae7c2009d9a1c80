// The generic binding, for any other device the host describes: the host node's properties go through
// the rules of generic-rules.ts (a policy from the machine config may override them), regions and IRQs
// are rewritten for the platform bus, subnodes are left out. Upstream QEMU never had one; users of
// other devices wrote the guest DTB by hand.
import type { FdtNode } from '../../../src/fdt/fdt-node.js';
import { findByPhandle, getCells, getU32 } from '../../../src/fdt/fdt-query.js';
import { DeviceError } from '../../../src/qom/device-error.js';
import { guestFixedClock, isFixedClock } from './fixed-clocks.js';
import { genericAction, type GenericAction } from './generic-rules.js';
import { GuestNode, guestNodeName, hostTrigger } from './guest-node.js';
import type { VfioDtContext, VfioDtDevice, VfioDtPropertyAction } from './types.js';
import { at } from '../../../src/util/at.js';

export interface GenericOptions {
  /** The machine config's property rules for the device's compatible; they win over the defaults. */
  overrides?: Readonly<Record<string, VfioDtPropertyAction>>;
}

export function writeGenericNode(device: VfioDtDevice, context: VfioDtContext, options: GenericOptions = {}): void {
  const { hostNode, hostPath } = device;
  const plan = [...hostNode.properties].map(([name, value]) => ({ name, value, action: genericAction(name, value, options.overrides) }));
  const rejected = plan.filter((p) => p.action.kind === 'reject').map((p) => p.name);
  if (rejected.length > 0) {
    throw new DeviceError(`${hostPath} has unsupported ${rejected.join(', ')} ${rejected.length === 1 ? 'property' : 'properties'}`, {
      hint: `Its value may hold a phandle, which would be wrong in the guest. If it holds none, or the guest driver can do without it, give it a copy or ignore rule in the machine config's vfio-platform device-tree policy for compatible "${device.compatible[0]}".`,
    });
  }

  const node = new GuestNode(guestNodeName(device));
  for (const { name, value, action } of plan) apply(node, name, value, action, device, context);
  if (hostNode.children.length > 0) {
    context.warn(`${hostPath} has unsupported subnodes, left out of the guest node: ${hostNode.children.map((c) => c.name).join(', ')}`);
  }
  node.setReg(device);
  node.setInterrupts(device, hostTrigger);
  node.writeTo(context.fdt);
}

function apply(node: GuestNode, name: string, value: Uint8Array, action: GenericAction, device: VfioDtDevice, context: VfioDtContext): void {
  switch (action.kind) {
    case 'copy':
      node.set(name, value);
      return;
    case 'warn':
      context.warn(`${device.hostPath}: Ignoring ${name} property (${action.why})`);
      return;
    case 'clocks': {
      const phandles = rebuildFixedClocks(device, context);
      if (phandles) node.setCells(name, phandles);
      return;
    }
    case 'ignore':
    case 'reject':
      return;
  }
}

/**
 * The guest phandles for the host `clocks` when every clock in it is a fixed clock; otherwise undefined
 * and a warning naming the others (clock-names indexes the list, so it is all or nothing).
 */
function rebuildFixedClocks(device: VfioDtDevice, context: VfioDtContext): number[] | undefined {
  const cells = getCells(device.hostNode, 'clocks');
  if (cells === undefined) return undefined; // no clocks: nothing to rebuild
  const fixed: FdtNode[] = [];
  const others: string[] = [];
  for (let i = 0; i < cells.length;) {
    const provider = findByPhandle(device.hostRoot, at(cells, i));
    const specifierCells = provider && getU32(provider, '#clock-cells');
    if (provider === undefined || specifierCells === undefined) {
      // Without the provider's #clock-cells the rest of the list cannot be split into specifiers.
      others.push(provider ? `${provider.path} (no #clock-cells)` : `clock handle ${cells[i]} (not in the host device tree)`);
      break;
    }
    if (isFixedClock(provider) && specifierCells === 0) fixed.push(provider);
    else others.push(provider.path);
    i += 1 + specifierCells;
  }
  if (others.length > 0) {
    context.warn(`${device.hostPath}: Ignoring clocks property (not fixed clocks, which the guest has no provider for: ${others.join(', ')})`);
    return undefined;
  }
  return fixed.map((clock) => guestFixedClock(clock, context));
}
