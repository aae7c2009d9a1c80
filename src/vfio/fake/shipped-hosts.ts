// The host descriptions shipped in machines/hosts/, loaded: what the fuzzer passes through and pokes.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HOST_SCHEMA_PATH, loadHostDescription, type HostDescription } from './description.js';

let shipped: { path: string; description: HostDescription }[] | undefined;

export function shippedHostDescriptions(): readonly { path: string; description: HostDescription }[] {
  const dir = dirname(HOST_SCHEMA_PATH);
  shipped ??= readdirSync(dir)
    .filter((name) => name.endsWith('.json') && name !== 'vfio-host.schema.json')
    .sort()
    .map((name) => ({ path: join(dir, name), description: loadHostDescription(join(dir, name)) }));
  return shipped;
}
