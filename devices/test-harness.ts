// The test harness device (at 0x0a000000 on the foundation board): an echo register, the CPU's IRQ line, a
// one-shot virtual-time timer, character output, and a place for the guest to report a count. Firmware
// tests and benchmarks drive the vCPU and run loop through it before any real device model exists.
// Register map (32-bit): 0x00 ECHO (reads the last write XOR 0xffffffff), 0x04 IRQ_LINE (1 raise, 0 lower),
// 0x08 TIMER_NS (arm a one-shot N ns from now), 0x0c STATUS (bit0 timer fired, W1C), 0x10 PUTC,
// 0x14 IRQ_COUNT_SEEN, 0x18 IRQ_REPEAT (write N: the next N lowerings of IRQ_LINE raise it again at once:
// an interrupt storm for benchmarks).
import type { MmioHandler } from '../src/cpu/vcpu.js';
import type { RunLoop } from '../src/core/run-loop.js';

export const HARNESS_BASE = 0x0a00_0000;

export class HarnessDevice implements MmioHandler {
  output = '';
  irqCountSeen: number | undefined;
  irqLevel = false;
  /** Virtual times at which the timer fired. */
  readonly timerFiredAt: number[] = [];
  private echo = 0;
  private status = 0;
  private repeats = 0;
  private readonly timer;
  /** Called with each complete output line. */
  onLine: (line: string) => void = () => {};
  private partialLine = '';

  constructor(private readonly loop: RunLoop) {
    this.timer = loop.timers.create('harness timer', (now) => {
      this.timerFiredAt.push(now);
      this.status |= 1;
      this.setIrq(true);
    });
    loop.setIrqPendingProbe(() => this.irqLevel);
  }

  read(offset: number): number {
    switch (offset) {
      case 0x00:
        return (this.echo ^ 0xffff_ffff) >>> 0;
      case 0x04:
        return this.irqLevel ? 1 : 0;
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
          this.setIrq(false);
          this.setIrq(true);
        } else {
          this.setIrq(value !== 0);
        }
        break;
      case 0x08:
        if (value > 0) this.timer.arm(this.loop.now() + value);
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

  setIrq(level: boolean): void {
    this.irqLevel = level;
    this.loop.vcpu.setIrq(level);
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
