// The way a guest's loads and stores reach devices, without a vCPU: the vCPU's map of an address space
// (CpuMemoryMap) drives this stand-in, which dispatches each access as the engine would, to the same
// trapped handlers with the same offsets and sizes, unaligned ones included. An 8-byte access arrives as
// two 4-byte ones, as the engine splits it. Device harnesses and the fuzzer use it.
import type { HostMemory } from '../cpu/host-memory.js';
import type { MmioHandler, UnmappedAccess } from '../cpu/vcpu.js';
import type { AddressSpace } from '../memory/address-space.js';
import { CpuMemoryMap, type CpuMapTarget } from '../memory/cpu-map.js';
import type { InvalidAccessReporter } from '../memory/access.js';

/** A range of the map: host memory read and written directly, or a trapped range served by a handler. */
type Mapping = { start: number; size: number } & ({ memory: HostMemory; offset: number } | { handler: MmioHandler });

export class GuestPath implements CpuMapTarget {
  private mappings: Mapping[] = [];

  /** Follows `space` from now on; accesses to nothing go to `onUnmapped`, refused sizes to `report`. */
  constructor(
    space: AddressSpace,
    report: InvalidAccessReporter,
    private readonly onUnmapped: (access: UnmappedAccess) => number = () => 0,
  ) {
    space.addListener(new CpuMemoryMap(this, report));
  }

  read(address: number, size: 1 | 2 | 4 | 8): number {
    if (size === 8) return this.read(address, 4) + this.read(address + 4, 4) * 2 ** 32;
    const m = this.find(address);
    if (!m) return this.handleUnmapped({ address, size, write: false });
    if ('handler' in m) return m.handler.read(address - m.start, size);
    let value = 0;
    for (let b = 0; b < size; b++) {
      // A byte past the end of the mapping is NaN: this stand-in does not follow an access into the next range.
      const byte = m.memory.bytes[m.offset + address - m.start + b] ?? Number.NaN;
      value += byte * 2 ** (8 * b);
    }
    return value;
  }

  write(address: number, size: 1 | 2 | 4 | 8, value: number): void {
    if (size === 8) {
      this.write(address, 4, value % 2 ** 32);
      this.write(address + 4, 4, Math.floor(value / 2 ** 32) % 2 ** 32);
      return;
    }
    const m = this.find(address);
    if (!m) return void this.handleUnmapped({ address, size, write: true, value });
    if ('handler' in m) return m.handler.write(address - m.start, size, value);
    for (let b = 0; b < size; b++) m.memory.bytes[m.offset + address - m.start + b] = Math.floor(value / 2 ** (8 * b)) & 0xff;
  }

  // CpuMapTarget: what CpuMemoryMap asks of the vCPU.

  mapMemory(address: number, memory: HostMemory, offset = 0, size = memory.size - offset): void {
    this.place({ start: address, size, memory, offset });
  }

  mapMmio(address: number, size: number, handler: MmioHandler): number {
    this.place({ start: address, size, handler });
    return 0;
  }

  unmap(address: number, size: number): void {
    this.mappings = this.mappings.filter((m) => m.start + m.size <= address || address + size <= m.start);
  }

  handleUnmapped(access: UnmappedAccess): number {
    return this.onUnmapped(access);
  }

  /** A mapping replaces whatever it overlaps, as the engine's does. */
  private place(mapping: Mapping): void {
    this.unmap(mapping.start, mapping.size);
    this.mappings.push(mapping);
  }

  private find(address: number): Mapping | undefined {
    return this.mappings.find((m) => address >= m.start && address < m.start + m.size);
  }
}
