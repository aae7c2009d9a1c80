// Every user-creatable device type (from the type registry) x every property x a table of bad values for
// its kind, plus option names and ids no device has. A device that needs a VFIO host gets the shipped fake
// host that holds a device it can take, so that only the value under test is wrong.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../devices/index.js'; // every device type
import { VfioPlatform } from '../../devices/vfio-platform/vfio-platform.js';
import type { PropertyKind } from '../../src/qom/properties.js';
import { cast, defaultRegistry } from '../../src/qom/types.js';
import { PROTOTYPE_NAMES, sampled, type CaseContext, type CrashCase } from './crash-case.js';

const LONG = 'x'.repeat(64 * 1024);

/** Values each property kind must refuse. Strings are checked by what their property means: none of ours takes these. */
const BAD_VALUES: Record<PropertyKind, readonly string[]> = {
  uint32: ['-1', 'abc', '4294967296', '', '1.5', '0x', '1e3', ' 1', 'NaN', 'Infinity', '0b2', ...PROTOTYPE_NAMES],
  uint64: ['-1', 'abc', '18446744073709551616', '', '1.5', '0x1g', 'NaN', ...PROTOTYPE_NAMES],
  size: ['-1', '1X', '', '16E', 'NaN', ...PROTOTYPE_NAMES],
  bool: ['maybe', '', '2', 'onn', 'yes please', ...PROTOTYPE_NAMES],
  enum: ['nosuch', '', ...PROTOTYPE_NAMES],
  link: ['/nosuch', '', '/machine', ...PROTOTYPE_NAMES],
  string: ['', '../../../../etc/passwd', 'a\nb', '/dev/zero', LONG, ...PROTOTYPE_NAMES],
};

/** Options no device takes. */
const BAD_OPTIONS = ['nosuch=1', ...PROTOTYPE_NAMES.map((n) => `${n}=1`), 'id=1bad', 'id=', '=1', 'noequals'];
const BAD_TYPES = ['nosuch', '', ',', 'device', 'sys-bus-device', 'container', ...PROTOTYPE_NAMES];

/** `-device` arguments that make `type` realize when nothing else is wrong: a host for vfio devices. */
function baseArgs(type: string, context: CaseContext): { args: string[]; options: string } {
  if (!defaultRegistry.get(type).isA('vfio-platform')) return { args: [], options: type };
  const preset = cast(defaultRegistry.create(type), VfioPlatform).presetCompatibles;
  for (const file of readdirSync(context.hostsDir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
    .sort()) {
    const host = JSON.parse(readFileSync(join(context.hostsDir, file), 'utf8')) as {
      devices: { name: string; model: { name: string }; node: { properties: { compatible?: string | string[] } } }[];
    };
    const device = host.devices.find((d) =>
      preset ? [d.node.properties.compatible ?? []].flat().some((c) => preset.includes(c)) : d.model.name === 'test-device',
    );
    if (device) return { args: ['--vfio-host', `fake:${join(context.hostsDir, file)}`], options: `${type},host=${device.name}` };
  }
  throw new Error(`crash-test: no shipped fake host has a device for ${type}`);
}

/** `-device` with commas in a value doubled, as the option syntax wants. */
const escape = (value: string) => value.replaceAll(',', ',,');

export function deviceCases(context: CaseContext): CrashCase[] {
  const cases: CrashCase[] = [];
  const types = defaultRegistry.typeNames({ implementing: 'device', userCreatable: true });
  for (const type of types) {
    const base = baseArgs(type, context);
    const command = (options: string) => [...base.args, 'dumpdtb', '--dts', '-device', options];
    for (const property of defaultRegistry.get(type).properties) {
      // The host names the device the others are tried on: a bad host is tried with no host given.
      const without = property.name === 'host' || property.name === 'sysfsdev' ? type : base.options;
      for (const { value, ci } of sampled(BAD_VALUES[property.kind], 2)) {
        cases.push({
          family: 'devices',
          name: `${type} ${property.name}=${JSON.stringify(value.length > 40 ? `${value.slice(0, 10)}...` : value)}`,
          args: command(`${without},${property.name}=${escape(value)}`),
          culprits: [property.name],
          ci,
        });
      }
    }
    for (const { value, ci } of sampled(BAD_OPTIONS, 1)) {
      cases.push({ family: 'devices', name: `${type},${value}`, args: command(`${base.options},${value}`), culprits: [value.split('=')[0] || value], ci });
    }
  }
  for (const { value, ci } of sampled(BAD_TYPES, 3)) {
    cases.push({ family: 'devices', name: `type ${JSON.stringify(value)}`, args: ['dumpdtb', '--dts', '-device', value], culprits: ['-device'], ci });
  }
  return cases;
}

/** The command each device type realizes with, as given: the crash-test checks these succeed first. */
export function deviceControls(context: CaseContext): { name: string; args: string[] }[] {
  return defaultRegistry.typeNames({ implementing: 'device', userCreatable: true }).map((type) => {
    const base = baseArgs(type, context);
    return { name: type, args: [...base.args, 'dumpdtb', '--dts', '-device', base.options] };
  });
}
