// What the fuzzer drives: a target is one device model (or a device-like interface: a timer's system
// registers, a VFIO host's uapi) that takes random operations and can say whether its outputs still agree
// with its own state. Device types of the type registry become targets through their fuzz profile
// (./device-target.ts); models that are not device types register a target here, next to their code.
import type { Rng } from './rng.js';
import { at } from '../../util/at.js';

/** Describes an operation, only while a failure is replayed: fuzzing itself builds no strings. */
export type Recorder = ((what: string) => void) | undefined;

export interface FuzzTarget {
  /** What check() holds the target to, besides "no exception escapes", in one line. */
  readonly invariant: string;
  /** One random operation; returns how many device accesses it made (MMIO, system register, ioctl). */
  step(rng: Rng, record: Recorder): number;
  /** What is wrong now (an IRQ output that disagrees with the device's state), or undefined. */
  check(): string | undefined;
  /** Gives back what the target took (a fake host's temp tree, mappings). */
  close(): void;
}

export type FuzzTargetFactory = (rng: Rng) => FuzzTarget;

/** One kind of operation and how often it is chosen, relative to the others. */
export interface FuzzAction {
  weight: number;
  /** Returns the device accesses made. */
  run(rng: Rng, record: Recorder): number;
}

/** Runs one of `actions`, chosen by weight. */
export function runWeighted(actions: readonly FuzzAction[], rng: Rng, record: Recorder): number {
  let total = 0;
  for (const action of actions) total += action.weight;
  let left = (rng.u32() / 0x1_0000_0000) * total;
  for (const action of actions) {
    left -= action.weight;
    if (left < 0) return action.run(rng, record);
  }
  return at(actions, actions.length - 1).run(rng, record);
}

const standalone = new Map<string, FuzzTargetFactory>();

/** Declares a target that is not a device type (a device type is fuzzed through its profile). */
export function registerFuzzTarget(name: string, factory: FuzzTargetFactory): void {
  if (standalone.has(name)) throw new Error(`fuzz target '${name}' is already registered`);
  standalone.set(name, factory);
}

export function standaloneFuzzTargets(): ReadonlyMap<string, FuzzTargetFactory> {
  return standalone;
}
