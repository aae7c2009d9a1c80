// Boots the virt machine as QEMU does for -kernel: an AArch64 ELF (firmware) or a Linux arm64 Image
// (Documentation/arch/arm64/booting.rst: text_offset and image_size from the header, loaded at a 2 MiB
// aligned base), an optional initrd after it, and the DTB in RAM with x0 pointing at it. The CPU starts
// at EL1h with interrupts masked and the MMU off.
import { readDtb } from '../../src/fdt/fdt-reader.js';
import { parseElf } from '../../src/loader/elf.js';
import { InputFileError, ramLimit, readInputFile, type InputLimit } from '../../src/files/input-file.js';
import { loadElfIntoRam } from '../../src/loader/load.js';
import { buildVirtDtb } from './virt-fdt.js';
import { VIRT_MEMMAP } from './memory-map.js';
import type { VirtMachine } from './virt-machine.js';

const IMAGE_MAGIC = 0x644d_5241; // "ARM\x64" at offset 56
const MIB2 = 2 * 1024 * 1024;
const PAGE = 0x1000;

export interface BootOptions {
  kernel: string;
  initrd?: string;
  bootargs?: string;
  /** A DTB file to use instead of the generated one (-dtb). */
  dtb?: string;
  /** Warnings while generating the DTB (host properties a passthrough node goes without). */
  warn?: (message: string) => void;
}

export interface BootLayout {
  entry: number;
  kernel: { start: number; end: number };
  initrd?: { start: number; end: number };
  dtb: { start: number; end: number };
}

/** Linux's arm64 boot protocol (Documentation/arch/arm64/booting.rst): a DTB "must not exceed 2 megabytes". */
const DTB_LIMIT: InputLimit = { maxBytes: 2 * 2 ** 20, what: 'the 2 MiB an arm64 DTB may have' };

function readInput(path: string, what: string, limit: InputLimit): Uint8Array {
  try {
    return new Uint8Array(readInputFile(path, limit));
  } catch (e) {
    if (e instanceof InputFileError) throw new Error(`cannot read ${what} '${path}': ${e.reason}`, { cause: e });
    throw e;
  }
}

/** The -dtb file, checked as dumpdtb and Linux would read it: a whole, well-formed blob of at most 2 MiB. */
export function readUserDtb(path: string): Uint8Array {
  const bytes = readInput(path, 'DTB', DTB_LIMIT);
  try {
    readDtb(bytes);
  } catch (e) {
    throw new Error(`DTB '${path}' is not a valid flattened device tree: ${(e as Error).message.replace(/^readDtb: /, '')}`, { cause: e });
  }
  return bytes;
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

export function bootVirt(vm: VirtMachine, options: BootOptions): BootLayout {
  const ramBase = VIRT_MEMMAP.ram.base;
  const ramEnd = ramBase + vm.ram.size;
  const kernelBytes = readInput(options.kernel, 'kernel', ramLimit(vm.ram.size));
  const kernel = loadKernel(vm, kernelBytes, options.kernel);

  let cursor = alignUp(kernel.end, MIB2);
  let initrd: BootLayout['initrd'];
  if (options.initrd) {
    const bytes = readInput(options.initrd, 'initrd', ramLimit(vm.ram.size));
    initrd = { start: cursor, end: cursor + bytes.length };
    place(vm, bytes, initrd.start, `initrd '${options.initrd}'`);
    cursor = alignUp(initrd.end, PAGE);
  }
  const dtbBytes = options.dtb ? readUserDtb(options.dtb) : buildVirtDtb(vm, { bootargs: options.bootargs, warn: options.warn, ...(initrd ? { initrd } : {}) });
  // The DTB goes at the start of RAM when the kernel leaves room below it (as QEMU does), else after.
  const dtbStart = kernel.start - ramBase >= alignUp(dtbBytes.length, PAGE) ? ramBase : cursor;
  const dtb = { start: dtbStart, end: dtbStart + dtbBytes.length };
  if (dtb.end > ramEnd) throw new Error(`the DTB does not fit in RAM after the kernel${initrd ? ' and initrd' : ''}: give the machine more memory`);
  place(vm, dtbBytes, dtb.start, 'DTB');

  vm.vcpu.pc = kernel.entry;
  vm.vcpu.writeRegister('x0', dtb.start);
  for (const reg of ['x1', 'x2', 'x3']) vm.vcpu.writeRegister(reg, 0);
  return { entry: kernel.entry, kernel: { start: kernel.start, end: kernel.end }, ...(initrd ? { initrd } : {}), dtb };
}

function place(vm: VirtMachine, bytes: Uint8Array, address: number, what: string): void {
  const offset = address - VIRT_MEMMAP.ram.base;
  if (offset < 0 || offset + bytes.length > vm.ram.size) {
    throw new Error(`${what} (${bytes.length} bytes at 0x${address.toString(16)}) does not fit in RAM: give the machine more memory`);
  }
  vm.ram.write(offset, bytes);
}

function loadKernel(vm: VirtMachine, bytes: Uint8Array, path: string): { entry: number; start: number; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 4 && view.getUint32(0) === 0x7f45_4c46) {
    const image = parseElf(bytes, `kernel '${path}'`);
    loadElfIntoRam(image, vm.ram, VIRT_MEMMAP.ram.base, `kernel '${path}'`);
    const start = Math.min(...image.segments.map((s) => s.physicalAddress));
    const end = Math.max(...image.segments.map((s) => s.physicalAddress + s.memorySize));
    return { entry: image.entry, start, end };
  }
  if (bytes.length >= 64 && view.getUint32(56, true) === IMAGE_MAGIC) {
    // image_size 0 marks a kernel older than 3.17, whose text_offset is not valid: it expects 0x80000.
    const imageSize = Number(view.getBigUint64(16, true));
    let offset = imageSize ? Number(view.getBigUint64(8, true)) : 0x80000;
    // As QEMU: an offset that would overlap the bottom page of RAM moves up by 2 MiB (still a 2 MiB base).
    if (offset < PAGE) offset += MIB2;
    const start = VIRT_MEMMAP.ram.base + offset;
    place(vm, bytes, start, `kernel '${path}'`);
    return { entry: start, start, end: start + Math.max(imageSize, bytes.length) };
  }
  throw new Error(`kernel '${path}' is neither an AArch64 ELF nor a Linux arm64 Image (no ELF magic, no "ARM\\x64" at offset 56)`);
}
