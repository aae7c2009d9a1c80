import { expect } from 'chai';
import { HostMemory } from '../../src/cpu/host-memory.js';
import { Vcpu } from '../../src/cpu/vcpu.js';
import { AddressSpace, BusError } from '../../src/memory/address-space.js';
import { CpuMemoryMap } from '../../src/memory/cpu-map.js';
import { formatMtree } from '../../src/memory/mtree.js';
import { MemoryRegion, type MemoryOps } from '../../src/memory/region.js';
import { assemble } from '../support/assemble.js';
import { FOREVER_NS } from '../support/guest.js';

const TIB = 2 ** 40;

/** I/O ops that answer `value + offset` and record writes. */
function scratch(value = 0x1000, extra: Partial<MemoryOps> = {}) {
  const writes: string[] = [];
  const ops: MemoryOps = {
    read: (offset) => value + offset,
    write: (offset, size, v) => void writes.push(`${offset.toString(16)}/${size}=${v.toString(16)}`),
    ...extra,
  };
  return { ops, writes };
}

const describeView = (space: AddressSpace) =>
  space.view.map((r) => `${r.start.toString(16)}+${r.size.toString(16)} ${r.region.name}@${r.regionOffset.toString(16)}`);

describe('memory regions and flat views', () => {
  it('lets the higher priority win where siblings overlap, and the later one on a tie', () => {
    const root = MemoryRegion.container('system', TIB);
    root.addSubregion(0x1000, MemoryRegion.io('low', 0x3000, scratch().ops), 0);
    root.addSubregion(0x2000, MemoryRegion.io('high', 0x1000, scratch().ops), 1);
    root.addSubregion(0x3000, MemoryRegion.io('tie', 0x2000, scratch().ops), 0);
    const space = new AddressSpace('memory', root);
    expect(describeView(space)).to.deep.equal(['1000+1000 low@0', '2000+1000 high@0', '3000+2000 tie@0']);
  });

  it('uncovers the region beneath when one is disabled, and shows it again when enabled', () => {
    const root = MemoryRegion.container('system', TIB);
    const io = MemoryRegion.container('dev', 0x2000);
    io.addSubregion(0, MemoryRegion.io('dev regs', 0x2000, scratch().ops));
    const fast = MemoryRegion.ramDevice('dev mmap', new HostMemory(0x2000));
    io.addSubregion(0, fast, 1);
    root.addSubregion(0x10000, io);
    const space = new AddressSpace('memory', root);
    expect(describeView(space)).to.deep.equal(['10000+2000 dev mmap@0']);
    fast.setEnabled(false);
    expect(describeView(space)).to.deep.equal(['10000+2000 dev regs@0']);
  });

  it('maps an alias onto a window of its target', () => {
    const root = MemoryRegion.container('system', TIB);
    const ram = MemoryRegion.ram('ram', new HostMemory(0x10000));
    root.addSubregion(0x4000_0000, ram);
    root.addSubregion(0x1000, MemoryRegion.alias('ram alias', ram, 0x2000, 0x3000));
    const space = new AddressSpace('memory', root);
    expect(describeView(space)).to.deep.equal(['1000+3000 ram@2000', '40000000+10000 ram@0']);
  });

  it('rejects regions that do not fit, are added twice or are added to a non-container', () => {
    const root = MemoryRegion.container('system', 0x10000);
    const dev = MemoryRegion.io('dev', 0x1000, scratch().ops);
    expect(() => root.addSubregion(0xf800, dev)).to.throw("memory region 'dev' at 0xf800+0x1000 does not fit in 'system' (size 0x10000)");
    root.addSubregion(0, dev);
    expect(() => root.addSubregion(0x2000, dev)).to.throw("memory region 'dev' is already in 'system'");
    // @ts-expect-error: only a container holds subregions
    expect(() => dev.addSubregion(0, MemoryRegion.io('x', 4, scratch().ops))).to.throw(TypeError); // eslint-disable-line @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call -- the call is the type error under test
    expect(() => MemoryRegion.alias('a', dev, 0x800, 0x1000)).to.throw("alias 'a': 0x800+0x1000 is outside 'dev' (size 0x1000)");
  });

  it('prints info mtree and the flat view in QEMU layout', () => {
    const root = MemoryRegion.container('system', TIB);
    root.addSubregion(0x0900_0000, MemoryRegion.io('pl011', 0x1000, scratch().ops));
    root.addSubregion(0x4000_0000, MemoryRegion.ram('mach-virt.ram', new HostMemory(0x10_0000)));
    const space = new AddressSpace('memory', root);
    expect(formatMtree(space)).to.equal(
      'address-space: memory\n' +
        '  0000000000000000-000000ffffffffff (prio 0, container): system\n' +
        '    0000000009000000-0000000009000fff (prio 0, i/o): pl011\n' +
        '    0000000040000000-00000000400fffff (prio 0, ram): mach-virt.ram\n',
    );
    expect(formatMtree(space, { flat: true })).to.equal(
      'FlatView for memory:\n' + '  0000000009000000-0000000009000fff (i/o): pl011\n' + '  0000000040000000-00000000400fffff (ram): mach-virt.ram\n',
    );
  });
});

describe('host accesses through an address space (DMA)', () => {
  it('reads and writes RAM and device registers as the guest would, crossing regions', () => {
    const root = MemoryRegion.container('system', TIB);
    const mem = new HostMemory(0x1000);
    root.addSubregion(0x1000, MemoryRegion.ram('ram', mem));
    const dev = scratch(0x4030_2010);
    root.addSubregion(0x2000, MemoryRegion.io('dev', 0x100, dev.ops));
    const space = new AddressSpace('memory', root);
    space.write(0x1ffe, Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect([...mem.bytes.subarray(0xffe)]).to.deep.equal([1, 2]);
    expect(dev.writes).to.deep.equal(['0/4=6050403']);
    expect([...space.read(0x2000, 4)]).to.deep.equal([0x10, 0x20, 0x30, 0x40]);
  });

  it('fails a DMA to nothing with a bus error naming the address', () => {
    const space = new AddressSpace('memory', MemoryRegion.container('system', TIB));
    expect(() => space.read(0x1234, 4)).to.throw(BusError, 'memory: read from unmapped address 0x1234');
  });

  it('applies valid access sizes, splitting to the implemented size and swapping big-endian devices', () => {
    const logs: string[] = [];
    const root = MemoryRegion.container('system', TIB);
    const narrow = scratch(0xab, { valid: { min: 4, max: 4 }, implMax: 1 });
    root.addSubregion(0x1000, MemoryRegion.io('narrow', 0x10, narrow.ops));
    const be = scratch(0x11223344, { endianness: 'big' });
    root.addSubregion(0x2000, MemoryRegion.io('be', 0x10, be.ops));
    const space = new AddressSpace('memory', root, (m) => logs.push(m));
    expect([...space.read(0x1000, 4)]).to.deep.equal([0xab, 0xac, 0xad, 0xae]); // four 1-byte reads
    expect([...space.read(0x1000, 2)]).to.deep.equal([0, 0]);
    expect(logs).to.deep.equal(["invalid 2-byte read of 'narrow' at offset 0x0: read as zero"]);
    expect([...space.read(0x2000, 4)]).to.deep.equal([0x11, 0x22, 0x33, 0x44]);
  });
});

describe('the vCPU map follows the flat view', () => {
  function machine() {
    const logs: string[] = [];
    const vcpu = new Vcpu({ log: (m) => logs.push(m), strictHypercalls: true });
    const root = MemoryRegion.container('system', TIB);
    const ram = new HostMemory(0x10_0000);
    root.addSubregion(0x4000_0000, MemoryRegion.ram('ram', ram));
    const space = new AddressSpace('memory', root, (m) => logs.push(m));
    space.addListener(new CpuMemoryMap(vcpu, (m) => logs.push(m())));
    return { vcpu, root, ram, space, logs };
  }

  it('maps RAM as pointers and devices as trapped pages, with holes in a page behaving as unmapped', () => {
    const { vcpu, root, ram, logs } = machine();
    const dev = scratch(0x500);
    root.addSubregion(0x0900_0000, MemoryRegion.io('small dev', 0x100, dev.ops));
    ram.bytes.set(
      assemble(`
        ldr x1, =0x09000000
        ldr w2, [x1, #8]        // the device
        ldr w3, [x1, #0x200]    // same page, past the device: nothing there
        str w2, [x1, #4]
        hvc #0`),
    );
    vcpu.pc = 0x4000_0000;
    expect(vcpu.run(FOREVER_NS).kind).to.equal('hypercall');
    expect(vcpu.readRegister('x2')).to.equal(0x508n);
    expect(vcpu.readRegister('x3')).to.equal(0n);
    expect(dev.writes).to.deep.equal(['4/4=508']);
    expect(logs).to.deep.equal(['guest read from unmapped physical address 0x9000200 (4 bytes): read as zero']);
    expect(
      vcpu
        .mappings()
        .filter((m) => m.kind !== 'shadow')
        .map((m) => `${m.base.toString(16)}+${m.size.toString(16)} ${m.kind}`),
    ).to.deep.equal(['9000000+1000 mmio', '40000000+100000 pointer']);
  });

  it('switches a device between the fast path and the trapped path by enabling its RAM-device region', () => {
    const { vcpu, root, ram } = machine();
    const regs = scratch(0x7000);
    const container = MemoryRegion.container('dev', 0x1000);
    container.addSubregion(0, MemoryRegion.io('dev regs', 0x1000, regs.ops));
    const backing = new HostMemory(0x1000);
    backing.view.setUint32(0, 0xfa57, true);
    const fast = MemoryRegion.ramDevice('dev mmap', backing);
    container.addSubregion(0, fast, 1);
    root.addSubregion(0x0a00_0000, container);
    ram.bytes.set(
      assemble(`
        ldr x1, =0x0a000000
      again:
        ldr w2, [x1]
        hvc #0
        b again`),
    );
    vcpu.pc = 0x4000_0000;
    vcpu.run(FOREVER_NS);
    expect(vcpu.readRegister('x2')).to.equal(0xfa57n);
    fast.setEnabled(false);
    vcpu.run(FOREVER_NS);
    expect(vcpu.readRegister('x2')).to.equal(0x7000n);
    fast.setEnabled(true);
    vcpu.run(FOREVER_NS);
    expect(vcpu.readRegister('x2')).to.equal(0xfa57n);
  });
});
