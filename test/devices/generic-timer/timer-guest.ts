// Guest code on a real vCPU with its generic timer and a run loop: the set-up of the generic-timer tests.
import { RunLoop } from '../../../src/core/run-loop.js';
import type { IrqLine } from '../../../src/core/irq.js';
import { GenericTimer } from '../../../devices/generic-timer/index.js';
import { guestWith } from '../../support/guest.js';

/** Virtual time the guest starts at: far enough from 0 for a negative TVAL to give a CVAL above 0. */
export const START_NS = 1_000_000;
export const NS_PER_TICK = 16;

/** Ends a guest run: an HVC no handler answers stops it. */
export const EXIT = 'hvc #0';

/** What the host saw at a guest `hvc #n` with n > 0 (`hvc #0` ends the run). */
export interface Checkpoint {
  imm: number;
  virtual: boolean;
  physical: boolean;
}

/** An IRQ line's changes with the virtual time of each. */
export interface Edge {
  level: boolean;
  ns: number;
}

/**
 * A vCPU running `code` at START_NS, with its GenericTimer on a RunLoop. VBAR_EL1 points at a table whose
 * IRQ entry (current EL, SPx) branches to `irq_handler:` when `code` defines one.
 */
export function timerGuest(code: string) {
  const handler = code.includes('irq_handler:') ? '' : 'irq_handler:\n  b .';
  const guest = guestWith(`
      adr x0, vectors
      msr vbar_el1, x0
      ${code}
    ${handler}
      .balign 2048
    vectors:
      .skip 0x280
      b irq_handler`);
  const loop = new RunLoop(guest.vcpu);
  const timer = new GenericTimer(guest.vcpu, loop);
  guest.vcpu.advanceClock(START_NS);
  const checkpoints: Checkpoint[] = [];
  guest.vcpu.onHypercall((_cpu, call) => {
    if (call.imm === 0) return false;
    checkpoints.push({ imm: call.imm, virtual: timer.virtualIrq.level, physical: timer.physicalIrq.level });
    return true;
  });
  /** Records the line's edges with their virtual time; `passThrough` still delivers them. */
  const watch = (line: IrqLine, passThrough = false): Edge[] => {
    const edges: Edge[] = [];
    line.intercept((level) => edges.push({ level, ns: loop.now() }), passThrough);
    return edges;
  };
  const reg = (name: string) => guest.vcpu.readRegister(name);
  return { ...guest, loop, timer, checkpoints, watch, reg };
}
