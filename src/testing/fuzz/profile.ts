// How a device type is fuzzed: its profile, declared next to the device's code, says what the device needs
// around it (properties, a VFIO host), which events besides guest accesses and time it takes (input lines,
// received bytes, host interrupts) and its invariant: how its IRQ outputs follow from its own state. A type
// without a profile of its own uses its parent type's, and a device with none is still fuzzed: created with
// its defaults, with no invariant beyond "no exception escapes".
import type { SysBusDevice } from '../../qom/sys-bus-device.js';
import type { TypeInfo } from '../../qom/type-info.js';
import { DeviceHarness, type DeviceHarnessOptions } from '../device-harness.js';
import type { Rng } from './rng.js';
import type { FuzzAction } from './target.js';

/** One fuzz run of a device: the harness it lives in and what the profile adds. */
export interface DeviceFuzzRun<T extends SysBusDevice = SysBusDevice> {
  harness: DeviceHarness<T>;
  /** Events besides guest accesses and time steps. */
  actions?: FuzzAction[];
  /** Per MMIO region, offsets that deserve more accesses than a uniform pick gives (a register bank's are found alone). */
  hotOffsets?: readonly (readonly number[])[];
  /** What check() holds the device to, in one line. */
  invariant?: string;
  /** What is wrong with the IRQ outputs now, if anything. */
  check?(): string | undefined;
  close?(): void;
}

/** Builds a run of `typeName` (a subtype of the profile's type, perhaps); `options` keep the log out of memory. */
export type FuzzProfile = (typeName: string, rng: Rng, options: DeviceHarnessOptions) => DeviceFuzzRun;

const profiles = new Map<string, FuzzProfile>();

export function registerFuzzProfile(typeName: string, profile: FuzzProfile): void {
  if (profiles.has(typeName)) throw new Error(`type '${typeName}' already has a fuzz profile`);
  profiles.set(typeName, profile);
}

/** The profile of `type` or of its nearest ancestor that has one; else the device alone, with its defaults. */
export function fuzzProfileFor(type: TypeInfo): FuzzProfile {
  for (let t: TypeInfo | undefined = type; t; t = t.parent) {
    const profile = profiles.get(t.name);
    if (profile) return profile;
  }
  return (typeName, _rng, options) => ({ harness: DeviceHarness.create(typeName, options) });
}

/** An invariant's message when IRQ output `output` is not at the level the device's state gives: `why` names that state. */
export function levelMismatch(output: number, level: boolean, expected: boolean, why: () => string): string | undefined {
  if (level === expected) return undefined;
  return `IRQ output ${output} is ${level ? 'high' : 'low'}, expected ${expected ? 'high' : 'low'} (${why()})`;
}
