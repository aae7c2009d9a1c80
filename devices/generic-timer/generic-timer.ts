// The Arm generic timer of one vCPU as the VMM emulates it (Arm ARM D11 "The Generic Timer in AArch64
// state"). Unicorn ignores writes to the timer registers and never raises a timer interrupt
// (docs/engine.md), so every timer register is trapped and modelled here; only the
// counts, which Linux reads constantly, stay native.
import type { IrqLine } from '../../src/core/irq.js';
import type { VirtualClock } from '../../src/core/clock.js';
import { SYSTEM_REGISTERS } from '../../src/cpu/registers.js';
import type { Vcpu } from '../../src/cpu/vcpu.js';
import { El1Timer } from './el1-timer.js';
import { CNTFRQ } from './system-counter.js';

export interface GenericTimerOptions {
  /** Names the timers' IRQ lines and trace records (default 'cpu0'). */
  label?: string;
}

/**
 * The EL1 virtual and physical timers of `vcpu`. `clock` must be the vCPU's own time (its RunLoop), since
 * the vCPU counts natively from it. The EL2 and secure timers are not modelled: the guest runs at EL1
 * non-secure. CNTKCTL_EL1 is left to the engine, which stores it; its EL0 access controls are not applied.
 */
export class GenericTimer {
  readonly virtual: El1Timer;
  readonly physical: El1Timer;

  constructor(vcpu: Vcpu, clock: VirtualClock, options: GenericTimerOptions = {}) {
    const label = options.label ?? 'cpu0';
    this.virtual = new El1Timer('virtual', label, clock);
    this.physical = new El1Timer('physical', label, clock);
    // Stated here rather than taken from the engine, because the native count assumes this rate. Writes
    // are ignored: only the highest EL may write CNTFRQ_EL0.
    vcpu.trapSysreg(SYSTEM_REGISTERS.CNTFRQ_EL0, { read: () => CNTFRQ });
    // CNTVOFF_EL2 is 0: the virtual count is the physical count.
    vcpu.trapSysreg(SYSTEM_REGISTERS.CNTVCT_EL0, 'counter');
    vcpu.trapSysreg(SYSTEM_REGISTERS.CNTPCT_EL0, 'counter');
    for (const timer of [this.virtual, this.physical]) {
      for (const { name, handler } of Object.values(timer.sysregs)) vcpu.trapSysreg(SYSTEM_REGISTERS[name], handler);
    }
  }

  /** The virtual timer's output: GIC PPI 11 (INTID 27) on virt. */
  get virtualIrq(): IrqLine {
    return this.virtual.irq;
  }

  /** The EL1 physical timer's output: GIC PPI 14 (INTID 30) on virt. */
  get physicalIrq(): IrqLine {
    return this.physical.irq;
  }
}
