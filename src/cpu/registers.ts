// Register names accepted by Vcpu.readRegister/writeRegister: Unicorn's own ids, plus system registers it
// only reaches through its CP_REG interface (given by their op0/op1/CRn/CRm/op2 encoding).
import { native } from './native.js';

export interface SysregEncoding {
  op0: number;
  op1: number;
  crn: number;
  crm: number;
  op2: number;
}

/**
 * System registers by name (Arm ARM encodings). Unicorn has no SPSR_EL1 id, for one. Only registers
 * with storage or a read function belong here: a CP_REG read of one without (CurrentEL) aborts the engine.
 */
export const SYSTEM_REGISTERS = {
  SPSR_EL1: { op0: 3, op1: 0, crn: 4, crm: 0, op2: 0 },
  SCTLR_EL1: { op0: 3, op1: 0, crn: 1, crm: 0, op2: 0 },
  CPACR_EL1: { op0: 3, op1: 0, crn: 1, crm: 0, op2: 2 },
  TCR_EL1: { op0: 3, op1: 0, crn: 2, crm: 0, op2: 2 },
  MIDR_EL1: { op0: 3, op1: 0, crn: 0, crm: 0, op2: 0 },
  MPIDR_EL1: { op0: 3, op1: 0, crn: 0, crm: 0, op2: 5 },
  HCR_EL2: { op0: 3, op1: 4, crn: 1, crm: 1, op2: 0 },
  SCR_EL3: { op0: 3, op1: 6, crn: 1, crm: 1, op2: 0 },
  ACTLR_EL1: { op0: 3, op1: 0, crn: 1, crm: 0, op2: 1 },
  AMAIR_EL1: { op0: 3, op1: 0, crn: 10, crm: 3, op2: 0 },
  AFSR0_EL1: { op0: 3, op1: 0, crn: 5, crm: 1, op2: 0 },
  AFSR1_EL1: { op0: 3, op1: 0, crn: 5, crm: 1, op2: 1 },
  CONTEXTIDR_EL1: { op0: 3, op1: 0, crn: 13, crm: 0, op2: 1 },
  CNTKCTL_EL1: { op0: 3, op1: 0, crn: 14, crm: 1, op2: 0 },
  MDSCR_EL1: { op0: 2, op1: 0, crn: 0, crm: 2, op2: 2 },
  REVIDR_EL1: { op0: 3, op1: 0, crn: 0, crm: 0, op2: 6 },
  ID_AA64PFR0_EL1: { op0: 3, op1: 0, crn: 0, crm: 4, op2: 0 },
  ID_AA64PFR1_EL1: { op0: 3, op1: 0, crn: 0, crm: 4, op2: 1 },
  ID_AA64DFR0_EL1: { op0: 3, op1: 0, crn: 0, crm: 5, op2: 0 },
  ID_AA64ISAR0_EL1: { op0: 3, op1: 0, crn: 0, crm: 6, op2: 0 },
  ID_AA64ISAR1_EL1: { op0: 3, op1: 0, crn: 0, crm: 6, op2: 1 },
  ID_AA64MMFR0_EL1: { op0: 3, op1: 0, crn: 0, crm: 7, op2: 0 },
  ID_AA64MMFR1_EL1: { op0: 3, op1: 0, crn: 0, crm: 7, op2: 1 },
  CNTFRQ_EL0: { op0: 3, op1: 3, crn: 14, crm: 0, op2: 0 },
  CNTPCT_EL0: { op0: 3, op1: 3, crn: 14, crm: 0, op2: 1 },
  CNTVCT_EL0: { op0: 3, op1: 3, crn: 14, crm: 0, op2: 2 },
  CNTP_TVAL_EL0: { op0: 3, op1: 3, crn: 14, crm: 2, op2: 0 },
  CNTP_CTL_EL0: { op0: 3, op1: 3, crn: 14, crm: 2, op2: 1 },
  CNTP_CVAL_EL0: { op0: 3, op1: 3, crn: 14, crm: 2, op2: 2 },
  CNTV_TVAL_EL0: { op0: 3, op1: 3, crn: 14, crm: 3, op2: 0 },
  CNTV_CTL_EL0: { op0: 3, op1: 3, crn: 14, crm: 3, op2: 1 },
  CNTV_CVAL_EL0: { op0: 3, op1: 3, crn: 14, crm: 3, op2: 2 },
} as const satisfies Readonly<Record<string, SysregEncoding>>;

export type SystemRegisterName = keyof typeof SYSTEM_REGISTERS;

const SYSTEM_REGISTERS_BY_NAME: ReadonlyMap<string, SysregEncoding> = new Map(Object.entries(SYSTEM_REGISTERS));

/** The 16-bit key the native sysreg table is indexed by: op0:op1:CRn:CRm:op2. */
export function sysregKey(e: SysregEncoding): number {
  return (e.op0 << 14) | (e.op1 << 11) | (e.crn << 7) | (e.crm << 3) | e.op2;
}

export type ResolvedRegister = { kind: 'id'; id: number } | { kind: 'sysreg'; encoding: SysregEncoding };

/** Resolves a register name (case-insensitive; X0-X30, SP, PC, PSTATE, ELR_EL1, SPSR_EL1, ...). */
export function resolveRegister(name: string): ResolvedRegister {
  const upper = name.toUpperCase();
  const alias = upper === 'LR' ? 'X30' : upper === 'FP' ? 'X29' : upper;
  const id = native.registerIds[alias];
  if (id !== undefined) return { kind: 'id', id };
  const encoding = SYSTEM_REGISTERS_BY_NAME.get(alias);
  if (encoding) return { kind: 'sysreg', encoding };
  const known = [...Object.keys(native.registerIds), ...Object.keys(SYSTEM_REGISTERS)].filter((n) => !/^X\d+$/.test(n));
  throw new Error(`unknown register '${name}': use X0-X30, LR, FP or one of ${known.join(', ')}`);
}
