// Arm PrimeCell PL031 real-time clock (ARM DDI 0224B), as on QEMU's virt at 0x09010000 (SPI 2): a seconds
// counter on the virtual clock, a match register that raises the interrupt, and the PrimeCell IDs.
// It is also the worked example of the README's "Writing a device".
import { MemoryRegion } from '../src/memory/region.js';
import { prop, registerType } from '../src/qom/index.js';
import { regCells, type DeviceTreeContext } from '../src/qom/device-tree.js';
import { SysBusDevice } from '../src/qom/sys-bus-device.js';
import { RegisterBank } from '../src/regs/index.js';
import { primeCellIdRegisters } from '../src/regs/primecell.js';
import { defineTraceEvent } from '../src/trace/index.js';
import type { IrqLine } from '../src/core/irq.js';
import type { Timer } from '../src/core/timers.js';
import type { FdtWriter } from '../src/fdt/fdt-writer.js';

const traceAlarm = defineTraceEvent('pl031_alarm', '%s: match at %u s raises the interrupt');
const traceSet = defineTraceEvent('pl031_set_time', '%s: counter loaded with %u s');

const NS_PER_S = 1e9;

export class Pl031 extends SysBusDevice {
  private interrupt!: IrqLine;
  private alarm!: Timer;
  /** Counter value at virtual time `baseNs`. */
  private baseSeconds = 0;
  private baseNs = 0;

  readonly regs = new RegisterBank(this, {
    RTCDR: { offset: 0x00, access: 'RO', onRead: (): number => this.seconds() },
    RTCMR: { offset: 0x04, onWrite: (): void => this.update() },
    RTCLR: { offset: 0x08, onWrite: (value: number): void => this.load(value) },
    RTCCR: { offset: 0x0c, writeMask: 1, beforeWrite: (value: number, old: number): number => value | old }, // RTCStart sticks
    RTCIMSC: { offset: 0x10, writeMask: 1, onWrite: (): void => this.update() },
    RTCRIS: { offset: 0x14, access: 'RO' },
    RTCMIS: { offset: 0x18, access: 'RO', onRead: (): number => this.regs.get('RTCRIS') & this.regs.get('RTCIMSC') },
    RTCICR: { offset: 0x1c, access: 'WO', onWrite: (value: number): void => this.clearInterrupt(value) },
    ...primeCellIdRegisters(0x0004_1031),
  });

  protected override onRealize(): void {
    this.initMmio(MemoryRegion.io('pl031', 0x1000, this.regs));
    this.interrupt = this.initIrq();
    this.alarm = this.initTimer('alarm', () => this.matchReached());
    this.onReset();
  }

  protected override onReset(): void {
    this.regs.reset();
    this.baseSeconds = Number(this.getUint64('start-time'));
    this.baseNs = this.context.clock.now();
    this.regs.set('RTCCR', 1); // counting from reset, as QEMU's model does
    this.update();
  }

  override writeDeviceTree(fdt: FdtWriter, dt: DeviceTreeContext): void {
    const address = dt.mmioAddress(0);
    fdt.beginNode(`pl031@${address.toString(16)}`);
    fdt.propertyString('clock-names', 'apb_pclk');
    fdt.propertyCells('clocks', [dt.clockPhandle('apb-pclk')]);
    fdt.propertyCells('interrupts', dt.interruptCells(0, 'level'));
    fdt.propertyCells('reg', regCells(address, 0x1000, dt));
    fdt.propertyStringList('compatible', ['arm,pl031', 'arm,primecell']);
    fdt.endNode();
  }

  private seconds(): number {
    return (this.baseSeconds + Math.floor((this.context.clock.now() - this.baseNs) / NS_PER_S)) >>> 0;
  }

  private load(value: number): void {
    this.baseSeconds = value;
    this.baseNs = this.context.clock.now();
    traceSet(this.label(), value);
    this.update();
  }

  private clearInterrupt(value: number): void {
    if (value & 1) this.regs.set('RTCRIS', 0);
    this.update();
  }

  private matchReached(): void {
    traceAlarm(this.label(), this.regs.get('RTCMR'));
    this.regs.set('RTCRIS', 1);
    this.update();
  }

  /** Drives the IRQ line from RIS & IMSC and arms the alarm for the next match. */
  private update(): void {
    this.interrupt.set((this.regs.get('RTCRIS') & this.regs.get('RTCIMSC') & 1) !== 0);
    const ahead = (this.regs.get('RTCMR') - this.seconds()) >>> 0; // the counter wraps at 2^32
    const nextSecondNs = this.baseNs + (Math.floor((this.context.clock.now() - this.baseNs) / NS_PER_S) + 1) * NS_PER_S;
    if (ahead === 0) this.alarm.cancel();
    else this.alarm.arm(nextSecondNs + (ahead - 1) * NS_PER_S);
  }
}

registerType({
  name: 'pl031',
  parent: 'sys-bus-device',
  cls: Pl031,
  userCreatable: true,
  description: 'Arm PL031 real-time clock',
  plug: { platformBus: ['virt'], fixed: { virt: { place: 'rtc' } } },
  properties: [prop.uint64('start-time', { default: 0n, description: 'Counter value at reset, in seconds since the epoch' })],
});
