// The foundation board: one vCPU, RAM at 0x40000000 (as on virt), the test harness device at 0x0a000000
// and PSCI SYSTEM_OFF/RESET over HVC. It carries the firmware tests, benchmarks and the demo until the
// virt machine's devices exist.
import { HostMemory } from '../src/cpu/host-memory.js';
import { Vcpu, type VcpuOptions } from '../src/cpu/vcpu.js';
import { RunLoop, type ExitReason } from '../src/core/run-loop.js';
import { SYSTEM_REGISTERS } from '../src/cpu/registers.js';
import { readElf } from '../src/loader/elf.js';
import { loadElfIntoRam } from '../src/loader/load.js';
import { HARNESS_BASE, type HarnessDevice } from '../devices/test-harness.js';
import { cast, defaultRegistry } from '../src/qom/types.js';
import type { ArmObject } from '../src/qom/object.js';
import { provideMachineContext } from '../src/qom/machine-context.js';
import { MemoryRegion } from '../src/memory/region.js';
import { AddressSpace } from '../src/memory/address-space.js';
import { CpuMemoryMap } from '../src/memory/cpu-map.js';
import { Psci } from '../src/vmm/psci.js';

export const FOUNDATION_RAM_BASE = 0x4000_0000;
const PHYSICAL_SPACE = 2 ** 40;


export interface FoundationBoardOptions extends VcpuOptions {
  ramSize?: number;
}

export class FoundationBoard {
  readonly vcpu: Vcpu;
  readonly ram: HostMemory;
  readonly loop: RunLoop;
  readonly harness: HarnessDevice;
  /** The object tree: `/machine/harness`. */
  readonly root: ArmObject;
  /** The board's physical address space; the vCPU's map follows it. */
  readonly system = MemoryRegion.container('system', PHYSICAL_SPACE);
  readonly memory: AddressSpace;

  constructor(options: FoundationBoardOptions = {}) {
    this.vcpu = new Vcpu(options);
    this.memory = new AddressSpace('memory', this.system, options.log);
    this.memory.addListener(new CpuMemoryMap(this.vcpu, options.log));
    this.ram = new HostMemory(options.ramSize ?? 16 * 1024 * 1024);
    this.system.addSubregion(FOUNDATION_RAM_BASE, MemoryRegion.ram('foundation.ram', this.ram));
    this.loop = new RunLoop(this.vcpu);
    const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
    this.root = defaultRegistry.create('container');
    provideMachineContext(this.root, { clock: this.loop, log });
    const machine = defaultRegistry.create('container');
    this.root.addChild('machine', machine);
    this.harness = cast<HarnessDevice>(defaultRegistry.create('test-harness'), 'test-harness');
    machine.addChild('harness', this.harness);
    this.harness.realize();
    this.system.addSubregion(HARNESS_BASE, this.harness.mmio(0));
    this.harness.connectIrq(0, (level) => this.vcpu.setIrq(level));
    this.vcpu.trapSysreg(SYSTEM_REGISTERS.CNTVCT_EL0!, 'counter');
    this.vcpu.trapSysreg(SYSTEM_REGISTERS.CNTPCT_EL0!, 'counter');
    const psci = new Psci({ powerOff: (reason, status) => this.loop.stop(reason, status), reset: (reason) => this.loop.stop(reason, 0) });
    this.vcpu.onHypercall((cpu, call) => psci.handle(cpu, call));
  }

  /** Loads an ELF into RAM and points the vCPU at its entry (x0 = 0: no DTB on this board). */
  loadFirmware(path: string): void {
    const image = readElf(path);
    loadElfIntoRam(image, this.ram, FOUNDATION_RAM_BASE, `'${path}'`);
    this.vcpu.pc = image.entry;
    this.vcpu.writeRegister('x0', 0);
  }

  run(options: { untilNs?: number } = {}): Promise<ExitReason> {
    return this.loop.run(options);
  }

  close(): void {
    this.vcpu.close();
  }
}
