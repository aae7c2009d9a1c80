// A device type of the type registry as a fuzz target: created through its profile in a device harness,
// then driven with guest loads and stores as the vCPU makes them (any region, offset, size and alignment,
// biased towards the offsets of registers), virtual-time steps, resets and the profile's own events.
import { PAGE_SIZE } from '../../cpu/host-memory.js';
import { RegisterBank } from '../../regs/bank.js';
import type { MemoryRegion } from '../../memory/region.js';
import { defaultRegistry, type TypeRegistry } from '../../qom/types.js';
import type { DeviceHarness } from '../device-harness.js';
import { fuzzProfileFor, type DeviceFuzzRun } from './profile.js';
import type { Rng } from './rng.js';
import { runWeighted, type FuzzAction, type FuzzTarget, type FuzzTargetFactory, type Recorder } from './target.js';

const SIZES = [1, 2, 4, 4, 4, 8] as const;
/** Registers found by scanning a bank region, up to this many bytes of it. */
const SCAN_LIMIT = 0x1_0000;

interface FuzzedRegion {
  base: number;
  size: number;
  hot: readonly number[];
}

export function deviceFuzzTarget(typeName: string, registry: TypeRegistry = defaultRegistry): FuzzTargetFactory {
  const profile = fuzzProfileFor(registry.get(typeName));
  return (rng) => new DeviceFuzzTarget(profile(typeName, rng, { registry, onLog: touch }));
}

/** Builds every message a device logs (a message that throws is a bug too) and keeps none. */
function touch(message: () => string): void {
  message();
}

class DeviceFuzzTarget implements FuzzTarget {
  private readonly harness: DeviceHarness;
  private readonly regions: FuzzedRegion[];
  private readonly actions: FuzzAction[];
  /** The last value read: written back slightly changed, it reaches states uniform values rarely do. */
  private lastRead = 0;

  readonly invariant: string;

  constructor(private readonly run: DeviceFuzzRun) {
    this.harness = run.harness;
    this.invariant = run.invariant ?? 'no exception escapes';
    this.regions = this.harness.device.mmioRegions.map((region, n) => ({
      base: this.harness.device.mmioAddress(n) ?? 0,
      size: region.size,
      hot: [...registerOffsets(region), ...(run.hotOffsets?.[n] ?? [])],
    }));
    this.actions = [
      { weight: 40, run: (rng, record) => this.guestRead(rng, record) },
      { weight: 40, run: (rng, record) => this.guestWrite(rng, record) },
      { weight: 8, run: (rng, record) => this.timeStep(rng, record) },
      { weight: 0.05, run: (_rng, record) => (record?.('device reset'), this.harness.device.reset(), 0) },
      ...(run.actions ?? []),
    ];
  }

  step(rng: Rng, record: Recorder): number {
    return runWeighted(this.actions, rng, record);
  }

  check(): string | undefined {
    return this.run.check?.();
  }

  close(): void {
    this.run.close?.();
  }

  private guestRead(rng: Rng, record: Recorder): number {
    if (this.regions.length === 0) return 0;
    const { address, size } = this.pickAccess(rng);
    let value: number | undefined;
    try {
      value = this.lastRead = this.harness.guest.read(address, size);
    } finally {
      record?.(`read${size * 8} 0x${address.toString(16)} -> ${value === undefined ? '(threw)' : `0x${value.toString(16)}`}`);
    }
    return 1;
  }

  private guestWrite(rng: Rng, record: Recorder): number {
    if (this.regions.length === 0) return 0;
    const { address, size } = this.pickAccess(rng);
    const value = this.pickValue(rng, size);
    record?.(`write${size * 8} 0x${address.toString(16)} <- 0x${value.toString(16)}`);
    this.harness.guest.write(address, size, value);
    return 1;
  }

  private timeStep(rng: Rng, record: Recorder): number {
    const ns = rng.durationNs();
    record?.(`step ${ns} ns`);
    this.harness.step(ns);
    return 0;
  }

  private pickAccess(rng: Rng): { address: number; size: 1 | 2 | 4 | 8 } {
    const region = rng.pick(this.regions);
    const size = Math.min(rng.pick(SIZES), region.size) as 1 | 2 | 4 | 8;
    if (rng.chance(0.03)) {
      // Across the region's end, or past it in the rest of its last page: the guest reaches both.
      const pageEnd = Math.ceil(region.size / PAGE_SIZE) * PAGE_SIZE;
      return { address: region.base + region.size - size + rng.below(pageEnd - region.size + size), size };
    }
    let offset: number;
    if (region.hot.length && rng.chance(0.7)) {
      offset = rng.pick(region.hot) + (rng.chance(0.2) ? rng.below(4) : 0);
    } else {
      offset = rng.below(region.size);
      if (rng.chance(0.8)) offset -= offset % size; // mostly aligned, as drivers are
    }
    return { address: region.base + Math.min(offset, region.size - size), size };
  }

  private pickValue(rng: Rng, size: number): number {
    const value = rng.chance(0.2) ? (this.lastRead + rng.between(-2, 2)) ^ (rng.chance(0.5) ? 1 << rng.below(32) : 0) : rng.value32();
    if (size === 8) return (value >>> 0) + rng.value32() * 2 ** 32;
    return (value >>> 0) % 2 ** (8 * size);
  }
}

/** The offsets of a register bank's registers (every 4 bytes that name one); none for other regions. */
export function registerOffsets(region: MemoryRegion): number[] {
  const bank = region.kind === 'io' ? region.ops : undefined;
  if (!(bank instanceof RegisterBank)) return [];
  const offsets: number[] = [];
  for (let offset = 0; offset < Math.min(region.size, SCAN_LIMIT); offset += 4) if (bank.nameAt(offset) !== undefined) offsets.push(offset);
  return offsets;
}

/** Every concrete memory-mapped device type: what `npm run fuzz` covers, with no list to keep. */
export function fuzzableDeviceTypes(registry: TypeRegistry = defaultRegistry): string[] {
  return registry.typeNames({ implementing: 'sys-bus-device' }).filter((name) => !registry.get(name).abstract);
}
