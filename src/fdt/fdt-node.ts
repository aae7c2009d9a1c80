// In-memory shape of a device tree, as produced by the DTB reader and the sysfs reader and
// consumed by the dts printer and FdtWriter.appendNode.

export interface FdtNode {
  /** Node name with unit address, e.g. 'memory@40000000'; '' for the root. */
  name: string;
  /** Full path, '/' for the root, '/soc/uart@9000000' below it. */
  path: string;
  /** Raw property values in blob order; values are big-endian bytes exactly as stored. */
  properties: Map<string, Uint8Array>;
  /** Child nodes in blob order. */
  children: FdtNode[];
}

/** One entry of the memory reservation block: a physical range the OS must not use. */
export interface FdtReservation {
  address: bigint;
  size: bigint;
}

/** Everything a DTB holds besides its layout. */
export interface DtbContents {
  root: FdtNode;
  reservations: FdtReservation[];
  /** Physical id of the boot CPU (header field boot_cpuid_phys). */
  bootCpuId: number;
  /** Header version field (16 or 17 for blobs the reader accepts). */
  version: number;
}

/** Path of a child named `name` under the node at `parentPath`. */
export function childPath(parentPath: string, name: string): string {
  return parentPath === '/' ? `/${name}` : `${parentPath}/${name}`;
}
