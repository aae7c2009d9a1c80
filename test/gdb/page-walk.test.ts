import { expect } from 'chai';
import { translate, type TranslationRegisters } from '../../src/gdb/page-walk.js';

/** Page tables as a sparse map of 8-byte descriptors by physical address. */
class Tables {
  readonly words = new Map<bigint, bigint>();
  set(table: bigint, index: bigint, descriptor: bigint): this {
    this.words.set(table + index * 8n, descriptor);
    return this;
  }
  read = (pa: bigint) => this.words.get(pa) ?? (pa < 0x5000_0000n ? 0n : undefined);
}

const TABLE = 3n;
const PAGE = 3n | (1n << 10n);
const BLOCK = 1n | (1n << 10n);
const MMU_ON = 1n;

/** TCR_EL1 fields: T0SZ, TG0 (0 4K, 1 64K, 2 16K), T1SZ, TG1 (1 16K, 2 4K, 3 64K), EPD1, TBI0. */
function tcr(f: { t0sz: number; tg0?: number; t1sz?: number; tg1?: number; epd1?: boolean; tbi0?: boolean }): bigint {
  return (
    BigInt(f.t0sz) |
    (BigInt(f.tg0 ?? 0) << 14n) |
    (BigInt(f.t1sz ?? 16) << 16n) |
    (BigInt(f.tg1 ?? 2) << 30n) |
    (f.epd1 ? 1n << 23n : 0n) |
    (f.tbi0 ? 1n << 37n : 0n)
  );
}

describe('AArch64 stage 1 translation for the debugger', () => {
  it('is the identity with the MMU off, up to the 48-bit physical space', () => {
    const regs: TranslationRegisters = { sctlr: 0n, tcr: 0n, ttbr0: 0n, ttbr1: 0n };
    expect(translate(0x4000_1234n, regs, () => undefined)).to.deep.equal({ physical: 0x4000_1234n, size: (1n << 48n) - 0x4000_1234n });
    expect(translate(0xffff_0000_0000_0000n, regs, () => undefined))
      .to.have.property('fault')
      .that.matches(/beyond the physical address space/);
  });

  it('walks 4K pages through TTBR1 for a 39-bit kernel address, and 1G and 2M blocks through TTBR0', () => {
    const t = new Tables()
      .set(0x4000_1000n, 1n, 0x4000_2000n | TABLE) // TTBR1 L1[1] -> L2
      .set(0x4000_2000n, 0n, 0x4000_3000n | TABLE) // L2[0] -> L3
      .set(0x4000_3000n, 5n, 0x4123_4000n | PAGE) // L3[5] -> page
      .set(0x4000_0000n, 1n, 0x4000_0000n | BLOCK) // TTBR0 L1[1]: 1G block at 1G
      .set(0x4000_0000n, 2n, 0x4000_4000n | TABLE) // TTBR0 L1[2] -> L2
      .set(0x4000_4000n, 3n, 0x4060_0000n | BLOCK); // L2[3]: 2M block
    const regs = { sctlr: MMU_ON, tcr: tcr({ t0sz: 25, t1sz: 25 }), ttbr0: 0x4000_0000n, ttbr1: 0x4000_1000n };
    expect(translate(0xffff_ff80_4000_5678n, regs, t.read)).to.deep.equal({ physical: 0x4123_4678n, size: 0x988n });
    expect(translate(0x4abc_def0n, regs, t.read)).to.deep.equal({ physical: 0x4abc_def0n, size: 0x8000_0000n - 0x4abc_def0n });
    expect(translate(0x8061_0000n, regs, t.read)).to.deep.equal({ physical: 0x4061_0000n, size: 0x1f_0000n });
    expect(translate(0xffff_ff80_4000_6000n, regs, t.read))
      .to.have.property('fault')
      .that.matches(/not mapped \(level 3/);
    expect(translate(0x1_0000_0000n, regs, t.read))
      .to.have.property('fault')
      .that.matches(/not mapped \(level 1/);
  });

  it("walks four levels for a Linux kernel's 48-bit TTBR1 address (4K granule, level 0 first)", () => {
    // 0xffff800080001234: L0[256] L1[2] L2[0] L3[1]
    const t = new Tables()
      .set(0x4000_0000n, 256n, 0x4000_1000n | TABLE)
      .set(0x4000_1000n, 2n, 0x4000_2000n | TABLE)
      .set(0x4000_2000n, 0n, 0x4000_3000n | TABLE)
      .set(0x4000_3000n, 1n, 0x4321_0000n | PAGE);
    const regs = { sctlr: MMU_ON, tcr: tcr({ t0sz: 16, t1sz: 16 }), ttbr0: 0n, ttbr1: 0x4000_0000n };
    expect(translate(0xffff_8000_8000_1234n, regs, t.read)).to.deep.equal({ physical: 0x4321_0234n, size: 0xdccn });
  });

  it('refuses addresses outside both ranges, and those whose walk TCR_EL1.EPD1 disables', () => {
    const regs = { sctlr: MMU_ON, tcr: tcr({ t0sz: 25, t1sz: 25, epd1: true }), ttbr0: 0x4000_0000n, ttbr1: 0n };
    expect(translate(0x0000_8000_0000_0000n, regs, () => 0n))
      .to.have.property('fault')
      .that.matches(/outside both translation ranges/);
    expect(translate(0xffff_ff80_0000_0000n, regs, () => 0n))
      .to.have.property('fault')
      .that.matches(/EPD1/);
  });

  it('ignores the top byte when TBI0 is set', () => {
    const t = new Tables().set(0x4000_0000n, 1n, 0x4000_0000n | BLOCK);
    const regs = { sctlr: MMU_ON, tcr: tcr({ t0sz: 25, tbi0: true }), ttbr0: 0x4000_0000n, ttbr1: 0n };
    expect(translate(0x5a00_0000_4000_0010n, regs, t.read)).to.deep.include({ physical: 0x4000_0010n });
    const strict = { ...regs, tcr: tcr({ t0sz: 25 }) };
    expect(translate(0x5a00_0000_4000_0010n, strict, t.read)).to.have.property('fault');
  });

  it('walks the 16K granule from level 1 (47 bits) and the 64K granule from level 2 (42 bits)', () => {
    // 16K: L1 index VA[46:36], L2 VA[35:25], L3 VA[24:14].
    const va16 = (1n << 36n) * 3n + (1n << 25n) * 4n + (1n << 14n) * 5n + 0x123n;
    const t16 = new Tables()
      .set(0x4000_0000n, 3n, 0x4000_4000n | TABLE)
      .set(0x4000_4000n, 4n, 0x4000_8000n | TABLE)
      .set(0x4000_8000n, 5n, 0x4200_0000n | PAGE);
    const regs16 = { sctlr: MMU_ON, tcr: tcr({ t0sz: 17, tg0: 2 }), ttbr0: 0x4000_0000n, ttbr1: 0n };
    expect(translate(va16, regs16, t16.read)).to.deep.equal({ physical: 0x4200_0123n, size: 0x4000n - 0x123n });
    // 64K: L2 index VA[41:29], L3 VA[28:16]; a level 2 block is 512M.
    const va64 = (1n << 29n) * 7n + (1n << 16n) * 2n + 0x10n;
    const t64 = new Tables()
      .set(0x4001_0000n, 7n, 0x4002_0000n | TABLE)
      .set(0x4002_0000n, 2n, 0x4440_0000n | PAGE)
      .set(0x4001_0000n, 8n, 0x6000_0000n | BLOCK);
    const regs64 = { sctlr: MMU_ON, tcr: tcr({ t0sz: 22, tg0: 1 }), ttbr0: 0x4001_0000n, ttbr1: 0n };
    expect(translate(va64, regs64, t64.read)).to.deep.equal({ physical: 0x4440_0010n, size: 0x1_0000n - 0x10n });
    expect(translate((1n << 29n) * 8n + 0x42n, regs64, t64.read)).to.deep.include({ physical: 0x6000_0042n });
  });

  it('says when a table entry is not in RAM or a descriptor is reserved', () => {
    const regs = { sctlr: MMU_ON, tcr: tcr({ t0sz: 25 }), ttbr0: 0x9000_0000n, ttbr1: 0n };
    expect(translate(0x1000n, regs, () => undefined))
      .to.have.property('fault')
      .that.matches(/level 1 table entry .* at 0x90000000 is not in RAM/);
    const t = new Tables()
      .set(0x4000_0000n, 0n, 0x4000_1000n | TABLE)
      .set(0x4000_1000n, 0n, 0x4000_2000n | TABLE)
      .set(0x4000_2000n, 0n, 0x4300_0000n | 1n);
    expect(translate(0n, { ...regs, ttbr0: 0x4000_0000n }, t.read))
      .to.have.property('fault')
      .that.matches(/reserved level 3 descriptor/);
  });
});
