// The binding table of vfio-platform's guest device-tree nodes (QEMU's hw/arm/sysbus-fdt.c `bindings[]`).
//
// How a node is chosen: the first entry whose `typeName` equals the device's QOM type exactly (a subtype
// does not inherit its parent's entry) and, when the entry has a `compatible`, whose compatible is one of
// the device's. Before that, the machine config's policy for the device's first compatible that has one
// may deny the device, or give the generic binding property rules.
//
// Adding a binding:
//   1. Write `writeXxxNode(device, context)` in its own file next to this one: build a GuestNode named
//      guestNodeName(device), set properties in the order QEMU would (GuestNode writes them reversed, as
//      libfdt does), use setReg and setInterrupts for the bus-relative regions and SPIs, copyHostProperties
//      for host properties (mandatory ones fail with QEMU's text), guestFixedClock for host fixed clocks.
//      Throw DeviceError naming the host path and property for anything the guest cannot be given.
//   2. Add an entry above `generic` (which takes every remaining vfio-platform device): a `typeName` for a
//      dedicated QOM type, or `typeName: 'vfio-platform'` plus the host `compatible` it serves.
//   3. Add a golden tree in test/golden/vfio-platform-dt.test.ts and tests for its errors; produce the
//      golden file with `npm run update-golden` and check it against what QEMU or the binding document says.
import { DeviceError } from '../../../src/qom/device-error.js';
import { writeAmdXgbeNode } from './amd-xgbe.js';
import { writeCalxedaXgmacNode } from './calxeda-xgmac.js';
import { writeGenericNode, type GenericOptions } from './generic.js';
import type { VfioDtContext, VfioDtDevice } from './types.js';

export interface VfioDtBinding {
  /** Named in messages and tests. */
  name: string;
  typeName: string;
  compatible?: string;
  write(device: VfioDtDevice, context: VfioDtContext, options: GenericOptions): void;
}

export const VFIO_DT_BINDINGS: readonly VfioDtBinding[] = [
  { name: 'calxeda-xgmac', typeName: 'vfio-calxeda-xgmac', write: writeCalxedaXgmacNode },
  { name: 'amd-xgbe', typeName: 'vfio-amd-xgbe', write: writeAmdXgbeNode },
  { name: 'amd-xgbe', typeName: 'vfio-platform', compatible: 'amd,xgbe-seattle-v1a', write: writeAmdXgbeNode },
  { name: 'generic', typeName: 'vfio-platform', write: writeGenericNode },
];

/** The binding that writes `device`'s node, or undefined when none does. */
export function findVfioDtBinding(device: VfioDtDevice): VfioDtBinding | undefined {
  return VFIO_DT_BINDINGS.find((b) => b.typeName === device.typeName && (b.compatible === undefined || device.compatible.includes(b.compatible)));
}

/**
 * Writes `device`'s node into the platform-bus node `context.fdt` is inside, and any nodes it needs at the
 * guest root into `context.rootNodes` (QEMU's add_fdt_node for one dynamic sysbus device).
 */
export function writeVfioPlatformNode(device: VfioDtDevice, context: VfioDtContext): void {
  const cannot = `Device ${device.typeName} can not be dynamically instantiated`;
  const { policy: policies } = context;
  const policyCompatible = policies && device.compatible.find((c) => Object.hasOwn(policies, c));
  const policy = policies && policyCompatible !== undefined ? policies[policyCompatible] : undefined;
  if (policy?.action === 'deny') {
    throw new DeviceError(cannot, { hint: `The machine config's vfio-platform device-tree policy denies compatible "${policyCompatible}".` });
  }
  const binding = findVfioDtBinding(device);
  if (binding === undefined) {
    throw new DeviceError(cannot, { hint: `No guest device-tree binding serves type ${device.typeName}; give the guest a device tree of your own.` });
  }
  const overrides = policy?.action === 'allow' ? policy.properties : undefined;
  if (overrides !== undefined && binding.name !== 'generic') {
    context.warn(
      `${device.hostPath}: property rules for compatible "${policyCompatible}" are not used: the ${binding.name} binding writes a fixed set of properties`,
    );
  }
  binding.write(device, context, overrides === undefined ? {} : { overrides });
}
