// The registers gdb sees, numbered as QEMU's target description numbers them: x0-x30, sp, pc, cpsr
// (org.gnu.gdb.aarch64.core, 0-33), v0-v31, fpsr, fpcr (org.gnu.gdb.aarch64.fpu, 34-67), then EL1-and-up
// system registers (org.qemu.gdb.arm.sys.regs, from 68), which are read-only as in QEMU. Values travel in
// target byte order: little-endian.
import type { Vcpu } from '../cpu/vcpu.js';
import { at } from '../util/at.js';

export type RegisterFeature = 'core' | 'fpu' | 'system';

export interface GdbRegister {
  name: string;
  bits: 32 | 64 | 128;
  feature: RegisterFeature;
  /** The gdb type in the target description, when not a plain integer. */
  type?: string;
  read(vcpu: Vcpu): Buffer;
  /** Absent for read-only registers. */
  write?(vcpu: Vcpu, bytes: Buffer): void;
}

function littleEndian(value: bigint, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}

function fromLittleEndian(bytes: Buffer): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(at(bytes, i));
  return value;
}

/** A register the vCPU reads and writes by name (Vcpu.readRegister). */
function named(name: string, vcpuName: string, bits: 32 | 64, feature: RegisterFeature, type?: string, writable = true): GdbRegister {
  return {
    name,
    bits,
    feature,
    ...(type ? { type } : {}),
    read: (vcpu) => littleEndian(vcpu.readRegister(vcpuName), bits / 8),
    ...(writable ? { write: (vcpu: Vcpu, bytes: Buffer) => vcpu.writeRegister(vcpuName, fromLittleEndian(bytes)) } : {}),
  };
}

const cpsr: GdbRegister = {
  ...named('cpsr', 'PSTATE', 32, 'core', 'cpsr_flags'),
  write(vcpu, bytes) {
    vcpu.writeRegister('PSTATE', fromLittleEndian(bytes));
    // The engine caches flags derived from PSTATE (the EL, for one); a system-register write rebuilds them.
    vcpu.writeRegister('SPSR_EL1', vcpu.readRegister('SPSR_EL1'));
  },
};

const vector = (n: number): GdbRegister => ({
  name: `v${n}`,
  bits: 128,
  feature: 'fpu',
  type: 'aarch64v',
  read: (vcpu) => vcpu.debug.readVector(n),
  write: (vcpu, bytes) => vcpu.debug.writeVector(n, bytes),
});

/** What `info registers cp_regs` shows (QEMU's group name): EL1 translation, exception and ID registers. */
const SYSTEM_REGISTER_NAMES = [
  'SCTLR_EL1',
  'ACTLR_EL1',
  'CPACR_EL1',
  'TTBR0_EL1',
  'TTBR1_EL1',
  'TCR_EL1',
  'MAIR_EL1',
  'AMAIR_EL1',
  'VBAR_EL1',
  'CONTEXTIDR_EL1',
  'ELR_EL1',
  'SPSR_EL1',
  'ESR_EL1',
  'FAR_EL1',
  'AFSR0_EL1',
  'AFSR1_EL1',
  'PAR_EL1',
  'SP_EL0',
  'SP_EL1',
  'TPIDR_EL0',
  'TPIDRRO_EL0',
  'TPIDR_EL1',
  'CNTKCTL_EL1',
  'MDSCR_EL1',
  'MIDR_EL1',
  'REVIDR_EL1',
  'MPIDR_EL1',
  'ID_AA64PFR0_EL1',
  'ID_AA64PFR1_EL1',
  'ID_AA64DFR0_EL1',
  'ID_AA64ISAR0_EL1',
  'ID_AA64ISAR1_EL1',
  'ID_AA64MMFR0_EL1',
  'ID_AA64MMFR1_EL1',
  'HCR_EL2',
  'SCR_EL3',
];

export const GDB_REGISTERS: readonly GdbRegister[] = [
  ...Array.from({ length: 31 }, (_, n) => named(`x${n}`, `X${n}`, 64, 'core')),
  named('sp', 'SP', 64, 'core', 'data_ptr'),
  named('pc', 'PC', 64, 'core', 'code_ptr'),
  cpsr,
  ...Array.from({ length: 32 }, (_, n) => vector(n)),
  named('fpsr', 'FPSR', 32, 'fpu'),
  named('fpcr', 'FPCR', 32, 'fpu'),
  ...SYSTEM_REGISTER_NAMES.map((name) => named(name, name, 64, 'system', undefined, false)),
];

/** How many registers the `g` packet carries: the core feature, as QEMU sends it (gdb fetches the rest with `p`). */
export const G_PACKET_REGISTERS = GDB_REGISTERS.filter((r) => r.feature === 'core').length;

/** The `g` reply: the core registers' bytes in order. */
export function readGeneralRegisters(vcpu: Vcpu): Buffer {
  return Buffer.concat(GDB_REGISTERS.slice(0, G_PACKET_REGISTERS).map((r) => r.read(vcpu)));
}

/** A `G` packet's bytes; false when they do not cover the core registers exactly. */
export function writeGeneralRegisters(vcpu: Vcpu, bytes: Buffer): boolean {
  const core = GDB_REGISTERS.slice(0, G_PACKET_REGISTERS);
  if (bytes.length !== core.reduce((n, r) => n + r.bits / 8, 0)) return false;
  let at = 0;
  for (const r of core) {
    if (!r.write) return false;
    r.write(vcpu, bytes.subarray(at, at + r.bits / 8));
    at += r.bits / 8;
  }
  return true;
}
