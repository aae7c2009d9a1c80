// Every fuzz target, found rather than listed: each module under devices/ is loaded with the fuzz profiles
// beside them (so every device type and its profile are registered), then every concrete memory-mapped
// device type of the registry is a target, with the targets that are not device types (the generic timer's system registers, the fake VFIO
// host's device models and uapi) after them. A new device file is fuzzed without a change here.
import { pathToFileURL } from 'node:url';
import { deviceModules } from '../devices/device-modules.js';
import { deviceFuzzTarget, fuzzableDeviceTypes } from '../src/testing/fuzz/device-target.js';
import { standaloneFuzzTargets, type FuzzTargetFactory } from '../src/testing/fuzz/target.js';
import '../src/vfio/fake/fake-host-fuzz.js';

export async function loadFuzzTargets(): Promise<Map<string, FuzzTargetFactory>> {
  for (const module of deviceModules(undefined, { withFuzzProfiles: true })) await import(pathToFileURL(module).href);
  const targets = new Map<string, FuzzTargetFactory>(fuzzableDeviceTypes().map((type) => [type, deviceFuzzTarget(type)]));
  for (const [name, factory] of standaloneFuzzTargets()) targets.set(name, factory);
  return targets;
}
