// Guest device-tree nodes for vfio-platform devices: one node on the platform bus per passed-through host
// device, built from its host node by the binding that serves it.
export { VFIO_DT_BINDINGS, findVfioDtBinding, writeVfioPlatformNode, type VfioDtBinding } from './bindings.js';
export { GuestRootNodes } from './guest-root-nodes.js';
export type { VfioDtContext, VfioDtDevice, VfioDtIrq, VfioDtPolicy, VfioDtPolicyEntry, VfioDtPropertyAction, VfioDtRegion } from './types.js';
