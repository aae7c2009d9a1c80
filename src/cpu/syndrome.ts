// Names of the exception classes (ESR_ELx.EC, Arm ARM D17.2.37) armvirt reports or delivers.
const EXCEPTION_CLASSES: Readonly<Record<number, string>> = {
  0x00: 'undefined instruction',
  0x01: 'trapped WFI/WFE',
  0x07: 'trapped FP/SIMD access',
  0x0e: 'illegal execution state',
  0x15: 'SVC',
  0x16: 'HVC',
  0x17: 'SMC',
  0x18: 'trapped MSR/MRS/system instruction',
  0x20: 'instruction abort from EL0',
  0x21: 'instruction abort',
  0x22: 'PC alignment fault',
  0x24: 'data abort from EL0',
  0x25: 'data abort',
  0x26: 'SP alignment fault',
  0x2f: 'SError',
  0x3c: 'BRK',
};

/** What an ESR value says happened, e.g. 'data abort' for 0x96000044. */
export function exceptionClassName(esr: number): string {
  const ec = (esr >>> 26) & 0x3f;
  return EXCEPTION_CLASSES[ec] ?? `exception class ${ec.toString(16)}`;
}

/** Whether FAR_ELx holds the faulting address for this ESR (instruction and data aborts, alignment faults). */
export function hasFaultAddress(esr: number): boolean {
  const ec = (esr >>> 26) & 0x3f;
  return ec === 0x20 || ec === 0x21 || ec === 0x22 || ec === 0x24 || ec === 0x25;
}
