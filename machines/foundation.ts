// The foundation board: one vCPU, RAM at 0x40000000 (as on virt), the test harness device at 0x0a000000
// wired straight to the CPU's IRQ input, and PSCI over HVC. It carries the foundation firmware tests, the
// benchmarks and the demo. Unlike virt, the guest picks the exit code: SYSTEM_OFF's x1 (see powerOffExitCode).
import type { VcpuOptions } from '../src/cpu/vcpu.js';
import { SYSTEM_REGISTERS } from '../src/cpu/registers.js';
import { readElf } from '../src/loader/elf.js';
import { ramLimit } from '../src/files/input-file.js';
import { loadElfIntoRam } from '../src/loader/load.js';
import { Machine } from './machine.js';
import { HARNESS_BASE, HarnessDevice } from '../devices/test-harness.js';

export const FOUNDATION_RAM_BASE = 0x4000_0000;

export interface FoundationBoardOptions extends VcpuOptions {
  ramSize?: number;
}

export class FoundationBoard extends Machine {
  readonly harness: HarnessDevice;

  constructor(options: FoundationBoardOptions = {}) {
    super({ ...options, ram: { name: 'foundation.ram', base: FOUNDATION_RAM_BASE, size: options.ramSize ?? 16 * 1024 * 1024 } });
    this.harness = this.addDevice(HarnessDevice, 'harness', {}, [HARNESS_BASE]);
    this.harness.connectIrq(0, (level) => this.vcpu.setIrq(level));
    this.vcpu.trapSysreg(SYSTEM_REGISTERS.CNTVCT_EL0, 'counter');
    this.vcpu.trapSysreg(SYSTEM_REGISTERS.CNTPCT_EL0, 'counter');
  }

  /**
   * Test firmware reports its result as the exit code: the low byte of PSCI SYSTEM_OFF's x1 (which PSCI
   * ignores) becomes the process's exit code, on this board only.
   */
  protected override powerOffExitCode(argument: number): number {
    return argument;
  }

  /** Loads an ELF into RAM and points the vCPU at its entry (x0 = 0: no DTB on this board). */
  loadFirmware(path: string): void {
    const image = readElf(path, ramLimit(this.ram.size));
    loadElfIntoRam(image, this.ram, FOUNDATION_RAM_BASE, `'${path}'`);
    this.vcpu.pc = image.entry;
    this.vcpu.writeRegister('x0', 0);
  }
}
