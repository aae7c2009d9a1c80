import { expect } from 'chai';
import { closeSync, constants as fsConstants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { native } from '../../../src/cpu/native.js';
import { Vcpu } from '../../../src/cpu/vcpu.js';
import { AddressSpace } from '../../../src/memory/address-space.js';
import { CpuMemoryMap } from '../../../src/memory/cpu-map.js';
import { MemoryRegion } from '../../../src/memory/region.js';
import { mapShared } from '../../../src/vfio/linux/map-shared.js';
import { FOREVER_NS, guestWith } from '../../support/guest.js';
import { expectVfioError } from './expect-vfio-error.js';

// A regular file through the mmap path device regions take: the memory must alias the file both ways.
describe('shared mappings of a file (the device-region mmap path)', () => {
  let dir: string;
  let path: string;
  let fd: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'armvirt-mmap-'));
    path = join(dir, 'region.bin');
    writeFileSync(path, Buffer.alloc(3 * 0x1000));
    fd = native.vfio.open(path, fsConstants.O_RDWR);
  });
  afterEach(() => {
    native.vfio.close(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('aliases the file: stores reach it and its writes show up, at the mapped offset', () => {
    const memory = mapShared(fd, 0x1000, 0x1000, true, path);
    expect(memory.size).to.equal(0x1000);
    memory.view.setUint32(0x10, 0xcafe_f00d, true);
    expect(readFileSync(path).readUInt32LE(0x1010)).to.equal(0xcafe_f00d);

    const writer = openSync(path, 'r+');
    writeSync(writer, Buffer.from([0xab]), 0, 1, 0x1020);
    closeSync(writer);
    expect(memory.bytes[0x20]).to.equal(0xab);
    memory.release();
  });

  it('is memory the guest maps directly, as a ram-device region would be', () => {
    const memory = mapShared(fd, 0, 0x1000, true, path);
    expect(MemoryRegion.ramDevice('region', memory).size).to.equal(0x1000);
    memory.view.setUint32(0, 41, true);
    const { vcpu } = guestWith(`
      ldr x1, =0x0a000000
      ldr w2, [x1]
      add w2, w2, #1
      str w2, [x1, #4]
      hvc #0`);
    vcpu.mapMemory(0x0a00_0000, memory);
    expect(vcpu.run(FOREVER_NS).kind).to.equal('hypercall');
    expect(readFileSync(path).readUInt32LE(4)).to.equal(42);
    vcpu.close();
  });

  it('release() unmaps now and leaves an empty buffer instead of a dangling one', () => {
    const memory = mapShared(fd, 0, 0x2000, true, path);
    memory.bytes[0] = 7;
    memory.release();
    expect(memory.buffer.byteLength).to.equal(0);
    expect(memory.bytes.length).to.equal(0);
    expect(memory.bytes[0]).to.equal(undefined);
    memory.release();
    expect(readFileSync(path)[0]).to.equal(7);
  });

  it('is not released while a vCPU maps it: the refusal names the file, the vCPU and the guest address', () => {
    const memory = mapShared(fd, 0, 0x2000, true, path);
    const vcpu = new Vcpu();
    try {
      vcpu.mapMemory(0x0a00_0000, memory, 0x1000, 0x1000);
      expect(() => memory.release()).to.throw(
        Error,
        new RegExp(`^cannot unmap ${path}: .* still mapped by vCPU \\d+ at guest physical address 0xa000000: unmap it from the guest`),
      );
      memory.bytes[0x1000] = 5; // still mapped on the host, and still the guest's
      expect(vcpu.readMemory(0x0a00_0000, 1)[0]).to.equal(5);
      vcpu.unmap(0x0a00_0000, 0x1000);
      memory.release();
      expect(memory.buffer.byteLength).to.equal(0);
      expect(readFileSync(path)[0x1000]).to.equal(5);
    } finally {
      vcpu.close();
    }
  });

  it('is released once the vCPU that mapped it is closed, also when it is unmapped from the guest after that', () => {
    const memory = mapShared(fd, 0, 0x1000, true, path);
    const root = MemoryRegion.container('system', 2 ** 40);
    const space = new AddressSpace('memory', root);
    const vcpu = new Vcpu();
    space.addListener(new CpuMemoryMap(vcpu));
    const region = MemoryRegion.ramDevice('region', memory);
    root.addSubregion(0x0a00_0000, region);
    vcpu.mapMemory(0x0b00_0000, memory); // a second mapping of the same memory
    expect(() => memory.release()).to.throw(/still mapped by vCPU/);
    vcpu.close();
    memory.release();
    expect(memory.buffer.byteLength).to.equal(0);
    root.removeSubregion(region); // device teardown after the vCPU's: nothing left to unmap
  });

  it('refuses unaligned ranges, and names the file when the kernel refuses', () => {
    expectVfioError(() => mapShared(fd, 0x800, 0x1000, true, path), 'EINVAL', /page-aligned/);
    expectVfioError(() => mapShared(fd, 0, 0x1800, true, path), 'EINVAL', /page-aligned/);
    const readOnly = openSync(path, 'r');
    try {
      const error = expectVfioError(() => mapShared(readOnly, 0, 0x1000, true, 'read-only file'), 'EACCES');
      expect(error.operation).to.equal('mmap read-only file');
      expect(mapShared(readOnly, 0, 0x1000, false, 'read-only file').size).to.equal(0x1000);
    } finally {
      closeSync(readOnly);
    }
  });

  it('only unmaps buffers it mapped', () => {
    expect(() => native.unmapSharedFile(new ArrayBuffer(0x1000))).to.throw(TypeError, /not made by mapSharedFile/);
  });
});
