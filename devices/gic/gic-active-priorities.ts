// The CPU interface's running priority, kept as the active priorities bitmap GICC_APR0 shows (Arm IHI 0048B
// §3.3.3 preemption, §4.4.12 GICC_APRn). Each acknowledge sets the bit of the interrupt's group priority and
// each priority drop (GICC_EOIR) clears the highest one, so nested interrupts unwind in order without the
// GIC remembering which INTID preempted which.

/** Running priority when nothing is active: lower than any interrupt priority, so any of them preempts. */
export const IDLE_PRIORITY = 0x100;
/**
 * With 5 priority bits a group priority is priority[7:3] at most (minimum GICC_BPR 2): 32 preemption levels,
 * one GICC_APR0 bit each, and APR1..3 are unused.
 */
const LEVEL_SHIFT = 3;

export class ActivePriorities {
  /** GICC_APR0. */
  bits = 0;

  /** The group priority of the highest-priority active interrupt, or IDLE_PRIORITY. */
  get running(): number {
    return this.bits === 0 ? IDLE_PRIORITY : lowestSetBit(this.bits) << LEVEL_SHIFT;
  }

  activate(groupPriority: number): void {
    this.bits = (this.bits | (1 << (groupPriority >> LEVEL_SHIFT))) >>> 0;
  }

  /** Priority drop; false when nothing was active. */
  drop(): boolean {
    if (this.bits === 0) return false;
    this.bits = (this.bits & (this.bits - 1)) >>> 0;
    return true;
  }
}

function lowestSetBit(bits: number): number {
  return 31 - Math.clz32(bits & -bits);
}
