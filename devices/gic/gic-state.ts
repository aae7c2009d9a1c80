// Per-interrupt state of a GICv2 with one CPU interface (Arm IHI 0048B §1.4 interrupt types, §3.2 interrupt
// handling state machine): what the GICD registers show and what the CPU interface chooses from.
// A level-sensitive interrupt is pending while its input is high or while a software latch (GICD_ISPENDRn)
// is set; an edge-triggered one latches on each rising edge. An SGI is pending while any source CPU has
// requested it (§4.3.15 GICD_SPENDSGIRn).

export const GIC_NR_SGIS = 16;
/** SGIs and PPIs: the INTIDs banked per CPU (§2.2.1). */
export const GIC_INTERNAL = 32;
export const INTID_SPURIOUS = 1023;
/** The one CPU interface's bit in CPU target lists and SGI source masks. */
export const CPU0 = 0x01;
/** INTIDs 1020..1023 are special (§3.2.5), so an implementation has at most 1020 interrupts. */
const MAX_SPIS = 988;

export class GicInterruptState {
  /** Implemented INTIDs: 0..count-1. */
  readonly count: number;
  readonly enabled: Uint8Array;
  readonly edge: Uint8Array;
  /** Input line levels (PPIs and SPIs). */
  readonly line: Uint8Array;
  /** Edge latch, or the software pending latch of a level-sensitive interrupt. */
  readonly latch: Uint8Array;
  readonly active: Uint8Array;
  readonly priority: Uint8Array;
  /** GICD_IGROUPRn: 0 or 1. */
  readonly group: Uint8Array;
  /** Per SGI, the CPUs that requested it. */
  readonly sgiSources = new Uint8Array(GIC_NR_SGIS);
  /**
   * The enabled INTIDs in order, rebuilt when an enable bit changes: highestPending() runs on every state
   * change (several times per interrupt taken), and a guest enables a handful of its 288 interrupts.
   */
  private enabledIds: number[] = [];

  constructor(numSpis: number) {
    if (!Number.isInteger(numSpis) || numSpis < 0 || numSpis % 32 !== 0 || numSpis > MAX_SPIS) {
      // GICD_TYPER.ITLinesNumber counts interrupts in blocks of 32, and INTIDs stop at 1019.
      throw new RangeError(`GICv2: numSpis ${numSpis} is not a multiple of 32 from 0 to ${MAX_SPIS - (MAX_SPIS % 32)}`);
    }
    this.count = GIC_INTERNAL + numSpis;
    this.enabled = new Uint8Array(this.count);
    this.edge = new Uint8Array(this.count);
    this.line = new Uint8Array(this.count);
    this.latch = new Uint8Array(this.count);
    this.active = new Uint8Array(this.count);
    this.priority = new Uint8Array(this.count);
    this.group = new Uint8Array(this.count);
    this.reset();
  }

  /**
   * Architectural reset state: all disabled, inactive, not pending, priority 0, Group 0, level-sensitive.
   * Input levels are kept: they belong to the devices driving them.
   */
  reset(): void {
    for (const a of [this.enabled, this.edge, this.latch, this.active, this.priority, this.group, this.sgiSources]) a.fill(0);
    // SGIs are always enabled (GIC-400: GICD_ISENABLER0[15:0] RAO/WI) and always edge-triggered (§4.3.13).
    this.enabled.fill(1, 0, GIC_NR_SGIS);
    this.edge.fill(1, 0, GIC_NR_SGIS);
    this.listEnabled();
  }

  /** GICD_ISENABLERn / GICD_ICENABLERn. */
  setEnabled(intid: number, enabled: boolean): void {
    if (this.enabled[intid] === (enabled ? 1 : 0)) return;
    this.enabled[intid] = enabled ? 1 : 0;
    this.listEnabled();
  }

  private listEnabled(): void {
    this.enabledIds = [];
    for (let intid = 0; intid < this.count; intid++) if (this.enabled[intid]) this.enabledIds.push(intid);
  }

  isPending(intid: number): boolean {
    if (intid < GIC_NR_SGIS) return this.sgiSources[intid] !== 0;
    return this.latch[intid] !== 0 || (this.edge[intid] === 0 && this.line[intid] !== 0);
  }

  /** An input line changed: an edge-triggered interrupt latches on the rising edge. */
  setLine(intid: number, level: boolean): void {
    if (level && !this.line[intid] && this.edge[intid]) this.latch[intid] = 1;
    this.line[intid] = level ? 1 : 0;
  }

  /**
   * The value GICC_IAR or GICC_HPPIR gives for a pending interrupt: its INTID, and for an SGI the lowest
   * requesting CPU in bits [12:10] (§4.4.4).
   */
  interruptId(intid: number): number {
    if (intid >= GIC_NR_SGIS) return intid;
    const sources = this.sgiSources[intid] ?? 0;
    return intid | ((31 - Math.clz32(sources & -sources)) << 10);
  }

  /** Pending to active (§3.2.4): returns the GICC_IAR value. A level input still high leaves it active and pending. */
  acknowledge(intid: number): number {
    const iar = this.interruptId(intid);
    if (intid < GIC_NR_SGIS) this.sgiSources[intid] = (this.sgiSources[intid] ?? 0) & ~(1 << (iar >> 10));
    else this.latch[intid] = 0;
    this.active[intid] = 1;
    return iar;
  }

  /**
   * The highest-priority interrupt the distributor would forward to CPU 0: enabled, pending and not active
   * (an active and pending interrupt waits for its deactivation, §3.2.4); ties go to the lowest INTID.
   */
  highestPending(): number | undefined {
    let best: number | undefined;
    let bestPriority = 0x100;
    for (const intid of this.enabledIds) {
      const priority = this.priority[intid] ?? 0;
      if (!this.active[intid] && priority < bestPriority && this.isPending(intid)) {
        best = intid;
        bestPriority = priority;
      }
    }
    return best;
  }
}
