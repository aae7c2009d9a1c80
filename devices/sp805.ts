// Arm PrimeCell SP805 watchdog (ARM DDI 0270B), as Linux's sp805_wdt drives it (`arm,sp805`): a 32-bit
// counter clocked by WDOGCLK counts down from WdogLoad while WdogControl.INTEN is set. Each expiry, WdogLoad
// + 1 ticks after the counter was loaded (the period Linux assumes), raises the interrupt and reloads the
// counter; an expiry with the interrupt still raised asserts the reset output, which asks the machine for a
// reset. WdogLock guards every other register. The counter lives in virtual time: read from the clock, with a
// timer at each expiry. Not modelled: the integration-test outputs (WdogITCR and WdogITOP are stored only).
import { MemoryRegion } from '../src/memory/region.js';
import { DeviceError, prop, registerType } from '../src/qom/index.js';
import { regCells, type DeviceTreeContext } from '../src/qom/device-tree.js';
import { SysBusDevice } from '../src/qom/sys-bus-device.js';
import { RegisterBank } from '../src/regs/index.js';
import { primeCellIdRegisters } from '../src/regs/primecell.js';
import { defineTraceEvent } from '../src/trace/index.js';
import type { IrqLine } from '../src/core/irq.js';
import type { Timer } from '../src/core/timers.js';
import type { FdtWriter } from '../src/fdt/fdt-writer.js';

const traceExpired = defineTraceEvent('sp805_expired', '%s: the counter reached zero: %s');

/** WdogLock: this value opens the other registers to writes; any other closes them. */
export const UNLOCK = 0x1acc_e551;
export const CONTROL_INTEN = 1 << 0;
export const CONTROL_RESEN = 1 << 1;

export class Sp805 extends SysBusDevice {
  private interrupt!: IrqLine;
  private expiry!: Timer;
  /** Virtual time the counter was last loaded (it counts from WdogLoad while INTEN is set). */
  private loadedAt = 0;
  /** The counter's value while stopped. */
  private stoppedAt = 0xffff_ffff;
  private resetAsserted = false;

  /** A write to a lockable register goes through only while WdogLock is open. */
  private readonly unlessLocked = (value: number): number | undefined => (this.regs.get('WdogLock') === 0 ? value : undefined);

  readonly regs = new RegisterBank(this, {
    WdogLoad: { offset: 0x000, reset: 0xffff_ffff, beforeWrite: this.unlessLocked, onWrite: (): void => this.reload() },
    WdogValue: { offset: 0x004, access: 'RO', onRead: (): number => this.counter() },
    WdogControl: {
      offset: 0x008,
      writeMask: CONTROL_INTEN | CONTROL_RESEN,
      beforeWrite: this.unlessLocked,
      onWrite: (value: number, old: number): void => this.controlWritten(value, old),
    },
    WdogIntClr: { offset: 0x00c, access: 'WO', beforeWrite: this.unlessLocked, onWrite: (): void => this.clearInterrupt() },
    WdogRIS: { offset: 0x010, access: 'RO' },
    WdogMIS: { offset: 0x014, access: 'RO', onRead: (): number => this.regs.get('WdogRIS') & this.regs.get('WdogControl') & CONTROL_INTEN },
    // Stores what a read shows: 0 while open, 1 while locked.
    WdogLock: { offset: 0xc00, beforeWrite: (value: number): number => (value === UNLOCK ? 0 : 1) },
    WdogITCR: { offset: 0xf00, writeMask: 1, beforeWrite: this.unlessLocked },
    WdogITOP: { offset: 0xf04, access: 'WO', writeMask: 3, beforeWrite: this.unlessLocked },
    ...primeCellIdRegisters(0x0014_1805),
  });

  protected override onRealize(): void {
    if (this.getUint32('clock-frequency') === 0) throw new DeviceError(`${this.label()}: clock-frequency must be above 0 Hz`);
    this.initMmio(MemoryRegion.io('sp805', 0x1000, this.regs));
    this.interrupt = this.initIrq();
    this.expiry = this.initTimer('expiry', (_now, deadline) => this.expired(deadline));
    this.onReset();
  }

  protected override onReset(): void {
    this.regs.reset();
    this.loadedAt = this.context.clock.now();
    this.stoppedAt = 0xffff_ffff;
    this.resetAsserted = false;
    this.expiry.cancel();
    this.update();
  }

  override writeDeviceTree(fdt: FdtWriter, dt: DeviceTreeContext): void {
    const address = dt.mmioAddress(0);
    fdt.beginNode(`watchdog@${address.toString(16)}`);
    fdt.propertyStringList('clock-names', ['wdog_clk', 'apb_pclk']);
    fdt.propertyCells('clocks', [dt.fixedClock(this.getUint32('clock-frequency')), dt.clockPhandle('apb-pclk')]);
    fdt.propertyCells('interrupts', dt.interruptCells(0, 'level'));
    fdt.propertyCells('reg', regCells(address, 0x1000, dt));
    fdt.propertyStringList('compatible', ['arm,sp805', 'arm,primecell']);
    fdt.endNode();
  }

  private get running(): boolean {
    return (this.regs.get('WdogControl') & CONTROL_INTEN) !== 0;
  }

  private get tickNs(): number {
    return 1e9 / this.getUint32('clock-frequency');
  }

  /** From one load to the expiry: WdogLoad + 1 ticks. */
  private get periodNs(): number {
    return (this.regs.get('WdogLoad') + 1) * this.tickNs;
  }

  /** WdogValue: counting down from WdogLoad, once per tick, starting over at each expiry. */
  private counter(running = this.running): number {
    if (!running) return this.stoppedAt;
    const load = this.regs.get('WdogLoad');
    const ticks = Math.floor((this.context.clock.now() - this.loadedAt) / this.tickNs);
    return load - (ticks % (load + 1));
  }

  /** The counter starts again from WdogLoad (a write of WdogLoad or WdogIntClr, INTEN set). */
  private reload(): void {
    this.loadedAt = this.context.clock.now();
    this.schedule();
  }

  /**
   * Arms the timer for the next expiry that changes something: the interrupt, or the reset after it. Once
   * both have happened (or the reset is off) expiries only reload the counter, which counter() computes.
   */
  private schedule(): void {
    const interesting = this.regs.get('WdogRIS') === 0 || (this.regs.get('WdogControl') & CONTROL_RESEN && !this.resetAsserted);
    if (!this.running || !interesting) {
      this.expiry.cancel();
      return;
    }
    const periods = Math.floor((this.context.clock.now() - this.loadedAt) / this.periodNs) + 1;
    this.expiry.arm(this.loadedAt + periods * this.periodNs);
  }

  private controlWritten(value: number, old: number): void {
    if (!(value & CONTROL_INTEN) && old & CONTROL_INTEN) this.stoppedAt = this.counter(true);
    if (value & CONTROL_INTEN && !(old & CONTROL_INTEN)) this.reload();
    else this.schedule();
    this.update();
  }

  private clearInterrupt(): void {
    this.regs.set('WdogRIS', 0);
    this.reload();
    this.update();
  }

  /** An expiry: the interrupt, or the reset if the interrupt was still raised; the counter reloads either way. */
  private expired(deadline: number): void {
    if (this.regs.get('WdogRIS') === 0) {
      traceExpired(this.label(), 'interrupt');
      this.regs.set('WdogRIS', 1);
    } else if (this.regs.get('WdogControl') & CONTROL_RESEN && !this.resetAsserted) {
      traceExpired(this.label(), 'reset');
      this.resetAsserted = true;
      this.context.requestReset(`${this.label()}: the watchdog expired with its interrupt unanswered`);
    }
    this.loadedAt = deadline;
    this.schedule();
    this.update();
  }

  /** WDOGINT: WdogRIS while INTEN is set. */
  private update(): void {
    this.interrupt.set(this.regs.get('WdogRIS') === 1 && this.running);
  }
}

registerType({
  name: 'sp805',
  parent: 'sys-bus-device',
  cls: Sp805,
  userCreatable: true,
  description: 'Arm SP805 watchdog',
  plug: { platformBus: ['virt'] },
  properties: [prop.uint32('clock-frequency', { default: 1_000_000, description: 'WDOGCLK, the rate the counter counts down at, in Hz' })],
});
