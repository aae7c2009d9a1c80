// Every fuzz target, found rather than listed: each module under devices/ is loaded (so every device type
// and its profile are registered), then every concrete memory-mapped device type of the registry is a
// target, with the targets that are not device types (the generic timer's system registers, the fake VFIO
// host's device models and uapi) after them. A new device file is fuzzed without a change here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deviceFuzzTarget, fuzzableDeviceTypes } from '../src/testing/fuzz/device-target.js';
import { standaloneFuzzTargets, type FuzzTargetFactory } from '../src/testing/fuzz/target.js';
import '../src/vfio/fake/fake-host-fuzz.js';

const DEVICES_DIR = fileURLToPath(new URL('../devices/', import.meta.url));

function modulesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modulesUnder(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

export async function loadFuzzTargets(): Promise<Map<string, FuzzTargetFactory>> {
  for (const module of modulesUnder(DEVICES_DIR).sort()) await import(pathToFileURL(module).href);
  const targets = new Map<string, FuzzTargetFactory>(fuzzableDeviceTypes().map((type) => [type, deviceFuzzTarget(type)]));
  for (const [name, factory] of standaloneFuzzTargets()) targets.set(name, factory);
  return targets;
}
