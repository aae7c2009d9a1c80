// On-disk layout of a flattened device tree blob (devicetree specification v0.4, chapter 5).
// Shared by the writer and the reader so both agree on every number.

/** Magic at offset 0 of every DTB, stored big-endian. */
export const FDT_MAGIC = 0xd00dfeed;

/** Version we write. v17 adds size_dt_struct to the v16 header; nothing else changed. */
export const FDT_VERSION = 17;
/** Oldest version a v17 blob stays compatible with (spec 5.2: last_comp_version is 16). */
export const FDT_LAST_COMP_VERSION = 16;
/** Oldest version the reader accepts: before v16 node names were full paths and the layout differed. */
export const FDT_MIN_READ_VERSION = 16;

/** Structure block tokens (spec 5.4.1), each a big-endian u32 aligned to 4 bytes. */
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;

/** Ten u32 header fields for v17 (spec 5.2). */
export const FDT_HEADER_SIZE = 40;

/** Byte offsets of the header fields (spec 5.2, struct fdt_header). */
export const HDR_MAGIC = 0;
export const HDR_TOTALSIZE = 4;
export const HDR_OFF_DT_STRUCT = 8;
export const HDR_OFF_DT_STRINGS = 12;
export const HDR_OFF_MEM_RSVMAP = 16;
export const HDR_VERSION = 20;
export const HDR_LAST_COMP_VERSION = 24;
export const HDR_BOOT_CPUID_PHYS = 28;
export const HDR_SIZE_DT_STRINGS = 32;
export const HDR_SIZE_DT_STRUCT = 36;

/** Memory reservation entries are two big-endian u64 (address, size); the block is 8-byte aligned. */
export const FDT_RSV_ENTRY_SIZE = 16;
export const FDT_RSV_ALIGN = 8;
/** Every token and property value in the structure block starts on a 4-byte boundary. */
export const FDT_TOKEN_ALIGN = 4;

/** Phandles 0 and 0xffffffff are not valid references (spec 2.3.3: 0 means none, ~0 is reserved). */
export const PHANDLE_MIN = 1;
export const PHANDLE_MAX = 0xfffffffe;

export const U32_MAX = 0xffffffff;
export const U64_MAX = (1n << 64n) - 1n;

export function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}
