// What the GICv2 register frames share (Arm IHI 0048B §4.1.4 register access): which accesses a register
// takes, how refused ones are reported (never thrown: a guest must not stop the VMM), and the hooks through
// which a frame tells the GIC its state changed.
// Why the frames are not a RegisterBank (src/regs): a bank stores one value per register, while most GIC
// registers are views of per-interrupt state that several registers share (GICD_ISENABLERn and
// GICD_ICENABLERn set and clear the same enable bits, GICD_ISPENDRn/ICPENDRn and GICC_IAR/EOIR the same
// pending and active bits, GICD_IPRIORITYRn holds a byte per INTID). The state is kept per interrupt
// (gic-state.ts) and each register family is a field array over it (gic-field-array.ts).
import { hex } from '../../src/util/hex.js';
import type { LazyMessage } from '../../src/core/guest-errors.js';

export interface GicHooks {
  /** Recomputes the CPU's IRQ output; called after every state change. */
  update(): void;
  /** Ends an active interrupt's active state and runs its deactivation notifiers. */
  deactivate(intid: number): void;
  /** A guest programming error; the message is built only if it is logged. */
  guestError: (message: LazyMessage) => void;
}

export interface GicRegister {
  /** Datasheet name, with the element number for an array: `GICD_ISENABLER3`. */
  readonly name: string;
  readonly access: 'RW' | 'RO' | 'WO';
  /** Byte accesses are allowed besides aligned words (IPRIORITYRn, ITARGETSRn, CPENDSGIRn, SPENDSGIRn). */
  readonly byteAccess?: boolean;
}

/**
 * Whether an access may proceed; reports the others, which read as zero and ignore writes. `value` is
 * undefined for a read.
 */
export function accessAllowed(
  frame: string,
  register: GicRegister | undefined,
  offset: number,
  size: number,
  value: number | undefined,
  report: (message: LazyMessage) => void,
): boolean {
  const sizeOk = register !== undefined && ((size === 4 && offset % 4 === 0) || (size === 1 && register.byteAccess === true));
  if (sizeOk && (value === undefined ? register.access !== 'WO' : register.access !== 'RO')) return true;
  report(() => refusal(frame, register, sizeOk, offset, size, value));
  return false;
}

/** Why an access was refused; built only when the guest error is logged. */
function refusal(frame: string, register: GicRegister | undefined, sizeOk: boolean, offset: number, size: number, value: number | undefined): string {
  const what = value === undefined ? `${size}-byte read` : `${size}-byte write of ${hex(value)}`;
  const fate = value === undefined ? 'reads as zero' : 'ignored';
  if (!register) return `${frame}: ${what} at offset ${hex(offset)}: no register there; ${fate}`;
  const at = `${register.name} (offset ${hex(offset)})`;
  if (!sizeOk) return `${frame}: ${what} at ${at}: it takes aligned 4-byte accesses${register.byteAccess ? ' or bytes' : ' only'}; ${fate}`;
  if (value === undefined) return `${frame}: read of write-only ${at} reads as zero`;
  return `${frame}: write of ${hex(value)} to read-only ${at} ignored`;
}
