import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVirtDtb } from '../../machines/virt/virt-fdt.js';
import { VirtMachine } from '../../machines/virt/virt-machine.js';
import { printDts } from '../../src/fdt/dts-printer.js';
import { matchGolden, UPDATE_COMMAND } from '../support/golden.js';

function virtDts(ramSize: number, bootargs?: string): string {
  const vm = new VirtMachine({ ramSize, log: () => {} });
  const dts = printDts(buildVirtDtb(vm, bootargs === undefined ? {} : { bootargs }));
  vm.close();
  return dts;
}

describe('golden guest device trees', () => {
  it('virt, 128 MiB, no boot arguments', () => {
    matchGolden('virt-128M.dts', virtDts(128 * 1024 * 1024));
  });

  it('virt, 512 MiB, with boot arguments', () => {
    matchGolden('virt-512M-bootargs.dts', virtDts(512 * 1024 * 1024, 'console=ttyAMA0 earlycon'));
  });

  it('shows the difference and the update command when the generated tree changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'armvirt-golden-test-'));
    try {
      writeFileSync(join(dir, 'x.dts'), '/ {\n\tmodel = "a";\n};\n');
      expect(() => matchGolden('x.dts', '/ {\n\tmodel = "b";\n};\n', { dir, update: false }))
        .to.throw(/-\tmodel = "a";\n\+\tmodel = "b";/)
        .with.property('message')
        .that.contains(`run '${UPDATE_COMMAND}' and commit the golden files on their own`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
