// What the guest device-tree generator of vfio-platform is given: the passthrough device as placed on the
// platform bus, its host device-tree node, and the guest tree being written. Pure data, so the bindings
// can be tested without VFIO or a guest.
import type { FdtNode } from '../../../src/fdt/fdt-node.js';
import type { FdtWriter } from '../../../src/fdt/fdt-writer.js';
import type { PassthroughPolicy, PassthroughPolicyEntry } from '../machine-keys.js';
import type { GuestRootNodes } from './guest-root-nodes.js';

/** One MMIO region of the device, where the platform bus placed it. */
export interface VfioDtRegion {
  /** Offset in the platform-bus window: the bus node's child address (ranges maps 0 to the window base). */
  busOffset: number;
  size: number;
}

/** One interrupt of the device, as wired by the platform bus. */
export interface VfioDtIrq {
  /** GIC SPI number (INTID - 32), i.e. the platform bus's first SPI plus the bus line. */
  spi: number;
  /** The host reports it VFIO_IRQ_INFO_AUTOMASKED: level-sensitive; otherwise edge. */
  level: boolean;
}

export interface VfioDtDevice {
  /** QOM type name: `vfio-platform`, `vfio-calxeda-xgmac`, `vfio-amd-xgbe`. Matched exactly, as QEMU does. */
  typeName: string;
  /**
   * The device's compatible list (QEMU's vdev->compat): `<sysfsdev>/of_node/compatible`, or the value a
   * subtype fixes (`calxeda,hb-xgmac`, `amd,xgbe-seattle-v1a`). Most specific first.
   */
  compatible: readonly string[];
  /** The host node (`<sysfsdev>/of_node`) and its path in the host tree, for messages and clock lookups. */
  hostNode: FdtNode;
  hostPath: string;
  /** The whole host tree (`/sys/firmware/devicetree/base`), where phandle targets such as clocks live. */
  hostRoot: FdtNode;
  regions: readonly VfioDtRegion[];
  irqs: readonly VfioDtIrq[];
}

/** What the generic binding does with one host property. */
export type VfioDtPropertyAction = 'copy' | 'ignore';

/**
 * The machine config's say over one host compatible (PassthroughPolicyEntry): `deny` refuses devices with
 * it; `allow` may carry property rules (names, `*` wildcards allowed) that win over the generic defaults.
 */
export type VfioDtPolicyEntry = PassthroughPolicyEntry;

/** Policy entries keyed by host compatible; the device's first compatible with an entry decides. */
export type VfioDtPolicy = PassthroughPolicy;

export interface VfioDtContext {
  /**
   * Positioned inside the platform-bus node (`#address-cells = <1>`, `#size-cells = <1>`). No
   * interrupt-parent is written on the device node: the bus node's `<&intc>` applies, as in QEMU.
   */
  fdt: FdtWriter;
  /** A guest phandle no other node uses (QEMU's qemu_fdt_alloc_phandle). */
  allocPhandle(): number;
  /** Nodes a binding needs at the guest root (rebuilt fixed clocks); the machine writes them after the bus. */
  rootNodes: GuestRootNodes;
  /** Reports a host property the guest node goes without (QEMU's warn_report). */
  warn(message: string): void;
  policy?: VfioDtPolicy;
}
