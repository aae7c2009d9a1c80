// The test harness device (at 0x0a000000 on the foundation board): an echo register, an IRQ output, a
// one-shot virtual-time timer, character output, and a place for the guest to report a count. Firmware
// tests and benchmarks drive the vCPU and run loop through it.
// Registers (32-bit): 0x00 ECHO (reads the last write XOR 0xffffffff), 0x04 IRQ_LINE (1 raise, 0 lower),
// 0x08 TIMER_NS (arm a one-shot N ns from now), 0x0c STATUS (bit0 timer fired, W1C), 0x10 PUTC,
// 0x14 IRQ_COUNT_SEEN, 0x18 IRQ_REPEAT (write N: the next N lowerings of IRQ_LINE raise it again at once:
// an interrupt storm for benchmarks).
import type { IrqLine } from '../src/core/irq.js';
import type { Timer } from '../src/core/timers.js';
import { MemoryRegion, type MemoryOps } from '../src/memory/region.js';
import { registerType } from '../src/qom/types.js';
import { SysBusDevice } from '../src/qom/sys-bus-device.js';

export const HARNESS_BASE = 0x0a00_0000;

export class HarnessDevice extends SysBusDevice implements MemoryOps {
  output = '';
  irqCountSeen: number | undefined;
  /** Virtual times at which the timer fired. */
  readonly timerFiredAt: number[] = [];
  /** Called with each complete output line. */
  onLine: (line: string) => void = () => {};
  private partialLine = '';
  private echo = 0;
  private status = 0;
  private repeats = 0;
  private line!: IrqLine;
  private timer!: Timer;

  protected override onRealize(): void {
    this.initMmio(MemoryRegion.io('test-harness', 0x1000, this));
    this.line = this.initIrq();
    this.timer = this.initTimer('timer', (now) => {
      this.timerFiredAt.push(now);
      this.status |= 1;
      this.line.raise();
    });
  }

  read(offset: number): number {
    switch (offset) {
      case 0x00:
        return (this.echo ^ 0xffff_ffff) >>> 0;
      case 0x04:
        return this.line.level ? 1 : 0;
      case 0x0c:
        return this.status;
      default:
        return 0;
    }
  }

  write(offset: number, _size: number, value: number): void {
    switch (offset) {
      case 0x00:
        this.echo = value >>> 0;
        break;
      case 0x04:
        if (value === 0 && this.repeats > 0) {
          this.repeats--;
          this.line.lower();
          this.line.raise();
        } else {
          this.line.set(value !== 0);
        }
        break;
      case 0x08:
        if (value > 0) this.timer.arm(this.context.clock.now() + value);
        break;
      case 0x0c:
        this.status &= ~value;
        break;
      case 0x10:
        this.putc(value & 0xff);
        break;
      case 0x14:
        this.irqCountSeen = value;
        break;
      case 0x18:
        this.repeats = value >>> 0;
        break;
    }
  }

  /** Output lines so far (complete ones). */
  get lines(): string[] {
    return this.output.split('\n').slice(0, -1);
  }

  private putc(byte: number): void {
    const ch = String.fromCharCode(byte);
    this.output += ch;
    if (byte !== 0x0a) {
      this.partialLine += ch;
      return;
    }
    const line = this.partialLine;
    this.partialLine = '';
    this.onLine(line);
  }
}

registerType({
  name: 'test-harness',
  parent: 'sys-bus-device',
  cls: HarnessDevice,
  description: 'armvirt test harness: echo, IRQ line, one-shot timer, character output',
});
