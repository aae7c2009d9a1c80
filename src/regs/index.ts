// Public API of register banks: declare a device's registers once, use the bank as its MMIO handler and
// register file.

export { RegisterBank, type RegisterBankOwner } from './bank.js';
export type { AccessMode, FieldSpec, IndexArgs, NarrowRegisterSpec, RegisterSpec, RegisterSpecs, RegisterValue, SetArgs, WideRegisterSpec } from './spec.js';
