// A GICv2 on the test bench: registers read and written by datasheet name (`GICD_ISENABLER1`, `GICC_IAR`),
// guest errors collected instead of printed, and the few steps a guest driver takes, named as it would.
import { Gic, type GicOptions } from '../../../devices/gic/gic.js';
import type { MemoryOps } from '../../../src/memory/region.js';

const GICD_REGISTERS: Record<string, number> = {
  GICD_CTLR: 0x000,
  GICD_TYPER: 0x004,
  GICD_IIDR: 0x008,
  GICD_SGIR: 0xf00,
  GICD_PIDR4: 0xfd0,
  GICD_PIDR5: 0xfd4,
  GICD_PIDR6: 0xfd8,
  GICD_PIDR7: 0xfdc,
  GICD_PIDR0: 0xfe0,
  GICD_PIDR1: 0xfe4,
  GICD_PIDR2: 0xfe8,
  GICD_PIDR3: 0xfec,
  GICD_CIDR0: 0xff0,
  GICD_CIDR1: 0xff4,
  GICD_CIDR2: 0xff8,
  GICD_CIDR3: 0xffc,
};
/** Register arrays: element n at base + 4n. */
const GICD_ARRAYS: Record<string, number> = {
  GICD_IGROUPR: 0x080,
  GICD_ISENABLER: 0x100,
  GICD_ICENABLER: 0x180,
  GICD_ISPENDR: 0x200,
  GICD_ICPENDR: 0x280,
  GICD_ISACTIVER: 0x300,
  GICD_ICACTIVER: 0x380,
  GICD_IPRIORITYR: 0x400,
  GICD_ITARGETSR: 0x800,
  GICD_ICFGR: 0xc00,
  GICD_NSACR: 0xe00,
  GICD_CPENDSGIR: 0xf10,
  GICD_SPENDSGIR: 0xf20,
};
const GICC_REGISTERS: Record<string, number> = {
  GICC_CTLR: 0x00,
  GICC_PMR: 0x04,
  GICC_BPR: 0x08,
  GICC_IAR: 0x0c,
  GICC_EOIR: 0x10,
  GICC_RPR: 0x14,
  GICC_HPPIR: 0x18,
  GICC_ABPR: 0x1c,
  GICC_AIAR: 0x20,
  GICC_AEOIR: 0x24,
  GICC_AHPPIR: 0x28,
  GICC_APR0: 0xd0,
  GICC_APR1: 0xd4,
  GICC_APR2: 0xd8,
  GICC_APR3: 0xdc,
  GICC_NSAPR0: 0xe0,
  GICC_NSAPR1: 0xe4,
  GICC_NSAPR2: 0xe8,
  GICC_NSAPR3: 0xec,
  GICC_IIDR: 0xfc,
  GICC_DIR: 0x1000,
};

/** Where a byte-accessible distributor array starts: `GICD_IPRIORITYR`. */
function arrayBase(array: string): number {
  const base = GICD_ARRAYS[array];
  if (base === undefined) throw new Error(`test bench: no GIC register array named ${array}`);
  return base;
}

export const GICC_CTLR_ENABLE = 1 << 0;
export const GICC_CTLR_EOIMODE = 1 << 9;
export const SPURIOUS = 1023;

export interface InterruptSetup {
  priority?: number;
  edge?: boolean;
}

export class GicBench {
  readonly gic: Gic;
  readonly errors: string[] = [];

  constructor(options: GicOptions = {}) {
    this.gic = new Gic({ onGuestError: (message) => this.errors.push(message()), ...options });
  }

  get irq(): boolean {
    return this.gic.irq.level;
  }

  get fiq(): boolean {
    return this.gic.fiq.level;
  }

  read(name: string, size = 4): number {
    const { frame, offset } = this.locate(name);
    return frame.read(offset, size);
  }

  write(name: string, value: number, size = 4): this {
    const { frame, offset } = this.locate(name);
    frame.write(offset, size, value);
    return this;
  }

  /** A byte of a byte-accessible distributor array, by INTID: `readByte('GICD_IPRIORITYR', 33)`. */
  readByte(array: string, intid: number): number {
    return this.gic.distributor.read(arrayBase(array) + intid, 1);
  }

  writeByte(array: string, intid: number, value: number): this {
    this.gic.distributor.write(arrayBase(array) + intid, 1, value);
    return this;
  }

  /** Distributor and CPU interface on, nothing masked: what a driver's init leaves. */
  enableAll(ctlr = GICC_CTLR_ENABLE): this {
    return this.write('GICD_CTLR', 1).write('GICC_CTLR', ctlr).write('GICC_PMR', 0xff);
  }

  /** Programs and enables one interrupt the way Linux does: priority, trigger, then enable. */
  setUp(intid: number, { priority = 0xa0, edge = false }: InterruptSetup = {}): this {
    this.writeByte('GICD_IPRIORITYR', intid, priority);
    if (intid >= 16) {
      const cfg = `GICD_ICFGR${intid >> 4}`;
      const shift = (intid % 16) * 2 + 1;
      this.write(cfg, (this.read(cfg) & ~(1 << shift)) | (edge ? 1 << shift : 0));
    }
    return this.write(`GICD_ISENABLER${intid >> 5}`, 1 << (intid % 32));
  }

  line(intid: number, level: boolean): this {
    this.gic.setInput(intid, level);
    return this;
  }

  pulse(intid: number): this {
    return this.line(intid, true).line(intid, false);
  }

  ack(): number {
    return this.read('GICC_IAR');
  }

  eoi(iar: number): this {
    return this.write('GICC_EOIR', iar);
  }

  /** Bit `intid` of a one-bit-per-interrupt array (GICD_ISPENDR, GICD_ISACTIVER, ...). */
  bit(array: string, intid: number): boolean {
    return ((this.read(`${array}${intid >> 5}`) >>> (intid % 32)) & 1) === 1;
  }

  private locate(name: string): { frame: MemoryOps; offset: number } {
    const gicd = GICD_REGISTERS[name];
    if (gicd !== undefined) return { frame: this.gic.distributor, offset: gicd };
    const gicc = GICC_REGISTERS[name];
    if (gicc !== undefined) return { frame: this.gic.cpuInterface, offset: gicc };
    const [, array = '', n] = /^(GICD_[A-Z]+?)(\d+)$/.exec(name) ?? [];
    const base = GICD_ARRAYS[array];
    if (base !== undefined) return { frame: this.gic.distributor, offset: base + 4 * Number(n) };
    throw new Error(`test bench: no GIC register named ${name}`);
  }
}
