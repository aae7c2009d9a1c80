// Writes a host description as the files a VMM reads on a real host (Documentation/ABI sysfs-bus-platform,
// sysfs-firmware-ofw, sysfs-kernel-iommu_groups): platform devices with their iommu_group, of_node and driver
// links, the device tree under /sys/firmware/devicetree/base (property files of raw big-endian bytes),
// /proc/device-tree, and the /dev/vfio nodes. The same realize code then reads the same paths under the root.
// The schema keeps names free of `/` and `..`; every path is checked again here, as written, to stay in the root.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { JsonCheckError } from '../../config/json-schema.js';
import { creatablePathWithin } from '../../files/contained-path.js';
import { encodeStrings } from './dt-values.js';
import type { DeviceDescription, HostDescription, NodeDescription } from './description.js';
import { at } from '../../util/at.js';

const DT_BASE = 'sys/firmware/devicetree/base';
const PLATFORM_BUS = 'sys/bus/platform';
const VFIO_DRIVER = 'vfio-platform';

/** Writes the tree under `root`; a path that would leave it, or a file the tree cannot hold, is refused. */
export function materialiseHost(description: HostDescription, root: string): void {
  try {
    writeTree(description, new HostTree(root));
  } catch (error) {
    throw new JsonCheckError([`${description.source}: cannot write the host's sysfs tree: ${(error as Error).message}`]);
  }
}

function writeTree(description: HostDescription, tree: HostTree): void {
  tree.dir(DT_BASE);
  tree.file(`${DT_BASE}/name`, encodeStrings(['']));
  tree.link('proc/device-tree', DT_BASE);
  for (const node of description.nodes) tree.dtNode(node);
  tree.dir(`${PLATFORM_BUS}/drivers/${VFIO_DRIVER}`);
  tree.file(`${PLATFORM_BUS}/drivers/${VFIO_DRIVER}/bind`, '');
  tree.file(`${PLATFORM_BUS}/drivers/${VFIO_DRIVER}/unbind`, '');
  tree.file(`${PLATFORM_BUS}/drivers_probe`, '');
  tree.file('sys/module/vfio_platform/parameters/reset_required', 'Y\n');
  tree.file('sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts', 'Y\n');
  tree.file('dev/vfio/vfio', '');
  for (const device of description.devices) {
    tree.dtNode(device.node);
    const dir = tree.platformDevice(device.name, device.iommuGroup, VFIO_DRIVER, parentChain(device.node.path));
    tree.link(`${dir}/of_node`, dtDir(device.node.path));
    tree.file(`${dir}/driver_override`, `${VFIO_DRIVER}\n`);
    tree.file(`${dir}/uevent`, uevent(device));
    tree.file(`dev/vfio/${device.iommuGroup}`, '');
  }
  for (const group of description.groups) {
    for (const other of group.otherDevices) {
      const dir = tree.platformDevice(other.name, group.id, other.driver, []);
      tree.file(`${dir}/driver_override`, '(null)\n');
    }
  }
}

class HostTree {
  constructor(private readonly root: string) {}

  dir(path: string): void {
    mkdirSync(this.within(path), { recursive: true });
  }

  file(path: string, data: string | Uint8Array): void {
    this.dir(dirname(path));
    writeFileSync(this.within(path), data);
  }

  /** A relative symlink, as sysfs writes them, so the tree can be moved or read through any root. */
  link(path: string, target: string): void {
    this.dir(dirname(path));
    const at = this.within(path);
    symlinkSync(relative(dirname(at), this.within(target)), at);
  }

  private within(path: string): string {
    return creatablePathWithin(this.root, path);
  }

  /** The node's directory, its ancestors' directories with their `name` files, and its property files. */
  dtNode(node: NodeDescription): void {
    const parts = node.path.split('/').slice(1);
    for (let depth = 1; depth <= parts.length; depth++) {
      const path = `${DT_BASE}/${parts.slice(0, depth).join('/')}`;
      this.file(`${path}/name`, encodeStrings([at(at(parts, depth - 1).split('@'), 0)]));
    }
    for (const [name, value] of node.properties) this.file(`${dtDir(node.path)}/${name}`, value);
  }

  /** /sys/devices/platform/.../<name> with its bus, driver and IOMMU group links; returns its path. */
  platformDevice(name: string, group: number, driver: string, parents: string[]): string {
    const dir = ['sys/devices/platform', ...parents, name].join('/');
    const groupDir = `sys/kernel/iommu_groups/${group}`;
    this.dir(dir);
    this.link(`${PLATFORM_BUS}/devices/${name}`, dir);
    this.link(`${dir}/subsystem`, PLATFORM_BUS);
    this.link(`${dir}/iommu_group`, groupDir);
    this.link(`${groupDir}/devices/${name}`, dir);
    this.link(`${dir}/driver`, `${PLATFORM_BUS}/drivers/${driver}`);
    this.dir(`${PLATFORM_BUS}/drivers/${driver}`);
    this.link(`${PLATFORM_BUS}/drivers/${driver}/${name}`, dir);
    return dir;
  }
}

function dtDir(path: string): string {
  return `${DT_BASE}${path}`;
}

/** The platform devices Linux creates for the node's bus ancestors: /soc → soc, /smb@e0000000 → e0000000.smb. */
function parentChain(path: string): string[] {
  return path.split('/').slice(1, -1).map(sysfsName);
}

/** `ethernet@fff51000` → `fff51000.ethernet`, as of_device_make_bus_id names platform devices. */
export function sysfsName(nodeName: string): string {
  const at = nodeName.indexOf('@');
  return at < 0 ? nodeName : `${nodeName.slice(at + 1)}.${nodeName.slice(0, at)}`;
}

function uevent(device: DeviceDescription): string {
  const compatible = new TextDecoder()
    .decode(device.node.properties.get('compatible') ?? new Uint8Array())
    .split('\0')
    .filter((s) => s);
  const nodeName = at(device.node.path.slice(device.node.path.lastIndexOf('/') + 1).split('@'), 0);
  return [
    `DRIVER=${VFIO_DRIVER}`,
    `OF_NAME=${nodeName}`,
    `OF_FULLNAME=${device.node.path}`,
    ...compatible.map((c, i) => `OF_COMPATIBLE_${i}=${c}`),
    `OF_COMPATIBLE_N=${compatible.length}`,
    '',
  ].join('\n');
}
