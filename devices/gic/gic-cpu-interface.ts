// GICv2 CPU interface, the 8 KiB GICC frame (Arm IHI 0048B §4.4, §3.3 prioritization), for the one CPU of a
// GIC without Security Extensions and with one interrupt group. Choices where the spec leaves room:
// - GICC_CTLR implements Enable (bit 0) and EOImode (bit 9, Linux's EOImodeNS); other bits are RAZ/WI, so
//   no FIQ is ever signalled;
// - the Group 1 aliases GICC_ABPR/AEOIR are RAZ/WI and GICC_AIAR/AHPPIR read 1023: no Group 1 interrupts;
// - 8 priority bits, as QEMU's arm_gic: minimum and reset GICC_BPR 0, active priorities in GICC_APR0..3
//   (NSAPRn RAZ/WI);
// - GICC_HPPIR honours the priority mask but not the running priority, as QEMU's arm_gic does;
// - GICC_EOIR drops the highest active priority whatever INTID it names (a mismatch is UNPREDICTABLE).
import type { MemoryOps } from '../../src/memory/region.js';
import { hex } from '../../src/regs/text.js';
import { defineTraceEvent } from '../../src/trace/index.js';
import { ActivePriorities, APR_COUNT, IDLE_PRIORITY } from './gic-active-priorities.js';
import { accessAllowed, type GicHooks, type GicRegister } from './gic-access.js';
import { INTID_SPURIOUS, type GicInterruptState } from './gic-state.js';

const traceAcknowledge = defineTraceEvent('gic_acknowledge', 'GICC_IAR: INTID %u, running priority now %#x');
const traceEoi = defineTraceEvent('gic_eoi', 'GICC_EOIR: INTID %u, running priority now %#x');

const GICC_CTLR_ENABLE = 1 << 0;
const GICC_CTLR_EOIMODE = 1 << 9;
/** The binary point that makes priority[7:1] group priority (§3.3.3, Table 3-7): QEMU's minimum and reset value. */
const MIN_BPR = 0;
/** QEMU's arm_gic: architecture version 2, implementer 0x43b (Arm), product and revision 0 (§4.4.16 GICC_IIDR). */
const GICC_IIDR = 0x0002_043b;
const GICC_APR0 = 0xd0;
const INTID_MASK = 0x3ff;

const rw = (name: string): GicRegister => ({ name, access: 'RW' });
const ro = (name: string): GicRegister => ({ name, access: 'RO' });
const wo = (name: string): GicRegister => ({ name, access: 'WO' });
const REGISTERS = new Map<number, GicRegister>([
  [0x00, rw('GICC_CTLR')], [0x04, rw('GICC_PMR')], [0x08, rw('GICC_BPR')], [0x0c, ro('GICC_IAR')],
  [0x10, wo('GICC_EOIR')], [0x14, ro('GICC_RPR')], [0x18, ro('GICC_HPPIR')], [0x1c, rw('GICC_ABPR')],
  [0x20, ro('GICC_AIAR')], [0x24, wo('GICC_AEOIR')], [0x28, ro('GICC_AHPPIR')],
  ...Array.from({ length: APR_COUNT }, (_, n): [number, GicRegister] => [GICC_APR0 + 4 * n, rw(`GICC_APR${n}`)]),
  ...[0, 1, 2, 3].map((n): [number, GicRegister] => [0xe0 + 4 * n, rw(`GICC_NSAPR${n}`)]),
  [0xfc, ro('GICC_IIDR')], [0x1000, wo('GICC_DIR')],
]);

export class GicCpuInterface implements MemoryOps {
  private ctlr = 0;
  private pmr = 0;
  private bpr = MIN_BPR;
  private readonly priorities = new ActivePriorities();

  constructor(
    private readonly state: GicInterruptState,
    private readonly distributor: { readonly enabled: boolean },
    private readonly hooks: GicHooks,
  ) {}

  /** The CPU's IRQ input: some forwarded interrupt beats both the priority mask and the running priority. */
  get irqAsserted(): boolean {
    const intid = this.candidate();
    return intid !== undefined && this.canPreempt(intid);
  }

  /** One line for `info pic`. */
  get summary(): string {
    const running = this.priorities.running;
    return (
      `GICC_CTLR ${hex(this.ctlr)} (${this.ctlr & GICC_CTLR_ENABLE ? 'enabled' : 'disabled'}, EOImode ${this.ctlr & GICC_CTLR_EOIMODE ? 1 : 0}), ` +
      `GICC_PMR ${hex(this.pmr)}, GICC_BPR ${this.bpr}, running priority ${running === IDLE_PRIORITY ? 'idle' : hex(running)}, ` +
      `GICC_APR0..3 ${Array.from(this.priorities.words, (bits) => hex(bits)).join(' ')}`
    );
  }

  reset(): void {
    this.ctlr = 0;
    this.pmr = 0;
    this.bpr = MIN_BPR;
    this.priorities.clear();
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
        return Math.min(this.priorities.running, 0xff);
      case 0x18: {
        // GICC_HPPIR names the interrupt IAR would choose were it not for the running priority.
        const intid = this.candidate();
        return intid === undefined || this.state.priority[intid] >= this.pmr ? INTID_SPURIOUS : this.state.interruptId(intid);
      }
      case 0x20:
      case 0x28:
        return INTID_SPURIOUS;
      case 0xd0:
      case 0xd4:
      case 0xd8:
      case 0xdc:
        return this.priorities.words[(offset - GICC_APR0) >> 2]!;
      case 0xfc:
        return GICC_IIDR;
      default:
        return 0;
    }
  }

  write(offset: number, size: number, value: number): void {
    value >>>= 0;
    if (!accessAllowed('GICC', REGISTERS.get(offset & ~3), offset, size, value, this.hooks.guestError)) return;
    switch (offset) {
      case 0x00:
        this.ctlr = value & (GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE);
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
      case 0xd0:
      case 0xd4:
      case 0xd8:
      case 0xdc:
        // Software may only restore a value it saved (§4.4.12), which is what makes this safe.
        this.priorities.words[(offset - GICC_APR0) >> 2] = value;
        break;
      case 0x1000:
        this.deactivateByDir(value);
        break;
    }
    this.hooks.update();
  }

  /** The highest-priority pending interrupt forwarded to this CPU, if both the distributor and it are enabled. */
  private candidate(): number | undefined {
    if (!(this.ctlr & GICC_CTLR_ENABLE) || !this.distributor.enabled) return undefined;
    return this.state.highestPending();
  }

  /** Beats the priority mask, and preempts whatever is active by group priority (§3.3.3). */
  private canPreempt(intid: number): boolean {
    const priority = this.state.priority[intid];
    return priority < this.pmr && this.groupPriority(priority) < this.priorities.running;
  }

  /** The priority bits above the binary point: subpriority never preempts. */
  private groupPriority(priority: number): number {
    return priority & (0xff << (this.bpr + 1)) & 0xff;
  }

  /** GICC_IAR (§4.4.4). */
  private acknowledge(): number {
    const intid = this.candidate();
    if (intid === undefined || !this.canPreempt(intid)) return INTID_SPURIOUS;
    this.priorities.activate(this.groupPriority(this.state.priority[intid]));
    const iar = this.state.acknowledge(intid);
    traceAcknowledge(intid, this.priorities.running);
    this.hooks.update();
    return iar;
  }

  /** GICC_EOIR (§4.4.5): priority drop, and deactivation too unless GICC_CTLR.EOImode splits them. */
  private endOfInterrupt(value: number): void {
    const intid = value & INTID_MASK;
    if (intid === INTID_SPURIOUS) return;
    if (!this.implemented(intid, 'GICC_EOIR', 0x10, value)) return;
    if (!this.priorities.drop()) {
      this.hooks.guestError(`GICC: write of ${hex(value)} to GICC_EOIR (offset 0x10): no interrupt is active at any priority; ignored`);
      return;
    }
    traceEoi(intid, this.priorities.running);
    if (!(this.ctlr & GICC_CTLR_EOIMODE)) this.deactivate(intid, 'GICC_EOIR', 0x10, value);
  }

  /** GICC_DIR (§4.4.15): deactivation on its own, meaningful only with EOImode 1. */
  private deactivateByDir(value: number): void {
    const intid = value & INTID_MASK;
    if (!(this.ctlr & GICC_CTLR_EOIMODE)) {
      this.hooks.guestError(`GICC: write of ${hex(value)} to GICC_DIR (offset 0x1000) while GICC_CTLR.EOImode is 0 (EOIR deactivates); ignored`);
      return;
    }
    if (intid === INTID_SPURIOUS || !this.implemented(intid, 'GICC_DIR', 0x1000, value)) return;
    this.deactivate(intid, 'GICC_DIR', 0x1000, value);
  }

  private implemented(intid: number, register: string, offset: number, value: number): boolean {
    if (intid < this.state.count) return true;
    this.hooks.guestError(`GICC: write of ${hex(value)} to ${register} (offset ${hex(offset)}): INTID ${intid} is not implemented (0..${this.state.count - 1}); ignored`);
    return false;
  }

  private deactivate(intid: number, register: string, offset: number, value: number): void {
    if (this.state.active[intid]) this.hooks.deactivate(intid);
    else this.hooks.guestError(`GICC: write of ${hex(value)} to ${register} (offset ${hex(offset)}): INTID ${intid} is not active; not deactivated`);
  }
}
