// The type registry (QEMU's QOM type system): types registered by name under a parent, objects created
// by type name or by class, and casts checked against a class. A default registry serves the program (devices/index.ts
// loads every device file into it); tests make their own.
import { Device } from './device.js';
import { DeviceError } from './device-error.js';
import type { MachineContext } from './machine-context.js';
import { ArmObject } from './object.js';
import { TypeInfo, type FixedPlace, type TypeDefinition } from './type-info.js';

/** A class registered for a type (`Pl031`): looking a type up by class gives a typed object. */
export type RegisteredClass<T extends ArmObject> = abstract new (...args: never[]) => T;

export interface TypeFilter {
  /** Only this type and its descendants. */
  implementing?: string;
  /** Only types users may (true) or may not (false) create. */
  userCreatable?: boolean;
}

export class TypeRegistry {
  private readonly types = new Map<string, TypeInfo>();

  /** Starts with the base types: 'object' (the root), 'container' (a plain tree node) and 'device'. */
  constructor() {
    this.types.set('object', new TypeInfo({ name: 'object', cls: ArmObject, abstract: true }, undefined));
    this.register({ name: 'container', description: 'A node of the object tree that only holds children' });
    this.register({ name: 'device', cls: Device, abstract: true, description: 'Base of all devices' });
  }

  register<T extends ArmObject>(definition: TypeDefinition<T>): TypeInfo {
    const { name, parent = 'object' } = definition;
    if (this.types.has(name)) throw new DeviceError(`type '${name}' is already registered`);
    const parentType = this.types.get(parent);
    if (!parentType) throw new DeviceError(`type '${name}' names an unknown parent type '${parent}'`);
    const type = new TypeInfo(definition, parentType);
    this.types.set(name, type);
    return type;
  }

  /** The type named `name`; throws, listing what users could have meant, when there is none. */
  get(name: string): TypeInfo {
    const type = this.types.get(name);
    if (type) return type;
    const creatable = this.typeNames({ userCreatable: true });
    const known = creatable.length ? `known user-creatable types: ${creatable.join(', ')}` : 'no type is user-creatable';
    throw new DeviceError(`unknown type '${name}'; ${known}`);
  }

  /** The type registered with class `cls` (the type that names it, not its subtypes that inherit it). */
  typeOf(cls: RegisteredClass<ArmObject>): TypeInfo {
    const types = [...this.types.values()].filter((type) => type.ownsClass && type.cls === cls);
    if (types.length === 1 && types[0]) return types[0];
    if (types.length === 0) throw new DeviceError(`class ${cls.name} is registered for no type`);
    throw new DeviceError(`class ${cls.name} is registered for ${types.length} types (${types.map((t) => t.name).join(', ')}): name the type`);
  }

  /**
   * A new object of a concrete type, named or given by its class (then typed as that class), with defaults
   * and instance inits applied; it has no parent yet. A device gets its machine's `context`.
   */
  create<T extends ArmObject>(type: RegisteredClass<T>, context?: MachineContext): T;
  create(type: string, context?: MachineContext): ArmObject;
  create(type: string | RegisteredClass<ArmObject>, context?: MachineContext): ArmObject {
    return (typeof type === 'string' ? this.get(type) : this.typeOf(type)).instantiate(context);
  }

  /** Types `-device` may put on the platform bus of machine `machine`, sorted. */
  platformBusTypes(machine: string): string[] {
    return this.typeNames().filter((name) => this.get(name).pluggableOnPlatformBus(machine));
  }

  /** Types machine `machine` builds one of, each with its place, sorted by type name. */
  fixedTypes(machine: string): { type: TypeInfo; fixed: FixedPlace }[] {
    return this.typeNames().flatMap((name) => {
      const type = this.get(name);
      const fixed = type.plug.fixed?.[machine];
      return fixed ? [{ type, fixed }] : [];
    });
  }

  /** Sorted type names matching `filter`; user-creatable types are never abstract. */
  typeNames(filter: TypeFilter = {}): string[] {
    return [...this.types.values()]
      .filter((type) => filter.implementing === undefined || type.isA(filter.implementing))
      .filter((type) => filter.userCreatable === undefined || type.userCreatable === filter.userCreatable)
      .map((type) => type.name)
      .sort();
  }
}

/** The registry device files register into. */
export const defaultRegistry = new TypeRegistry();

/** Declares a type in the default registry: the one line a device file adds. */
export function registerType<T extends ArmObject>(definition: TypeDefinition<T>): TypeInfo {
  return defaultRegistry.register(definition);
}

export function createObject(typeName: string): ArmObject {
  return defaultRegistry.create(typeName);
}

export function typeNames(filter?: TypeFilter): string[] {
  return defaultRegistry.typeNames(filter);
}

export function isA(object: ArmObject, typeName: string): boolean {
  return object.type.isA(typeName);
}

/** `object` as an instance of `cls` (QEMU's OBJECT_CHECK, by class); throws when it is not one. */
export function cast<T extends ArmObject>(object: ArmObject, cls: RegisteredClass<T>): T {
  if (!(object instanceof cls)) throw new DeviceError(`object '${object.path}' (type ${object.typeName}) is not a ${cls.name}`);
  return object;
}
