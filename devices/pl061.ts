// Arm PrimeCell PL061 GPIO (ARM DDI 0190B), as QEMU's virt has it at 0x09030000 (SPI 7) with its power
// button: eight pins, each an input or an output (GPIODIR), GPIODATA reached through an address mask (bits
// 9:2 of the offset pick the pins an access sees), and interrupts on input edges or levels (GPIOIS, GPIOIBE,
// GPIOIEV) into one line. With `power-button` (virt's), input 3 is QEMU's gpio-key: a power-down request
// (Ctrl-A P, QEMU's system_powerdown) holds it high for 100 ms, and the tree gets virt's /gpio-keys node,
// through which Linux's gpio-keys reports KEY_POWER. Outputs are seen in GPIODATA only: nothing on the
// machine listens to them. Inputs nothing drives read as 0 (virt's pull-downs).
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

const traceInput = defineTraceEvent('pl061_input', '%s: input %u goes %s');

export const PINS = 0xff;
/** QEMU's gpio-key: the input virt wires it to, and how long a press holds it (GPIO_KEY_LATENCY). */
export const POWER_BUTTON_PIN = 3;
const POWER_BUTTON_PRESS_NS = 100e6;
/** Linux's input event code of the power button (include/uapi/linux/input-event-codes.h). */
const KEY_POWER = 116;

export class Pl061 extends SysBusDevice {
  private interrupt!: IrqLine;
  private release!: Timer;
  private stopListening: (() => void) | undefined;
  /** The levels driven on the pins from outside (what an input pin reads). */
  private lines = 0;
  /** What was written to the output pins. */
  private outputs = 0;
  /** The pins' levels as GPIODATA reads them, as of the last update (edges are changes of it). */
  private data = 0;

  readonly regs = new RegisterBank(this, {
    GPIODATA: {
      offset: 0x000,
      count: 256,
      stride: 4,
      onRead: (_value: number, mask: number): number => this.data & mask,
      onWrite: (value: number, _old: number, mask: number): void => this.writeOutputs(value, mask),
    },
    GPIODIR: { offset: 0x400, writeMask: PINS, onWrite: (): void => this.update() },
    GPIOIS: { offset: 0x404, writeMask: PINS, onWrite: (): void => this.update() },
    GPIOIBE: { offset: 0x408, writeMask: PINS, onWrite: (): void => this.update() },
    GPIOIEV: { offset: 0x40c, writeMask: PINS, onWrite: (): void => this.update() },
    GPIOIE: { offset: 0x410, writeMask: PINS, onWrite: (): void => this.update() },
    GPIORIS: { offset: 0x414, access: 'RO' },
    GPIOMIS: { offset: 0x418, access: 'RO', onRead: (): number => this.regs.get('GPIORIS') & this.regs.get('GPIOIE') },
    GPIOIC: { offset: 0x41c, access: 'WO', writeMask: PINS, onWrite: (value: number): void => this.clearInterrupts(value) },
    GPIOAFSEL: { offset: 0x420, writeMask: PINS },
    ...primeCellIdRegisters(0x0004_1061),
  });

  protected override onRealize(): void {
    this.initMmio(MemoryRegion.io('pl061', 0x1000, this.regs));
    this.interrupt = this.initIrq();
    this.release = this.initTimer('power button', () => this.setInput(POWER_BUTTON_PIN, false));
    if (this.getBool('power-button')) this.stopListening = this.context.onPowerDownRequest(() => this.pressPowerButton());
    this.onReset();
  }

  protected override onUnrealize(): void {
    this.stopListening?.();
    this.stopListening = undefined;
  }

  protected override onReset(): void {
    this.regs.reset();
    this.outputs = 0;
    this.data = 0;
    this.update();
  }

  /** Drives input `pin` (0-7) from outside; it counts while the pin is an input. */
  setInput(pin: number, level: boolean): void {
    const bit = 1 << pin;
    if (((this.lines & bit) !== 0) === level) return;
    traceInput(this.label(), pin, level ? 'high' : 'low');
    this.lines = level ? this.lines | bit : this.lines & ~bit;
    this.update();
  }

  override writeDeviceTree(fdt: FdtWriter, dt: DeviceTreeContext): void {
    const address = dt.mmioAddress(0);
    const phandle = dt.phandle();
    if (this.getBool('power-button')) {
      fdt.beginNode('gpio-keys');
      fdt.propertyString('compatible', 'gpio-keys');
      fdt.beginNode('poweroff');
      fdt.propertyCells('gpios', [phandle, POWER_BUTTON_PIN, 0]); // GPIO_ACTIVE_HIGH
      fdt.propertyCells('linux,code', [KEY_POWER]);
      fdt.propertyString('label', 'GPIO Key Poweroff');
      fdt.endNode();
      fdt.endNode();
    }
    fdt.beginNode(`pl061@${address.toString(16)}`);
    fdt.propertyCells('phandle', [phandle]);
    fdt.propertyString('clock-names', 'apb_pclk');
    fdt.propertyCells('clocks', [dt.clockPhandle('apb-pclk')]);
    fdt.propertyCells('interrupts', dt.interruptCells(0, 'level'));
    fdt.propertyEmpty('gpio-controller');
    fdt.propertyCells('#gpio-cells', [2]);
    fdt.propertyStringList('compatible', ['arm,pl061', 'arm,primecell']);
    fdt.propertyCells('reg', regCells(address, 0x1000, dt));
    fdt.endNode();
  }

  /** QEMU's gpio-key: a press holds the pin high for 100 ms; another press meanwhile holds it longer. */
  private pressPowerButton(): void {
    this.setInput(POWER_BUTTON_PIN, true);
    this.release.arm(this.context.clock.now() + POWER_BUTTON_PRESS_NS);
  }

  /** GPIODATA through address mask `mask`: only the masked output pins change. */
  private writeOutputs(value: number, mask: number): void {
    const written = mask & this.regs.get('GPIODIR');
    this.outputs = (this.outputs & ~written) | (value & written);
    this.update();
  }

  private clearInterrupts(bits: number): void {
    this.regs.set('GPIORIS', this.regs.get('GPIORIS') & ~bits);
    this.update();
  }

  /**
   * The pins' levels from the outputs and the lines; an input edge of the kind GPIOIBE/GPIOIEV select
   * latches in GPIORIS, as does an input at the level GPIOIEV selects (GPIOIS); the line is GPIORIS & GPIOIE.
   */
  private update(): void {
    const dir = this.regs.get('GPIODIR');
    const sense = this.regs.get('GPIOIS');
    const event = this.regs.get('GPIOIEV');
    const data = ((this.outputs & dir) | (this.lines & ~dir)) & PINS;
    const changed = (data ^ this.data) & ~dir & ~sense;
    const edges = changed & (this.regs.get('GPIOIBE') | ~(data ^ event));
    const levels = ~(data ^ event) & sense & ~dir;
    this.data = data;
    this.regs.set('GPIORIS', (this.regs.get('GPIORIS') | edges | levels) & PINS);
    this.interrupt.set((this.regs.get('GPIORIS') & this.regs.get('GPIOIE')) !== 0);
  }
}

registerType({
  name: 'pl061',
  parent: 'sys-bus-device',
  cls: Pl061,
  userCreatable: true,
  description: 'Arm PL061 GPIO',
  plug: { platformBus: ['virt'], fixed: { virt: { place: 'gpio', properties: { 'power-button': 'on' } } } },
  properties: [
    prop.bool('power-button', {
      default: false,
      description: "Input 3 is the machine's power button (a power-down request presses it) and the device tree gets /gpio-keys, as on QEMU's virt",
    }),
  ],
});
