// GICv2 CPU interface, the 8 KiB GICC frame (Arm IHI 0048B §4.4, §3.3 prioritization), for the one CPU of a
// GIC without Security Extensions, as QEMU's arm_gic has it: both interrupt groups exist and every access
// has the Secure view (§4.4 "GIC without Security Extensions"). Choices where the spec leaves room, QEMU's:
// - GICC_CTLR implements EnableGrp0/1, AckCtl, FIQEn, CBPR and EOImode (bit 9); Group 0 is signalled as FIQ
//   when FIQEn is set, Group 1 always as IRQ;
// - GICC_AIAR, GICC_AEOIR and GICC_AHPPIR are RAZ/WI: the aliases exist with Security Extensions only, so a
//   Group 1 interrupt is acknowledged through GICC_IAR with AckCtl set; GICC_ABPR is Group 1's binary point
//   unless CBPR;
// - 8 priority bits: minimum and reset GICC_BPR 0 (GICC_ABPR 1); active priorities of Group 0 in
//   GICC_APR0..3, of Group 1 in GICC_NSAPR0..3;
// - the highest pending interrupt is chosen across both groups, then signalled only if its group is enabled;
//   GICC_HPPIR honours the priority mask but not the running priority;
// - GICC_EOIR drops the highest active priority of the named INTID's group (a mismatch is UNPREDICTABLE).
import { hex } from '../../src/util/hex.js';
import type { MemoryOps } from '../../src/memory/region.js';
import { defineTraceEvent } from '../../src/trace/index.js';
import { ActivePriorities, APR_COUNT, IDLE_PRIORITY } from './gic-active-priorities.js';
import { accessAllowed, type GicHooks, type GicRegister } from './gic-access.js';
import { INTID_SPURIOUS, type GicInterruptState } from './gic-state.js';

const traceAcknowledge = defineTraceEvent('gic_acknowledge', 'GICC_IAR: INTID %u, running priority now %#x');
const traceEoi = defineTraceEvent('gic_eoi', 'GICC_EOIR: INTID %u, running priority now %#x');

const GICC_CTLR_ENABLE_GRP0 = 1 << 0;
const GICC_CTLR_ENABLE_GRP1 = 1 << 1;
const GICC_CTLR_ACKCTL = 1 << 2;
const GICC_CTLR_FIQEN = 1 << 3;
const GICC_CTLR_CBPR = 1 << 4;
const GICC_CTLR_EOIMODE = 1 << 9;
const GICC_CTLR_MASK = 0x21f;
/** The binary point that makes priority[7:1] group priority (§3.3.3, Table 3-7): QEMU's minimum and reset value. */
const MIN_BPR = 0;
/** GICC_ABPR counts one higher (§4.4.3): its minimum and reset value is 1. */
const MIN_ABPR = 1;
/** What GICC_IAR and GICC_HPPIR give for a Group 1 interrupt while GICC_CTLR.AckCtl is 0 (§4.4.4). */
const INTID_GROUP1_PENDING = 1022;
/** QEMU's arm_gic: architecture version 2, implementer 0x43b (Arm), product and revision 0 (§4.4.16 GICC_IIDR). */
const GICC_IIDR = 0x0002_043b;
const GICC_APR0 = 0xd0;
const GICC_NSAPR0 = 0xe0;
const INTID_MASK = 0x3ff;

const rw = (name: string): GicRegister => ({ name, access: 'RW' });
const ro = (name: string): GicRegister => ({ name, access: 'RO' });
const wo = (name: string): GicRegister => ({ name, access: 'WO' });
const REGISTERS = new Map<number, GicRegister>([
  [0x00, rw('GICC_CTLR')],
  [0x04, rw('GICC_PMR')],
  [0x08, rw('GICC_BPR')],
  [0x0c, ro('GICC_IAR')],
  [0x10, wo('GICC_EOIR')],
  [0x14, ro('GICC_RPR')],
  [0x18, ro('GICC_HPPIR')],
  [0x1c, rw('GICC_ABPR')],
  [0x20, ro('GICC_AIAR')],
  [0x24, wo('GICC_AEOIR')],
  [0x28, ro('GICC_AHPPIR')],
  ...Array.from({ length: APR_COUNT }, (_, n): [number, GicRegister] => [GICC_APR0 + 4 * n, rw(`GICC_APR${n}`)]),
  ...Array.from({ length: APR_COUNT }, (_, n): [number, GicRegister] => [GICC_NSAPR0 + 4 * n, rw(`GICC_NSAPR${n}`)]),
  [0xfc, ro('GICC_IIDR')],
  [0x1000, wo('GICC_DIR')],
]);

export class GicCpuInterface implements MemoryOps {
  private ctlr = 0;
  private pmr = 0;
  private bpr = MIN_BPR;
  private abpr = MIN_ABPR;
  /** Active priorities of Group 0 (GICC_APRn) and Group 1 (GICC_NSAPRn). */
  private readonly priorities = [new ActivePriorities(), new ActivePriorities()] as const;

  constructor(
    private readonly state: GicInterruptState,
    private readonly distributor: { groupEnabled(group: number): boolean; readonly anyGroupEnabled: boolean },
    private readonly hooks: GicHooks,
  ) {}

  /** One line for `info pic`. */
  get summary(): string {
    const running = this.running;
    const words = (p: ActivePriorities) => Array.from(p.words, (bits) => hex(bits)).join(' ');
    return (
      `GICC_CTLR ${hex(this.ctlr)} (Group 0 ${this.ctlr & GICC_CTLR_ENABLE_GRP0 ? 'enabled' : 'disabled'}, ` +
      `Group 1 ${this.ctlr & GICC_CTLR_ENABLE_GRP1 ? 'enabled' : 'disabled'}, EOImode ${this.ctlr & GICC_CTLR_EOIMODE ? 1 : 0}), ` +
      `GICC_PMR ${hex(this.pmr)}, GICC_BPR ${this.bpr}, GICC_ABPR ${this.abpr}, running priority ${running === IDLE_PRIORITY ? 'idle' : hex(running)}, ` +
      `GICC_APR0..3 ${words(this.priorities[0])}, GICC_NSAPR0..3 ${words(this.priorities[1])}`
    );
  }

  reset(): void {
    this.ctlr = 0;
    this.pmr = 0;
    this.bpr = MIN_BPR;
    this.abpr = MIN_ABPR;
    for (const p of this.priorities) p.clear();
  }

  read(offset: number, size: number): number {
    if (!accessAllowed('GICC', REGISTERS.get(offset & ~3), offset, size, undefined, this.hooks.guestError)) return 0;
    switch (offset) {
      case 0x00:
        return this.ctlr;
      case 0x04:
        return this.pmr;
      case 0x08:
        return this.bpr;
      case 0x0c:
        return this.acknowledge();
      case 0x14:
        // GICC_RPR reads 0xFF when idle.
        return Math.min(this.running, 0xff);
      case 0x18: {
        const intid = this.visible();
        return intid === undefined ? INTID_SPURIOUS : intid === INTID_GROUP1_PENDING ? intid : this.state.interruptId(intid);
      }
      case 0x1c:
        return this.abpr;
      case 0x20:
      case 0x28:
        return 0; // GICC_AIAR, GICC_AHPPIR
      case 0xfc:
        return GICC_IIDR;
      default:
        // GICC_APRn, GICC_NSAPRn
        return this.priorities[offset >= GICC_NSAPR0 ? 1 : 0].words[(offset & 0xf) >> 2] ?? 0;
    }
  }

  write(offset: number, size: number, value: number): void {
    value >>>= 0;
    if (!accessAllowed('GICC', REGISTERS.get(offset & ~3), offset, size, value, this.hooks.guestError)) return;
    switch (offset) {
      case 0x00:
        this.ctlr = value & GICC_CTLR_MASK;
        break;
      case 0x04:
        this.pmr = value & 0xff;
        break;
      case 0x08:
        // A binary point below the minimum sets the minimum (§4.4.3).
        this.bpr = Math.max(value & 7, MIN_BPR);
        break;
      case 0x10:
        this.endOfInterrupt(value);
        break;
      case 0x1c:
        this.abpr = Math.max(value & 7, MIN_ABPR);
        break;
      case 0x24:
        break; // GICC_AEOIR
      case 0x1000:
        this.deactivateByDir(value);
        break;
      default:
        // GICC_APRn, GICC_NSAPRn. Software may only restore a value it saved (§4.4.12), which is what makes
        // this safe.
        this.priorities[offset >= GICC_NSAPR0 ? 1 : 0].words[(offset & 0xf) >> 2] = value;
    }
    this.hooks.update();
  }

  /** The running priority: the highest active group priority of either group. */
  private get running(): number {
    return Math.min(this.priorities[0].running, this.priorities[1].running);
  }

  /**
   * The highest-priority pending interrupt of either group that beats the priority mask, while the
   * distributor and this interface each have some group enabled (what QEMU's arm_gic keeps as the current
   * pending interrupt).
   */
  private candidate(): number | undefined {
    if (!(this.ctlr & (GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_ENABLE_GRP1)) || !this.distributor.anyGroupEnabled) return undefined;
    const intid = this.state.highestPending();
    return intid !== undefined && (this.state.priority[intid] ?? 0) < this.pmr ? intid : undefined;
  }

  /**
   * Which CPU input the candidate drives (the IRQ, or the FIQ for Group 0 while GICC_CTLR.FIQEn is set): it
   * must preempt, and its group be enabled on both sides.
   */
  signalled(): 'irq' | 'fiq' | undefined {
    const intid = this.candidate();
    if (intid === undefined || !this.canPreempt(intid)) return undefined;
    const group = this.state.group[intid] ?? 0;
    if (!this.distributor.groupEnabled(group) || !(this.ctlr & (GICC_CTLR_ENABLE_GRP0 << group))) return undefined;
    return group === 0 && this.ctlr & GICC_CTLR_FIQEN ? 'fiq' : 'irq';
  }

  /** The active priorities of the group `intid` is in. */
  private activePriorities(intid: number): ActivePriorities {
    return this.priorities[(this.state.group[intid] ?? 0) ? 1 : 0];
  }

  /** Preempts whatever is active by group priority (§3.3.3). */
  private canPreempt(intid: number): boolean {
    return this.groupPriority(intid) < this.running;
  }

  /** The priority bits above the binary point (GICC_ABPR's for Group 1 unless CBPR): subpriority never preempts. */
  private groupPriority(intid: number): number {
    const binaryPoint = this.state.group[intid] && !(this.ctlr & GICC_CTLR_CBPR) ? this.abpr - 1 : this.bpr;
    return (this.state.priority[intid] ?? 0) & (0xff << (binaryPoint + 1)) & 0xff;
  }

  /** The candidate as GICC_IAR and GICC_HPPIR see it: a Group 1 interrupt is 1022 without AckCtl (§4.4.4). */
  private visible(): number | undefined {
    const intid = this.candidate();
    if (intid !== undefined && this.state.group[intid] === 1 && !(this.ctlr & GICC_CTLR_ACKCTL)) return INTID_GROUP1_PENDING;
    return intid;
  }

  /** GICC_IAR (§4.4.4). */
  private acknowledge(): number {
    const intid = this.visible();
    if (intid === undefined || intid === INTID_GROUP1_PENDING) return intid ?? INTID_SPURIOUS;
    if (!this.canPreempt(intid)) return INTID_SPURIOUS;
    this.activePriorities(intid).activate(this.groupPriority(intid));
    const iar = this.state.acknowledge(intid);
    traceAcknowledge(intid, this.running);
    this.hooks.update();
    return iar;
  }

  /**
   * GICC_EOIR (§4.4.5): priority drop in the INTID's group, and deactivation too unless GICC_CTLR.EOImode
   * splits them.
   */
  private endOfInterrupt(value: number): void {
    const intid = value & INTID_MASK;
    if (intid === INTID_SPURIOUS) return;
    if (!this.implemented(intid, 'GICC_EOIR', 0x10, value)) return;
    const group = this.state.group[intid] ?? 0;
    if (!this.activePriorities(intid).drop()) {
      this.hooks.guestError(() => `GICC: write of ${hex(value)} to GICC_EOIR (offset 0x10): no Group ${group} interrupt is active at any priority; ignored`);
      return;
    }
    traceEoi(intid, this.running);
    if (!(this.ctlr & GICC_CTLR_EOIMODE)) this.deactivate(intid, 'GICC_EOIR', 0x10, value);
  }

  /** GICC_DIR (§4.4.15): deactivation on its own, meaningful only with EOImode 1. */
  private deactivateByDir(value: number): void {
    const intid = value & INTID_MASK;
    if (!(this.ctlr & GICC_CTLR_EOIMODE)) {
      this.hooks.guestError(() => `GICC: write of ${hex(value)} to GICC_DIR (offset 0x1000) while GICC_CTLR.EOImode is 0 (EOIR deactivates); ignored`);
      return;
    }
    if (intid === INTID_SPURIOUS || !this.implemented(intid, 'GICC_DIR', 0x1000, value)) return;
    this.deactivate(intid, 'GICC_DIR', 0x1000, value);
  }

  private implemented(intid: number, register: string, offset: number, value: number): boolean {
    if (intid < this.state.count) return true;
    this.hooks.guestError(
      () => `GICC: write of ${hex(value)} to ${register} (offset ${hex(offset)}): INTID ${intid} is not implemented (0..${this.state.count - 1}); ignored`,
    );
    return false;
  }

  private deactivate(intid: number, register: string, offset: number, value: number): void {
    if (this.state.active[intid]) this.hooks.deactivate(intid);
    else this.hooks.guestError(() => `GICC: write of ${hex(value)} to ${register} (offset ${hex(offset)}): INTID ${intid} is not active; not deactivated`);
  }
}
