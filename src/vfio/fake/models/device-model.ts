// Behaviour models of the fake host's devices: the registers, IRQ lines and DMA of the hardware behind
// vfio-platform.
//
// The fast path, and why models sync. On a real host the guest reaches an mmap-able region (MMAP flag:
// page-aligned address and size) directly: its loads and stores go to the device with no VMM or kernel
// involvement. The fake keeps that property: mmap() returns a HostMemory whose bytes ARE the region, mapped
// into the guest, so a model never sees an individual access to it. Instead a model looks at what the guest
// wrote when `sync()` runs, and the kernel model calls it before every kernel-side event that could depend
// on it: UNMASK (directly or through the unmask eventfd), SET_IRQS, reset, read/write of any region through
// the device fd, and between run-loop iterations (the backend's dispatch()). So a guest that clears an
// interrupt source in a mapped register and then EOIs (UNMASK) is seen to have cleared it first, and the
// level IRQ does not fire a second time.
//
// Registers that need per-access semantics (write-1-to-clear status, FIFOs, read-to-clear, "start" bits
// that must act at once) cannot live in a mapped region: describe such a region without MMAP (an address or
// size that is not page aligned, as real SoCs do for small control blocks) and every access is trapped and
// reaches the model's `read`/`write` through the device fd. Read-only registers in a mapped region are
// restored by `sync()`, the only point where a model can notice a guest store to them.
import { JsonCheckError } from '../../../config/json-schema.js';
import { HostMemory } from '../../../cpu/host-memory.js';
import { at } from '../../../util/at.js';

/** What a model may do to the world outside its registers: IRQ lines, DMA through the IOMMU, logging. */
export interface ModelHost {
  readonly label: string;
  /** A level IRQ's line (asserted until the device deasserts it). */
  setIrqLevel(index: number, asserted: boolean): void;
  /** One edge on an edge IRQ. */
  pulseIrq(index: number): void;
  /** DMA through the container's mappings; false on a fault, which the host has already reported. */
  dmaRead(iova: number, into: Uint8Array): boolean;
  dmaWrite(iova: number, data: Uint8Array): boolean;
  /** The IOVA of the last DMA fault, for a model's fault register. */
  readonly lastFaultIova: number;
  log(message: string): void;
}

export interface ModelRegionSpec {
  size: number;
  /** The kernel reports MMAP: the region is backed by memory the guest maps. */
  mmap: boolean;
}

/** A region's storage: page-backed HostMemory when mapped, plain bytes when every access is trapped. */
export interface ModelRegion {
  readonly size: number;
  readonly memory: HostMemory | undefined;
  readonly bytes: Uint8Array;
  readonly view: DataView;
}

/** The base of every model: regions as byte storage, little-endian register accessors, trapped read/write. */
export abstract class DeviceModel {
  readonly regions: ModelRegion[];

  constructor(
    protected readonly host: ModelHost,
    specs: readonly ModelRegionSpec[],
  ) {
    this.regions = specs.map((spec) => {
      const memory = spec.mmap ? new HostMemory(spec.size) : undefined;
      const bytes = memory ? memory.bytes : new Uint8Array(spec.size);
      return { size: spec.size, memory, bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    });
  }

  /** A trapped read of 1, 2 or 4 bytes (the kernel's ioread8/16/32); the default reads the storage. */
  read(region: number, offset: number, size: 1 | 2 | 4): number {
    const view = this.view(region);
    return size === 4 ? view.getUint32(offset, true) : size === 2 ? view.getUint16(offset, true) : view.getUint8(offset);
  }

  /** A trapped write; the default stores into the storage. */
  write(region: number, offset: number, size: 1 | 2 | 4, value: number): void {
    const view = this.view(region);
    if (size === 4) view.setUint32(offset, value, true);
    else if (size === 2) view.setUint16(offset, value, true);
    else view.setUint8(offset, value);
  }

  /** Processes what the guest wrote to mapped regions since the last call. */
  abstract sync(): void;

  /** The hardware reset (the kernel's reset module): registers to their defaults, IRQ lines low. */
  abstract reset(): void;

  /**
   * The level IRQ `index` should have by the model's registers, for the fuzzer's invariant; undefined for a
   * line the model does not drive (the host's tests may).
   */
  expectedIrqLevel(_index: number): boolean | undefined {
    return undefined;
  }

  /** Region `region`'s storage; its own lookup rather than the generic at(), since every trapped access comes here. */
  private view(region: number): DataView {
    const found = this.regions[region];
    if (!found) throw new RangeError(`${this.constructor.name}: no region ${region}`);
    return found.view;
  }

  protected get32(region: number, offset: number): number {
    return this.view(region).getUint32(offset, true);
  }

  protected set32(region: number, offset: number, value: number): void {
    this.view(region).setUint32(offset, value >>> 0, true);
  }
}

/** Checks that a description gives a model the regions and IRQs it drives; `where` is `file: $.devices[i]`. */
export function expectShape(
  where: string,
  model: string,
  regions: readonly ModelRegionSpec[],
  irqs: readonly string[],
  want: { regions: ((r: ModelRegionSpec) => string | undefined)[]; irqs: string[] },
): void {
  const problems: string[] = [];
  if (regions.length !== want.regions.length) problems.push(`${where}.regions: model '${model}' needs ${want.regions.length} regions, got ${regions.length}`);
  else
    want.regions.forEach((check, i) => {
      const problem = check(at(regions, i));
      if (problem) problems.push(`${where}.regions[${i}]: model '${model}': ${problem}`);
    });
  if (irqs.join() !== want.irqs.join()) problems.push(`${where}.irqs: model '${model}' needs IRQs [${want.irqs.join(', ')}], got [${irqs.join(', ')}]`);
  if (problems.length) throw new JsonCheckError(problems);
}
