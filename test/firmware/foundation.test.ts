import { expect } from 'chai';
import { FoundationBoard } from '../../machines/foundation.js';
import { firmwarePath } from '../../src/firmware-path.js';

describe('firmware: foundation.elf on the foundation board', () => {
  for (const clock of ['deterministic', 'realtime'] as const) {
    it(`echoes MMIO, takes and masks IRQs, waits for a timer on WFI and powers off (${clock} clock)`, async () => {
      const board = new FoundationBoard({ clock });
      board.loadFirmware(firmwarePath('foundation'));
      const exit = await board.run({ untilNs: 5e9 });
      expect(board.harness.lines).to.deep.equal(['foundation: start', 'echo ok', 'irq ok', 'mask ok', 'timer ok', 'foundation: done']);
      expect(exit).to.deep.equal({ kind: 'stopped', reason: 'guest powered off (PSCI SYSTEM_OFF)', exitCode: 0 });
      expect(board.harness.irqCountSeen).to.equal(3);
      expect(board.harness.timerFiredAt).to.have.length(1);
      board.close();
    });
  }

  it('reports a guest that is not an ELF with the file name', () => {
    const board = new FoundationBoard();
    expect(() => board.loadFirmware(firmwarePath('spin').replace(/\.elf$/, '.bin'))).to.throw(/is not an AArch64 ELF executable: no ELF magic$/);
    board.close();
  });
});
