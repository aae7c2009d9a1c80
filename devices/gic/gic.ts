// A GICv2 (Arm IHI 0048B) as QEMU's virt machine has it with gic-version=2: `arm,cortex-a15-gic`, the
// identification QEMU's arm_gic shows (GIC-400 peripheral IDs), one CPU interface, no Security or
// Virtualization Extensions. A register-level model: the machine maps `distributor` (GICD, 4 KiB) and
// `cpuInterface` (GICC, 8 KiB), wires device outputs to `input(intid)`, `irq` to the CPU's IRQ input and `fiq` to its FIQ input (Group 0 with GICC_CTLR.FIQEn).
import type { LazyMessage } from '../../src/core/guest-errors.js';
import { IrqLine, type IrqSink } from '../../src/core/irq.js';
import { defineTraceEvent } from '../../src/trace/index.js';
import { GicCpuInterface } from './gic-cpu-interface.js';
import { describeInterrupts } from './gic-describe.js';
import { GicDistributor } from './gic-distributor.js';
import type { GicHooks } from './gic-access.js';
import { GIC_NR_SGIS, GicInterruptState } from './gic-state.js';

const traceSetInput = defineTraceEvent('gic_set_input', 'INTID %u input %s');
const traceDeactivate = defineTraceEvent('gic_deactivate', 'INTID %u deactivated');

export interface GicOptions {
  /** Shared peripheral interrupts (INTIDs 32..): a multiple of 32, at most 960. Default 256. */
  numSpis?: number;
  /** Guest programming errors (bad offsets, sizes, writes to read-only registers...); built only if logged. Default: stderr. */
  onGuestError?: (message: LazyMessage) => void;
}

export class Gic {
  /** The CPU's IRQ input is connected here. */
  readonly irq = new IrqLine('gic.irq');
  /** The CPU's FIQ input is connected here. */
  readonly fiq = new IrqLine('gic.fiq');
  readonly distributor: GicDistributor;
  readonly cpuInterface: GicCpuInterface;
  /** Per-interrupt state, read-only outside the model (the fuzzer's invariant looks at it). */
  readonly state: GicInterruptState;
  private readonly notifiers = new Map<number, Set<() => void>>();
  /** One sink per input, so a sink found on a device's IRQ line leads back to its INTID. */
  private readonly inputSinks = new Map<number, IrqSink>();
  private readonly intidOfSink = new WeakMap<IrqSink, number>();

  constructor(options: GicOptions = {}) {
    this.state = new GicInterruptState(options.numSpis ?? 256);
    const guestError = options.onGuestError ?? ((message: LazyMessage) => void process.stderr.write(`gic: ${message()}\n`));
    const hooks: GicHooks = {
      update: () => this.update(),
      deactivate: (intid) => this.deactivate(intid),
      guestError,
    };
    this.distributor = new GicDistributor(this.state, hooks);
    this.cpuInterface = new GicCpuInterface(this.state, this.distributor, hooks);
  }

  /** Implemented INTIDs: 0..numIrqs-1. */
  get numIrqs(): number {
    return this.state.count;
  }

  /** The input of a PPI (16..31) or SPI (32..): SGIs have no input line, they come from GICD_SGIR. */
  input(intid: number): IrqSink {
    this.checkIntid(intid, GIC_NR_SGIS, 'an input line (PPIs and SPIs only)');
    let sink = this.inputSinks.get(intid);
    if (!sink) {
      sink = (level) => this.setInput(intid, level);
      this.inputSinks.set(intid, sink);
      this.intidOfSink.set(sink, intid);
    }
    return sink;
  }

  /** The INTID whose input `sink` is (the reverse of input()), for EOI notifiers found by wiring. */
  intidOf(sink: IrqSink): number | undefined {
    return this.intidOfSink.get(sink);
  }

  setInput(intid: number, level: boolean): void {
    this.checkIntid(intid, GIC_NR_SGIS, 'an input line (PPIs and SPIs only)');
    traceSetInput(intid, level ? 'high' : 'low');
    this.state.setLine(intid, level);
    this.update();
  }

  /**
   * Calls `callback` each time the guest deactivates `intid` (GICC_EOIR with EOImode 0, GICC_DIR, or
   * GICD_ICACTIVERn), after its active state is cleared: a level source may lower or re-raise its line there
   * (VFIO resampling). Returns the unsubscribe function.
   */
  onDeactivate(intid: number, callback: () => void): () => void {
    this.checkIntid(intid, 0, 'deactivation notifiers');
    let callbacks = this.notifiers.get(intid);
    if (!callbacks) this.notifiers.set(intid, (callbacks = new Set()));
    callbacks.add(callback);
    return () => void callbacks.delete(callback);
  }

  /** Architectural reset of both frames. Input line levels are the devices' and are kept. */
  reset(): void {
    this.state.reset();
    this.distributor.reset();
    this.cpuInterface.reset();
    this.update();
  }

  /** `info pic`: both frames' state and every enabled, pending or active interrupt. */
  describe(): string {
    const lines = [
      `GICv2: ${this.numIrqs} interrupts, distributor Group 0 ${this.distributor.groupEnabled(0) ? 'enabled' : 'disabled'}, ` +
        `Group 1 ${this.distributor.groupEnabled(1) ? 'enabled' : 'disabled'}, IRQ output ${this.irq.level ? 'high' : 'low'}, FIQ output ${this.fiq.level ? 'high' : 'low'}`,
      `  ${this.cpuInterface.summary}`,
      ...describeInterrupts(this.state).map((line) => `  ${line}`),
    ];
    return lines.join('\n') + '\n';
  }

  /** Drives the CPU's inputs; runs on every state change, so the candidate is looked for once. */
  private update(): void {
    const signalled = this.cpuInterface.signalled();
    this.irq.set(signalled === 'irq');
    this.fiq.set(signalled === 'fiq');
  }

  private deactivate(intid: number): void {
    this.state.active[intid] = 0;
    traceDeactivate(intid);
    for (const callback of this.notifiers.get(intid) ?? []) callback();
  }

  private checkIntid(intid: number, first: number, purpose: string): void {
    if (!Number.isInteger(intid) || intid < first || intid >= this.numIrqs) {
      throw new RangeError(`GICv2: INTID ${intid} cannot have ${purpose}: expected ${first}..${this.numIrqs - 1}`);
    }
  }
}
