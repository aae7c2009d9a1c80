// The texts of `-device help` (the devices a user may create) and `-device TYPE,help` (a device's
// properties), laid out like QEMU's.
import type { TypeInfo } from './type-info.js';
import type { TypeRegistry } from './types.js';
import { at } from '../util/at.js';

/** One line per user-creatable device type: name and description. */
export function listDeviceTypes(registry: TypeRegistry): string {
  const types = registry.typeNames({ implementing: 'device', userCreatable: true }).map((name) => registry.get(name));
  if (types.length === 0) return 'There are no user-creatable devices.';
  const width = Math.max(...types.map((type) => type.name.length));
  const lines = types.map((type) => `  ${type.name.padEnd(width)}  ${type.description ?? ''}`.trimEnd());
  return ['Devices (-device TYPE,help lists the properties of one):', ...lines].join('\n');
}

/** One line per property, sorted: `  name=<type>  - description (default: value)`. */
export function describeProperties(type: TypeInfo): string {
  if (type.properties.length === 0) return `There are no options for ${type.name}.`;
  const properties = [...type.properties].sort((a, b) => a.name.localeCompare(b.name));
  const usages = properties.map((property) => `${property.name}=<${property.typeLabel}>`);
  const width = Math.max(...usages.map((usage) => usage.length));
  const lines = properties.map((property, i) => {
    const { defaultValue } = property;
    const notes = [property.required ? ' (required)' : '', defaultValue === undefined ? '' : ` (default: ${property.format(defaultValue)})`].join('');
    return `  ${at(usages, i).padEnd(width)}  - ${property.description}${notes}`;
  });
  return [`${type.name} options:`, ...lines].join('\n');
}
