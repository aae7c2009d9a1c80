// A minimal AArch64 ELF64 executable around inline guest code (one PT_LOAD segment at `base`), for tests
// that load firmware through the ELF loader, as the foundation board does.
import { writeFileSync } from 'node:fs';
import { assemble } from './assemble.js';

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;

/** Writes an ELF to `path` whose code is `source`, loaded and entered at `base`; returns the path. */
export function writeElf(path: string, source: string, base = 0x4000_0000): string {
  const code = assemble(source, base);
  const bytes = new Uint8Array(EHDR_SIZE + PHDR_SIZE + code.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]); // ELF magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 183, true); // EM_AARCH64
  view.setUint32(20, 1, true);
  view.setBigUint64(24, BigInt(base), true); // e_entry
  view.setBigUint64(32, BigInt(EHDR_SIZE), true); // e_phoff
  view.setUint16(52, EHDR_SIZE, true);
  view.setUint16(54, PHDR_SIZE, true);
  view.setUint16(56, 1, true); // e_phnum
  const ph = EHDR_SIZE;
  view.setUint32(ph, 1, true); // PT_LOAD
  view.setUint32(ph + 4, 7, true); // RWX
  view.setBigUint64(ph + 8, BigInt(EHDR_SIZE + PHDR_SIZE), true); // p_offset
  view.setBigUint64(ph + 16, BigInt(base), true); // p_vaddr
  view.setBigUint64(ph + 24, BigInt(base), true); // p_paddr
  view.setBigUint64(ph + 32, BigInt(code.length), true); // p_filesz
  view.setBigUint64(ph + 40, BigInt(code.length), true); // p_memsz
  bytes.set(code, EHDR_SIZE + PHDR_SIZE);
  writeFileSync(path, bytes);
  return path;
}
