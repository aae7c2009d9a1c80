import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootVirt } from '../../machines/virt/boot.js';
import { VirtMachine } from '../../machines/virt/virt-machine.js';
import { findNode, getString, parseDtb } from '../../src/fdt/index.js';
import type { MemoryChardev } from '../../src/chardev/index.js';
import { firmwarePath } from '../../src/firmware-path.js';
import { assemble } from '../support/assemble.js';
import { POWER_OFF } from '../support/guest.js';

// A guest that checks x0 points at a DTB (magic 0xd00dfeed, big-endian) and says so on the PL011.
const CHECK_DTB = `
  ldr x9, =0x09000000
  ldr w1, [x0]
  ldr w2, =0xedfe0dd0           // 0xd00dfeed read little-endian
  cmp w1, w2
  mov w1, #'n'
  mov w3, #'y'
  csel w1, w3, w1, eq
  str w1, [x9]
  ${POWER_OFF}`;

/** A Linux arm64 Image: the 64-byte header (text_offset 0, image_size set, "ARM\\x64") then `code`. */
function arm64Image(code: Uint8Array): Uint8Array {
  const image = new Uint8Array(64 + code.length);
  const view = new DataView(image.buffer);
  view.setUint32(0, 0x1400_0010, true); // b +64: over the header
  view.setBigUint64(8, 0n, true); // text_offset
  view.setBigUint64(16, BigInt(image.length), true); // image_size
  view.setUint32(56, 0x644d_5241, true); // "ARM\x64"
  image.set(code, 64);
  return image;
}

describe('virt boot', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'armvirt-boot-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a Linux arm64 Image 2 MiB into RAM, the initrd after it, the DTB at the start of RAM, x0 = DTB', async () => {
    const kernel = join(dir, 'Image');
    writeFileSync(kernel, arm64Image(assemble(CHECK_DTB, 0x4020_0040)));
    const initrd = join(dir, 'initrd');
    writeFileSync(initrd, new Uint8Array(5000).fill(7));
    const vm = new VirtMachine({ ramSize: 64 * 1024 * 1024, clock: 'deterministic', log: () => {} });
    const layout = bootVirt(vm, { kernel, initrd, bootargs: 'console=ttyAMA0 quiet' });
    expect(layout.entry).to.equal(0x4020_0000);
    expect(layout.initrd).to.deep.equal({ start: 0x4040_0000, end: 0x4040_0000 + 5000 });
    expect(layout.dtb.start).to.equal(0x4000_0000);
    expect(vm.vcpu.readRegister('x0')).to.equal(0x4000_0000n);
    const tree = parseDtb(vm.ram.read(0, layout.dtb.end - layout.dtb.start));
    const chosen = findNode(tree, '/chosen')!;
    expect(getString(chosen, 'bootargs')).to.equal('console=ttyAMA0 quiet');
    expect([...chosen.properties.keys()]).to.include.members(['linux,initrd-start', 'linux,initrd-end']);
    expect(await vm.run({ untilNs: 1e9 })).to.include({ kind: 'stopped' });
    expect((vm.uart.chardev as MemoryChardev).output).to.equal('y');
    vm.close();
  });

  it('boots an ELF at its entry point', () => {
    const vm = new VirtMachine({ ramSize: 16 * 1024 * 1024, clock: 'deterministic', log: () => {} });
    const layout = bootVirt(vm, { kernel: firmwarePath('spin') });
    expect(layout.entry).to.equal(0x4000_0000);
    expect(layout.dtb.start).to.be.at.least(0x4020_0000); // no room below the image: after it
    vm.close();
  });

  it('names a kernel that is neither ELF nor Image, and a missing file', () => {
    const vm = new VirtMachine({ log: () => {} });
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'not a kernel');
    expect(() => bootVirt(vm, { kernel: junk })).to.throw(`kernel '${junk}' is neither an AArch64 ELF nor a Linux arm64 Image`);
    expect(() => bootVirt(vm, { kernel: join(dir, 'missing') })).to.throw(`cannot read kernel '${join(dir, 'missing')}': no such file`);
    vm.close();
  });
});
