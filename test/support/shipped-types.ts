// The device types the device files register, asked of a fresh process (the tests' own process holds the
// types tests register too): what `-device`, the fuzzer and the crash-test must find.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../', import.meta.url));

/** `expression` evaluated over `registry` (the default registry, every device file loaded) in a fresh process. */
function askRegistry(expression: string): string[] {
  const script = `await import('${dist}devices/index.js'); const { defaultRegistry: registry } = await import('${dist}src/qom/types.js'); console.log((${expression}).join(' '));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(run.stderr).to.equal('');
  return run.stdout.trim().split(' ');
}

/** Every concrete memory-mapped device type. */
export const shippedDeviceTypes = (): string[] =>
  askRegistry("registry.typeNames({ implementing: 'sys-bus-device' }).filter((name) => !registry.get(name).abstract)");

/** The types users may create (-device), sorted. */
export const userCreatableTypes = (): string[] => askRegistry("registry.typeNames({ implementing: 'device', userCreatable: true })");

/** The types -device may put on virt's platform bus. */
export const virtPlatformBusTypes = (): string[] => askRegistry("registry.platformBusTypes('virt')");
