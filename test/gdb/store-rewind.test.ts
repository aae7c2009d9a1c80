import { expect } from 'chai';
import { isPlainStore } from '../../src/gdb/store-rewind.js';
import { assemble } from '../support/assemble.js';

/** Instruction words of `lines`, one each. */
function words(lines: string[]): number[] {
  const bytes = Buffer.from(assemble(lines.join('\n')));
  return lines.map((_, i) => bytes.readUInt32LE(4 * i));
}

describe('which stores a watchpoint stop can be shown before (gdb sees what QEMU shows)', () => {
  it('takes stores that write memory and nothing else', () => {
    const plain = [
      'str x1, [x0, #8]',
      'stur w1, [x0, #-4]',
      'strb w1, [x0, x2]',
      'strh w1, [x0]',
      'str q0, [x0, #32]',
      'str d1, [x0]',
      'stp x1, x2, [sp, #16]',
      'stnp x1, x2, [x0]',
      'stlr x1, [x0]',
    ];
    expect(words(plain).map(isPlainStore)).to.deep.equal(plain.map(() => true));
  });

  it('refuses loads, stores that write a register back, and exclusive stores', () => {
    const others = [
      'ldr x1, [x0]',
      'ldrsw x1, [x0]',
      'ldr q0, [x0]',
      'ldp x1, x2, [x0]',
      'prfm pldl1keep, [x0]',
      'stp x29, x30, [sp, #-16]!',
      'str x1, [x0], #8',
      'str w1, [x0, #4]!',
      'stxr w3, x2, [x1]',
      'stlxr w3, x2, [x1]',
      'add x1, x1, #1',
    ];
    expect(words(others).map(isPlainStore)).to.deep.equal(others.map(() => false));
  });
});
