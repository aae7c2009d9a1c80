// Public API of the flattened device tree library: build a DTB, read one back, print it as dts,
// and read host nodes from /proc/device-tree.

export { FdtWriter, type FdtWriterOptions } from './fdt-writer.js';
export { parseDtb, readDtb } from './fdt-reader.js';
export { findByCompatible, findByPhandle, findNode, getCells, getString, getStringList, getU32, walk } from './fdt-query.js';
export { printDts } from './dts-printer.js';
export { readDtDirectory, type ReadDtDirectoryOptions } from './sysfs-dt.js';
export type { DtbContents, FdtNode, FdtReservation } from './fdt-node.js';
export { FDT_MAGIC, FDT_VERSION, FDT_LAST_COMP_VERSION } from './fdt-format.js';
