// The CPU interface's running priority, kept as the active priorities bitmap GICC_APR0..3 show (Arm IHI 0048B
// §3.3.3 preemption, §4.4.12 GICC_APRn). Each acknowledge sets the bit of the interrupt's group priority and
// each priority drop (GICC_EOIR) clears the highest one, so nested interrupts unwind in order without the
// GIC remembering which INTID preempted which.

/** Running priority when nothing is active: lower than any interrupt priority, so any of them preempts. */
export const IDLE_PRIORITY = 0x100;
/**
 * With 8 priority bits a group priority is priority[7:1] at most (minimum GICC_BPR 0): 128 preemption levels,
 * one bit each across GICC_APR0..3, as QEMU lays them out.
 */
const LEVEL_SHIFT = 1;
export const APR_COUNT = 4;

export class ActivePriorities {
  /** GICC_APR0..3: bit n of the array is preemption level n, group priority n << 1. */
  readonly words = new Uint32Array(APR_COUNT);

  /** The group priority of the highest-priority active interrupt, or IDLE_PRIORITY. */
  get running(): number {
    for (let word = 0; word < APR_COUNT; word++) {
      const bits = this.words[word] ?? 0;
      if (bits !== 0) return (word * 32 + lowestSetBit(bits)) << LEVEL_SHIFT;
    }
    return IDLE_PRIORITY;
  }

  activate(groupPriority: number): void {
    const level = groupPriority >> LEVEL_SHIFT;
    this.words[level >> 5] = (this.words[level >> 5] ?? 0) | (1 << (level & 31));
  }

  /** Priority drop; false when nothing was active. */
  drop(): boolean {
    const word = this.words.findIndex((bits) => bits !== 0);
    if (word < 0) return false;
    const bits = this.words[word] ?? 0;
    this.words[word] = bits & (bits - 1);
    return true;
  }

  clear(): void {
    this.words.fill(0);
  }
}

function lowestSetBit(bits: number): number {
  return 31 - Math.clz32(bits & -bits);
}
