// Copying listed properties from a host node (QEMU's copy_properties_from_host): an optional property the
// host lacks is skipped, a mandatory one is an error with the text qemu_fdt_getprop gives.
import type { FdtNode } from '../../../src/fdt/fdt-node.js';
import { DeviceError } from '../../../src/qom/device-error.js';
import type { GuestNode } from './guest-node.js';

export interface HostProperty {
  name: string;
  optional: boolean;
}

export function copyHostProperties(list: readonly HostProperty[], host: FdtNode, hostPath: string, guest: GuestNode): void {
  for (const { name, optional } of list) {
    const value = host.properties.get(name);
    if (value !== undefined) guest.set(name, value);
    else if (!optional) throw new DeviceError(`Couldn't get ${hostPath}/${name}: FDT_ERR_NOTFOUND`);
  }
}
