// The type registry (QEMU's QOM type system): types registered by name under a parent, objects created
// by type name, and checked casts. A default registry serves the program; tests make their own.
import { Device } from './device.js';
import { DeviceError } from './device-error.js';
import { ArmObject } from './object.js';
import { TypeInfo, type TypeDefinition } from './type-info.js';

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

  /** A new object of a concrete type, with defaults and instance inits applied; it has no parent yet. */
  create(name: string): ArmObject {
    return this.get(name).instantiate();
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

/** `object` viewed as `typeName` (QEMU's OBJECT_CHECK); throws when it is not one. */
export function cast<T extends ArmObject = ArmObject>(object: ArmObject, typeName: string): T {
  if (!isA(object, typeName)) {
    throw new DeviceError(`object '${object.path}' (type ${object.typeName}) is not a ${typeName}`);
  }
  return object as T;
}
