// Where a watchpoint stop is shown to gdb. QEMU and the hardware stop on a storing instruction before it
// completes, and gdb then steps over it; the vCPU stops after it (stopping inside an access would replay
// part of the instruction, an exclusive store's success too). When the store left no other trace (a plain
// store to RAM without base writeback) and nothing ran since, PC goes back to it: executing it again writes
// the same bytes, and gdb sees what QEMU shows.
import type { Vcpu } from '../cpu/vcpu.js';
import type { DebugStop } from '../cpu/vcpu-debug.js';
import type { GuestMemory } from './guest-memory.js';

/** A64 stores that write memory and nothing else (Arm ARM C4.1.66 "Loads and Stores" encodings). */
export function isPlainStore(insn: number): boolean {
  const simd = (insn >>> 26) & 1;
  const opc = (insn >>> 22) & 3;
  const storeOpc = simd ? (opc & 1) === 0 : opc === 0; // SIMD opc 10 stores a Q register
  if ((insn & 0x3b00_0000) === 0x3900_0000) return storeOpc; // STR (unsigned offset)
  if ((insn & 0x3b20_0c00) === 0x3800_0000) return storeOpc; // STUR
  if ((insn & 0x3b20_0c00) === 0x3820_0800) return storeOpc; // STR (register offset)
  if ((insn & 0x3bc0_0000) === 0x2900_0000 || (insn & 0x3bc0_0000) === 0x2800_0000) return true; // STP, STNP (offset)
  return (insn & 0x3fff_fc00) === 0x089f_fc00; // STLR
}

/** Moves PC back onto the store that hit a watchpoint when doing so is invisible to the guest. */
export function rewindToStore(stop: Extract<DebugStop, { kind: 'watchpoint' }>, vcpu: Vcpu, memory: GuestMemory): void {
  if (!stop.store || stop.pc !== stop.accessPc + 4n || !memory.isRam(stop.dataAddress, 1)) return;
  const insn = memory.read(stop.accessPc, 4);
  if (insn.length === 4 && isPlainStore(insn.readUInt32LE())) vcpu.writeRegister('PC', stop.accessPc);
}
