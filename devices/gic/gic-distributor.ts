// GICv2 Distributor, the 4 KiB GICD frame (Arm IHI 0048B §4.3), as QEMU's arm_gic with one CPU interface and no
// Security Extensions. Choices where the spec leaves room:
// - both interrupt groups, as QEMU's arm_gic has them for a GICv2 without Security Extensions: GICD_IGROUPRn
//   is read/write and GICD_CTLR has EnableGrp0 and EnableGrp1;
// - SGIs are always enabled and edge-triggered (GIC-400); PPIs and SPIs are configurable through GICD_ICFGRn;
// - GICD_ITARGETSRn is RAZ/WI, as §4.3.12 allows for a uniprocessor GIC and QEMU's arm_gic has it: every
//   SPI goes to the one CPU (Linux reads a CPU mask of 0 there, which it accepts with one CPU);
// - all 8 bits of each priority field are implemented, as in QEMU's arm_gic.
import { hex } from '../../src/util/hex.js';
import type { MemoryOps } from '../../src/memory/region.js';
import { accessAllowed, type GicHooks, type GicRegister } from './gic-access.js';
import { containsOffset, elementAt, readFields, writeFields, type FieldArray } from './gic-field-array.js';
import { CPU0, GIC_NR_SGIS, type GicInterruptState } from './gic-state.js';
import { at } from '../../src/util/at.js';

const GICD_CTLR_ENABLE_GRP0 = 1 << 0;
const GICD_CTLR_ENABLE_GRP1 = 1 << 1;
/** QEMU's arm_gic: implementer 0x43b (Arm), product, variant and revision 0 (§4.3.3 GICD_IIDR). */
const GICD_IIDR = 0x0000_043b;
/** GIC-400 identification registers at 0xFD0..0xFFC; PIDR2 0x2B: architecture GICv2. */
const ID_REGISTERS: readonly (readonly [name: string, value: number])[] = [
  ['GICD_PIDR4', 0x04],
  ['GICD_PIDR5', 0x00],
  ['GICD_PIDR6', 0x00],
  ['GICD_PIDR7', 0x00],
  ['GICD_PIDR0', 0x90],
  ['GICD_PIDR1', 0xb4],
  ['GICD_PIDR2', 0x2b],
  ['GICD_PIDR3', 0x00],
  ['GICD_CIDR0', 0x0d],
  ['GICD_CIDR1', 0xf0],
  ['GICD_CIDR2', 0x05],
  ['GICD_CIDR3', 0xb1],
];
const ID_BASE = 0xfd0;

const SINGLE_REGISTERS = new Map<number, GicRegister>([
  [0x000, { name: 'GICD_CTLR', access: 'RW' }],
  [0x004, { name: 'GICD_TYPER', access: 'RO' }],
  [0x008, { name: 'GICD_IIDR', access: 'RO' }],
  [0xf00, { name: 'GICD_SGIR', access: 'WO' }],
  ...ID_REGISTERS.map(([name], i): [number, GicRegister] => [ID_BASE + 4 * i, { name, access: 'RO' }]),
]);

export class GicDistributor implements MemoryOps {
  private ctlr = 0;
  private readonly arrays: readonly FieldArray[];

  constructor(
    private readonly state: GicInterruptState,
    private readonly hooks: GicHooks,
  ) {
    this.arrays = this.fieldArrays();
  }

  /** GICD_CTLR.EnableGrp0/EnableGrp1: pending interrupts of the group are forwarded to the CPU interface. */
  groupEnabled(group: number): boolean {
    return (this.ctlr & (GICD_CTLR_ENABLE_GRP0 << group)) !== 0;
  }

  get anyGroupEnabled(): boolean {
    return (this.ctlr & (GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1)) !== 0;
  }

  reset(): void {
    this.ctlr = 0;
  }

  read(offset: number, size: number): number {
    const array = this.arrays.find((a) => containsOffset(a, offset));
    const register = array ? elementAt(array, offset) : SINGLE_REGISTERS.get(offset & ~3);
    if (!accessAllowed('GICD', register, offset, size, undefined, this.hooks.guestError)) return 0;
    return array ? readFields(array, offset, size) : this.readSingle(offset);
  }

  write(offset: number, size: number, value: number): void {
    value >>>= 0;
    const array = this.arrays.find((a) => containsOffset(a, offset));
    const register = array ? elementAt(array, offset) : SINGLE_REGISTERS.get(offset & ~3);
    if (!accessAllowed('GICD', register, offset, size, value, this.hooks.guestError)) return;
    if (array) writeFields(array, offset, size, value);
    else if (offset === 0x000) this.ctlr = value & (GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
    else this.sendSgi(value); // GICD_SGIR: the only other writable register
    this.hooks.update();
  }

  private readSingle(offset: number): number {
    switch (offset) {
      case 0x000:
        return this.ctlr;
      case 0x004:
        // GICD_TYPER: ITLinesNumber; CPUNumber 0 (one CPU) and SecurityExtn 0.
        return this.state.count / 32 - 1;
      case 0x008:
        return GICD_IIDR;
      default:
        return at(ID_REGISTERS, (offset - ID_BASE) >> 2)[1];
    }
  }

  /** GICD_SGIR (§4.3.15): the writing CPU, CPU 0, is the source. */
  private sendSgi(value: number): void {
    const filter = (value >>> 24) & 3;
    if (filter === 3) {
      this.hooks.guestError(() => `GICD: write of ${hex(value)} to GICD_SGIR (offset 0xf00): TargetListFilter 3 is reserved; sent to every CPU, as QEMU does`);
    }
    // Filter 0: the CPUTargetList; 1: every CPU but the writer (nobody, with one CPU); 2: the writer;
    // 3 (reserved): every CPU, QEMU's choice.
    const targets = at([(value >>> 16) & 0xff, 0, CPU0, CPU0], filter);
    if (targets & CPU0) this.state.sgiSources[value & 0xf] = at(this.state.sgiSources, value & 0xf) | CPU0;
  }

  private fieldArrays(): FieldArray[] {
    const s = this.state;
    const perIrq = (name: string, base: number, bits: 1 | 2 | 8, get: FieldArray['get'], set: FieldArray['set']): FieldArray => ({
      name,
      base,
      bits,
      span: 1024,
      implemented: s.count,
      byteAccess: bits === 8,
      get,
      set,
    });
    const perSgi = (name: string, base: number, set: FieldArray['set']): FieldArray => ({
      name,
      base,
      bits: 8,
      span: GIC_NR_SGIS,
      implemented: GIC_NR_SGIS,
      byteAccess: true,
      get: (i) => at(s.sgiSources, i),
      set,
    });
    const pending = (i: number) => (s.isPending(i) ? 1 : 0);
    // SGI bits of the enable and pending registers are WI: SGIs stay enabled, and pend through GICD_SGIR and
    // GICD_SPENDSGIRn (§4.3.7).
    const notSgi = (i: number, bit: number) => bit !== 0 && i >= GIC_NR_SGIS;
    const razWi = () => 0;
    return [
      perIrq(
        'GICD_IGROUPR',
        0x080,
        1,
        (i) => at(s.group, i),
        (i, bit) => {
          s.group[i] = bit;
        },
      ),
      perIrq(
        'GICD_ISENABLER',
        0x100,
        1,
        (i) => at(s.enabled, i),
        (i, bit) => {
          if (notSgi(i, bit)) s.setEnabled(i, true);
        },
      ),
      perIrq(
        'GICD_ICENABLER',
        0x180,
        1,
        (i) => at(s.enabled, i),
        (i, bit) => {
          if (notSgi(i, bit)) s.setEnabled(i, false);
        },
      ),
      perIrq('GICD_ISPENDR', 0x200, 1, pending, (i, bit) => {
        if (notSgi(i, bit)) s.latch[i] = 1;
      }),
      // A level-sensitive interrupt whose input is still high stays pending.
      perIrq('GICD_ICPENDR', 0x280, 1, pending, (i, bit) => {
        if (notSgi(i, bit)) s.latch[i] = 0;
      }),
      perIrq(
        'GICD_ISACTIVER',
        0x300,
        1,
        (i) => at(s.active, i),
        (i, bit) => {
          if (bit) s.active[i] = 1;
        },
      ),
      // Deactivation here runs the notifiers too: a source waiting for the end of its interrupt (VFIO
      // resampling) must not wait forever because the guest chose this register over GICC_EOIR.
      perIrq(
        'GICD_ICACTIVER',
        0x380,
        1,
        (i) => at(s.active, i),
        (i, bit) => {
          if (bit && s.active[i]) this.hooks.deactivate(i);
        },
      ),
      perIrq(
        'GICD_IPRIORITYR',
        0x400,
        8,
        (i) => at(s.priority, i),
        (i, field) => {
          s.priority[i] = field;
        },
      ),
      perIrq('GICD_ITARGETSR', 0x800, 8, razWi, razWi),
      // Int_config[1]: edge (1) or level (0); Int_config[0] is reserved in GICv2.
      perIrq(
        'GICD_ICFGR',
        0xc00,
        2,
        (i) => at(s.edge, i) << 1,
        (i, field) => {
          if (i >= GIC_NR_SGIS) s.edge[i] = field >> 1;
        },
      ),
      // Non-secure access control exists only with Security Extensions.
      perIrq('GICD_NSACR', 0xe00, 2, razWi, razWi),
      perSgi('GICD_CPENDSGIR', 0xf10, (i, field) => {
        s.sgiSources[i] = at(s.sgiSources, i) & ~field;
      }),
      perSgi('GICD_SPENDSGIR', 0xf20, (i, field) => {
        s.sgiSources[i] = at(s.sgiSources, i) | (field & CPU0);
      }),
    ];
  }
}
