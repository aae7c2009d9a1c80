import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const probes = fileURLToPath(new URL('../../../native/probes', import.meta.url));

/** What probe `name` (native/probes/NAME.c, built against the engine the addon links) prints. */
function probe(name: string): string {
  return spawnSync(join(probes, 'build', name), { encoding: 'utf8', timeout: 60_000 }).stdout;
}

/**
 * The engine facts armvirt is built on, each shown by a probe, with what armvirt does about it
 * (docs/engine.md). A fact that changes with a new engine fails here, naming the code to revisit.
 */
describe('the engine, as armvirt relies on it (native/probes)', function () {
  this.timeout(120_000);
  before(() => execFileSync('make', ['-s', '-C', probes], { stdio: 'inherit' }));

  it('translates before checking the physical map: no shadow regions are needed for MMU-on accesses', () => {
    expect(probe('va_mapped_check')).to.equal('translated access to a VA with nothing at the same PA: works\n');
  });

  it('runs an unimplemented register again forever when a hook skips it: the sysreg hook moves PC itself', () => {
    expect(probe('sysreg_skip')).to.equal(
      'hook returning 1 for an unimplemented register: runs it again forever\nhook returning 1 for an implemented register: steps past it\n',
    );
  });

  it("crawls in an uncounted run after a counted one: deadlines never use uc_emu_start's count", () => {
    expect(probe('counted_runs')).to.match(/^uncounted run after a counted one: crawls /);
  });

  it('can stop right after a memory access when stopped from another thread, replaying the block: deadlines stop from the block hook', () => {
    expect(probe('cross_thread_stop')).to.equal('a stop from another thread: can land right after a memory access and replay the block\n');
  });

  it('kills the process on a CP_REG read of a register without storage: registers are read by id from a table', () => {
    expect(probe('cp_reg_read')).to.equal('CP_REG read of CurrentEL: kills the process (signal 6)\n');
  });

  it('honours a stop asked after a hook moved PC: an exception stop needs no deadline of its own', () => {
    expect(probe('stop_after_pc_write')).to.equal('stop asked after a hook moved PC in the same block: honoured\n');
  });

  it('keeps the syndrome only in a saved context, and loses the one a helper raises', () => {
    expect(probe('syndrome')).to.equal(
      'syndrome of svc #0x5a5a in the saved context: found\nsyndrome of a trapped msr daifset at EL0 (0x620793e4 on hardware): 0x0\n',
    );
  });

  it('ignores timer register writes and counts on the host clock: the generic timer is modelled by the VMM', () => {
    expect(probe('generic_timer')).to.equal(
      'CNTV_CTL_EL0 after writing 1: 0\nCNTVCT_EL0 across 20 ms of host time and one instruction: advances with the host clock\n',
    );
  });

  it('splits 64-bit MMIO accesses and shows the block start as PC in an MMIO callback: devices see 32-bit halves, and PCs are "near"', () => {
    expect(probe('mmio_accesses')).to.equal(
      'a 64-bit load from MMIO reaches the callback as: 2 accesses of 4 and 4 bytes\nPC inside an MMIO callback: the start of the block\n',
    );
  });

  it('does not check alignment for SCTLR_EL1.A', () => {
    expect(probe('alignment_check')).to.equal('unaligned load with SCTLR_EL1.A set: completes\n');
  });
});
