// Nodes vfio-platform bindings need at the guest root rather than on the platform bus: the fixed clocks
// rebuilt from the host (QEMU puts them at "/"). The writer is one-pass and positioned inside the bus node
// when a device writes its node, so they are gathered here and the machine writes them after the bus.
// One instance serves the whole tree: devices sharing a host clock share its guest node.
import type { FdtNode } from '../../../src/fdt/fdt-node.js';
import type { FdtWriter } from '../../../src/fdt/fdt-writer.js';
import { DeviceError } from '../../../src/qom/device-error.js';

export class GuestRootNodes {
  private readonly byName = new Map<string, { node: FdtNode; hostPath: string }>();
  private readonly phandleByHostPath = new Map<string, number>();

  /** Guest phandle of the node already made from host node `hostPath`, if any. */
  phandleFor(hostPath: string): number | undefined {
    return this.phandleByHostPath.get(hostPath);
  }

  /** Adds `node`, made from host node `hostPath`, whose own phandle is `phandle`. */
  add(node: FdtNode, hostPath: string, phandle: number): void {
    const clash = this.byName.get(node.name);
    if (clash) {
      throw new DeviceError(`host nodes ${clash.hostPath} and ${hostPath} would both be the guest's /${node.name}`);
    }
    this.byName.set(node.name, { node, hostPath });
    this.phandleByHostPath.set(hostPath, phandle);
  }

  get nodes(): FdtNode[] {
    return [...this.byName.values()].map((entry) => entry.node);
  }

  /** Writes every node as a child of the writer's open node, which must be the root. */
  writeTo(fdt: FdtWriter): void {
    for (const node of this.nodes) fdt.appendNode(node);
  }
}
