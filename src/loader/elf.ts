// Loads an AArch64 ELF64 executable's PT_LOAD segments into guest physical memory (firmware images).
import { InputFileError, readInputFile, type InputLimit } from '../files/input-file.js';

export interface ElfSegment {
  physicalAddress: number;
  data: Uint8Array;
  /** Bytes to occupy in memory: data followed by zeros (.bss). */
  memorySize: number;
}

export interface ElfImage {
  entry: number;
  segments: ElfSegment[];
}

const EM_AARCH64 = 183;
const PT_LOAD = 1;

export function parseElf(bytes: Uint8Array, what = 'ELF image'): ElfImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string) => new Error(`${what} is not an AArch64 ELF executable: ${why}`);
  if (bytes.length < 64 || view.getUint32(0) !== 0x7f454c46) throw bad('no ELF magic');
  if (bytes[4] !== 2) throw bad('not 64-bit (EI_CLASS)');
  if (bytes[5] !== 1) throw bad('not little-endian (EI_DATA)');
  if (view.getUint16(18, true) !== EM_AARCH64) throw bad(`machine ${view.getUint16(18, true)} is not EM_AARCH64 (183)`);
  const entry = Number(view.getBigUint64(24, true));
  const phoff = Number(view.getBigUint64(32, true));
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  if (phoff + phnum * phentsize > bytes.length) throw bad('program headers run past the end of the file');
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (view.getUint32(ph, true) !== PT_LOAD) continue;
    const offset = Number(view.getBigUint64(ph + 8, true));
    const paddr = Number(view.getBigUint64(ph + 24, true));
    const filesz = Number(view.getBigUint64(ph + 32, true));
    const memsz = Number(view.getBigUint64(ph + 40, true));
    if (offset + filesz > bytes.length) throw bad(`segment ${i} runs past the end of the file`);
    if (memsz === 0) continue;
    segments.push({ physicalAddress: paddr, data: bytes.subarray(offset, offset + filesz), memorySize: memsz });
  }
  if (segments.length === 0) throw bad('no loadable segment');
  return { entry, segments };
}

/** Reads and parses an ELF file of at most `limit` bytes (what its RAM can hold). */
export function readElf(path: string, limit: InputLimit): ElfImage {
  let bytes: Buffer;
  try {
    bytes = readInputFile(path, limit);
  } catch (e) {
    if (e instanceof InputFileError) throw new Error(`cannot read ELF image '${path}': ${e.reason}`, { cause: e });
    throw e;
  }
  return parseElf(bytes, `'${path}'`);
}
