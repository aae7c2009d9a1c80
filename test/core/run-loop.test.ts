import { expect } from 'chai';
import { FoundationBoard, FOUNDATION_RAM_BASE } from '../../machines/foundation.js';
import { VIRT_MEMMAP } from '../../machines/virt/memory-map.js';
import { VirtMachine } from '../../machines/virt/virt-machine.js';
import { RunLoop } from '../../src/core/run-loop.js';
import { MemoryRegion } from '../../src/memory/region.js';
import { assemble } from '../support/assemble.js';
import { POWER_OFF } from '../support/guest.js';

// Guest: arm the harness timer for x20 ns, WFI until its IRQ was handled, then power off. The handler acks the
// timer (W1C), lowers the line and records the counter value.
const WAIT_FOR_TIMER = `
  adr x0, vectors
  msr vbar_el1, x0
  ldr x8, =0x0a000000
  str w20, [x8, #8]              // TIMER_NS
  msr daifclr, #2
wait:
  wfi
  cbz x5, wait
  ${POWER_OFF}
irq_handler:
  mov w1, #1
  str w1, [x8, #0xc]             // STATUS: W1C
  str wzr, [x8, #4]              // lower the line
  mrs x6, cntvct_el0
  add x5, x5, #1
  eret
  .balign 2048
vectors:
  .skip 0x280
  b irq_handler
`;

function timerGuest(clock: 'deterministic' | 'realtime', delayNs: number) {
  const board = new FoundationBoard({ clock });
  board.ram.write(0, assemble(WAIT_FOR_TIMER));
  board.vcpu.pc = FOUNDATION_RAM_BASE;
  board.vcpu.writeRegister('x20', delayNs);
  return { vcpu: board.vcpu, loop: board.loop, harness: board.harness };
}

describe('run loop', () => {
  it('fires a timer at its virtual deadline and skips idle time on WFI in deterministic mode', async () => {
    const { vcpu, loop, harness } = timerGuest('deterministic', 1_000_000_000);
    const exit = await loop.run();
    expect(exit.kind).to.equal('stopped');
    expect(harness.timerFiredAt).to.have.length(1);
    expect(harness.timerFiredAt[0]).to.be.within(1e9, 1e9 + 1000);
    // One virtual second passed while only a few instructions ran: the idle time was skipped.
    expect(vcpu.instructionCount).to.be.below(1000);
    expect(Number(vcpu.readRegister('x6'))).to.be.within(1e9 / 16, 1e9 / 16 + 100);
  });

  it('gives the same trace for the same program in deterministic mode', async () => {
    const trace = async () => {
      const { vcpu, loop, harness } = timerGuest('deterministic', 12_345);
      await loop.run();
      return [harness.timerFiredAt, vcpu.instructionCount, vcpu.readRegister('x6')];
    };
    expect(await trace()).to.deep.equal(await trace());
  });

  it('sleeps on the host clock in real-time mode until the timer is due', async () => {
    const { vcpu, loop, harness } = timerGuest('realtime', 30_000_000);
    const start = performance.now();
    const exit = await loop.run();
    expect(exit.kind).to.equal('stopped');
    expect(performance.now() - start).to.be.at.least(29);
    expect(harness.timerFiredAt[0]).to.be.at.least(30e6);
    expect(vcpu.instructionCount).to.be.below(1000, 'slept in WFI rather than spinning');
  });

  it('wakes an idle guest for a host event delivered by the event loop', async () => {
    const { vcpu, loop, harness } = timerGuest('realtime', 0); // TIMER_NS 0: no timer
    setTimeout(() => {
      harness.irq(0).raise();
      loop.wake();
    }, 20);
    const exit = await loop.run();
    expect(exit.kind).to.equal('stopped');
    expect(vcpu.readRegister('x5')).to.equal(1n);
  });

  it('ends at a virtual time limit and on stop(), with the reason and exit code', async () => {
    const { loop } = timerGuest('deterministic', 5e9);
    expect(await loop.run({ untilNs: 1e6 })).to.deep.equal({ kind: 'time-limit' });
    loop.timers.create('power off', () => loop.stop('guest powered off', 0)).arm(2e6);
    expect(await loop.run()).to.deep.equal({ kind: 'stopped', reason: 'guest powered off', exitCode: 0 });
  });

  it('shortens the current slice when a device arms an earlier timer during it', async () => {
    // 200 us timer armed by the guest while the slice was planned for 10 ms: it must fire on time.
    const { loop, harness } = timerGuest('deterministic', 200_000);
    await loop.run();
    expect(harness.timerFiredAt[0]).to.be.within(200_000, 201_000);
  });

  it('makes every MMIO access exactly once in real-time mode, however often a deadline stops the guest', async () => {
    // A deadline stop landing inside a block that makes an MMIO access used to make the engine resume at the
    // block's start: instructions and accesses repeated or lost (here: extra writes, the loop count lost).
    const writes = 20_000;
    const vm = new VirtMachine({ clock: 'realtime', log: () => {} });
    const loop = new RunLoop(vm.vcpu, { maxSliceNs: 20_000 });
    const seen: number[] = [];
    const device = { read: () => 0, write: (_offset: number, _size: number, value: number) => (value === 0xffff ? loop.stop('done') : void seen.push(value)) };
    vm.system.addSubregion(0x0a10_0000, MemoryRegion.io('counter', 0x1000, device));
    vm.ram.write(
      0,
      assemble(`
      ldr x8, =0x0a100000
      ldr x2, =${writes}
    again:
      ldr w4, [x8, #4]
      tbnz w4, #5, again
      add x3, x3, #1
      str w3, [x8]
      subs x2, x2, #1
      b.ne again
      ldr w3, =0xffff
      str w3, [x8]
    spin:
      b spin`),
    );
    vm.vcpu.pc = VIRT_MEMMAP.ram.base;
    const exit = await loop.run();
    vm.close();
    expect(exit).to.deep.equal({ kind: 'stopped', reason: 'done', exitCode: 0 });
    expect(seen.length).to.equal(writes);
    expect(seen.findIndex((value, i) => value !== i + 1)).to.equal(-1, 'the first write out of order');
  });
});
