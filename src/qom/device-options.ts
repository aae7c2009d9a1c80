// `-device TYPE,prop=value,...` (QEMU's option syntax, `,,` for a literal comma): parsing, help requests,
// and creating the device described. Every error starts with the option text, as QEMU reports them.
import { Device } from './device.js';
import { DeviceError } from './device-error.js';
import { describeProperties, listDeviceTypes } from './device-help.js';
import type { MachineContext } from './machine-context.js';
import type { ArmObject } from './object.js';
import type { TypeInfo } from './type-info.js';
import { defaultRegistry, type TypeRegistry } from './types.js';

export type DeviceOptions =
  /** `-device help` */
  | { help: 'types' }
  /** `-device TYPE,help` */
  | { help: 'properties'; type: string }
  | { help?: undefined; type: string; id?: string; props: Record<string, string> };

export interface DeviceCreationContext {
  /** The machine object (`/machine`): devices go under its `peripheral` (with an id) or `peripheral-anon`. */
  machine: ArmObject;
  registry?: TypeRegistry;
  /** What the machine gives the device (MachineTree passes its own). */
  context?: MachineContext;
}

export function parseDeviceOptions(text: string): DeviceOptions {
  return withOptionText(text, () => parse(text));
}

/** The help text when the option asks for help (`help`, `TYPE,help`), else undefined. */
export function deviceHelp(text: string, registry: TypeRegistry = defaultRegistry): string | undefined {
  return withOptionText(text, () => {
    const options = parse(text);
    if (options.help === 'types') return listDeviceTypes(registry);
    if (options.help === 'properties') return describeProperties(userCreatableDeviceType(registry, options.type));
    return undefined;
  });
}

/**
 * Creates, configures and realizes the device, placed at `/machine/peripheral/ID` or
 * `/machine/peripheral-anon/device[N]`. On failure nothing is left in the tree.
 */
export function createDeviceFromOptions(text: string, where: DeviceCreationContext): Device {
  const { machine, registry = defaultRegistry, context } = where;
  return withOptionText(text, () => {
    const options = parse(text);
    if (options.help !== undefined) throw new DeviceError('this asks for help, not for a device: use deviceHelp()');
    const device = userCreatableDeviceType(registry, options.type).instantiate(context);
    if (!(device instanceof Device)) throw new DeviceError(`type '${options.type}' is not a device`);
    device.id = options.id;
    const container = childContainer(machine, options.id ? 'peripheral' : 'peripheral-anon', registry);
    container.addChild(options.id ?? 'device[*]', device);
    try {
      for (const [name, value] of Object.entries(options.props)) device.setPropertyText(name, value);
      device.realize();
    } catch (error) {
      device.unparent();
      throw error;
    }
    return device;
  });
}

function withOptionText<T>(text: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw DeviceError.from(error).prepend(`-device ${text}: `);
  }
}

function parse(text: string): DeviceOptions {
  const [type = '', ...options] = splitAtCommas(text);
  if (type === 'help') return { help: 'types' };
  if (type === '' || type.includes('=')) throw new DeviceError('expected a device type first: TYPE[,prop=value...]');
  const props: [string, string][] = [];
  const seen = new Set<string>();
  let id: string | undefined;
  let help = false;
  for (const option of options) {
    if (option === 'help') {
      help = true;
      continue;
    }
    const equals = option.indexOf('=');
    if (equals <= 0) throw new DeviceError(`expected prop=value, found '${option}'`);
    const name = option.slice(0, equals);
    const value = option.slice(equals + 1);
    if (seen.has(name)) throw new DeviceError(`'${name}' is given more than once`);
    seen.add(name);
    if (name === 'id') id = checkedId(value);
    else props.push([name, value]);
  }
  if (help) return { help: 'properties', type };
  return id === undefined ? { type, props: Object.fromEntries(props) } : { type, id, props: Object.fromEntries(props) };
}

/** Splits at single commas; `,,` stands for a literal comma. */
function splitAtCommas(text: string): string[] {
  const parts: string[] = [];
  let part = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== ',') part += text.charAt(i);
    else if (text[i + 1] === ',') part += text.charAt(i++);
    else {
      parts.push(part);
      part = '';
    }
  }
  parts.push(part);
  return parts;
}

/** QEMU's rule for ids: they become object names and appear in monitor commands. */
function checkedId(id: string): string {
  if (/^[A-Za-z][A-Za-z0-9._-]*$/.test(id)) return id;
  throw new DeviceError(`invalid id '${id}': an id starts with a letter and holds only letters, digits, '-', '.' and '_'`);
}

function userCreatableDeviceType(registry: TypeRegistry, name: string): TypeInfo {
  const type = registry.get(name);
  if (type.isA('device') && type.userCreatable) return type;
  const devices = registry.typeNames({ implementing: 'device', userCreatable: true });
  throw new DeviceError(`type '${name}' is not a user-creatable device; user-creatable devices: ${devices.join(', ')}`);
}

/** The container child `name` of `parent`, created on first use (QEMU's container_get). */
function childContainer(parent: ArmObject, name: string, registry: TypeRegistry): ArmObject {
  const existing = parent.children.get(name);
  if (existing) return existing;
  const container = registry.create('container');
  parent.addChild(name, container);
  return container;
}
