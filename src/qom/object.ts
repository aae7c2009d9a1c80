// The base of every object in the model (QEMU's Object): a type, property values and a place in the
// object tree, whose canonical paths (`/machine/peripheral/uart0`) name objects in links, errors and logs.
import { DeviceError } from './device-error.js';
import type { PropertyDefinition, PropertyKind, PropertyValue } from './properties.js';
import type { ObjectClass, TypeInfo } from './type-info.js';

export class ArmObject {
  private parentObject: ArmObject | undefined;
  private nameInParent: string | undefined;
  private readonly childObjects = new Map<string, ArmObject>();
  private readonly values = new Map<string, PropertyValue>();

  /** Made by a type registry (`createObject`), which also runs the instance inits. */
  constructor(readonly type: TypeInfo) {
    for (const property of type.properties) {
      if (property.defaultValue !== undefined) this.values.set(property.name, property.defaultValue);
    }
  }

  get typeName(): string {
    return this.type.name;
  }

  /** Per-type data set by class inits. */
  get objectClass(): ObjectClass {
    return this.type.objectClass;
  }

  get parent(): ArmObject | undefined {
    return this.parentObject;
  }

  /** The name under the parent; undefined for a root. */
  get name(): string | undefined {
    return this.nameInParent;
  }

  get children(): ReadonlyMap<string, ArmObject> {
    return this.childObjects;
  }

  get root(): ArmObject {
    return this.parentObject ? this.parentObject.root : this;
  }

  /** `/machine/peripheral/uart0`. An object without a parent is the root of its own tree: `/`. */
  get path(): string {
    if (!this.parentObject) return '/';
    const parentPath = this.parentObject.path;
    return `${parentPath === '/' ? '' : parentPath}/${this.nameInParent}`;
  }

  /**
   * Adopts `child` as `name` and returns the name. A name ending in `[*]` takes the first free index
   * (`device[*]` becomes `device[3]`), as QEMU names the children of /machine/unattached.
   */
  addChild(name: string, child: ArmObject): string {
    if (name === '' || name.includes('/')) {
      throw new DeviceError(`object '${this.path}': child name '${name}' must be non-empty and contain no '/'`);
    }
    if (child.parentObject) {
      throw new DeviceError(`cannot add a ${child.typeName} to '${this.path}' as '${name}': it is already '${child.path}'`);
    }
    if (this.root === child) {
      throw new DeviceError(`cannot add a ${child.typeName} below its own descendant '${this.path}'`);
    }
    const childName = name.endsWith('[*]') ? this.firstFreeIndexedName(name.slice(0, -3)) : name;
    if (this.childObjects.has(childName)) {
      throw new DeviceError(`object '${this.path}' already has a child named '${childName}'`);
    }
    this.childObjects.set(childName, child);
    child.parentObject = this;
    child.nameInParent = childName;
    return childName;
  }

  /** Leaves the tree: the object becomes the root of its own. */
  unparent(): void {
    if (!this.parentObject || this.nameInParent === undefined) return;
    this.parentObject.childObjects.delete(this.nameInParent);
    this.parentObject = undefined;
    this.nameInParent = undefined;
  }

  /** The object at an absolute path (from the root) or at a path relative to this object. */
  resolvePath(path: string): ArmObject | undefined {
    if (path === '') return undefined;
    let object: ArmObject | undefined = path.startsWith('/') ? this.root : this;
    for (const part of path.split('/').filter((p) => p !== '')) {
      object = object.childObjects.get(part);
      if (!object) return undefined;
    }
    return object;
  }

  getProperty(name: string): PropertyValue | undefined {
    return this.values.get(this.definition(name).name);
  }

  /** Sets a typed value (config JSON, code); integers may be numbers or bigints. */
  setProperty(name: string, value: unknown): void {
    const property = this.definition(name);
    this.checkPropertyChangeable(property);
    const accepted = property.fromValue(value);
    if (accepted === undefined) throw this.invalidValue(property, showValue(value));
    this.values.set(property.name, accepted);
  }

  /** Sets a value from `-device` text: `on`, `0x1000`, `512M`, `/machine/gic`. */
  setPropertyText(name: string, text: string): void {
    const property = this.definition(name);
    this.checkPropertyChangeable(property);
    const accepted = property.fromText(text, (path) => this.resolvePath(path));
    if (accepted === undefined) throw this.invalidValue(property, `'${text}'`);
    this.values.set(property.name, accepted);
  }

  /** A string or enum property; undefined while unset. */
  getString(name: string): string | undefined {
    return this.valueOfKind(name, ['string', 'enum']) as string | undefined;
  }

  getBool(name: string): boolean {
    return this.valueOfKind(name, ['bool']) as boolean;
  }

  getUint32(name: string): number {
    return this.valueOfKind(name, ['uint32']) as number;
  }

  /** A uint64 or size property. */
  getUint64(name: string): bigint {
    return this.valueOfKind(name, ['uint64', 'size']) as bigint;
  }

  /** A link property's target; undefined while unset. */
  getLink(name: string): ArmObject | undefined {
    return this.valueOfKind(name, ['link']) as ArmObject | undefined;
  }

  /** Throws when the object's state forbids changing `property` (see Device). */
  protected checkPropertyChangeable(_property: PropertyDefinition): void {}

  private definition(name: string): PropertyDefinition {
    const property = this.type.property(name);
    if (property) return property;
    const names = this.type.properties.map((p) => p.name);
    const known = names.length ? `properties are: ${names.join(', ')}` : 'it has no properties';
    throw new DeviceError(`${this.typeName}: no property '${name}'; ${known}`);
  }

  private valueOfKind(name: string, kinds: PropertyKind[]): PropertyValue | undefined {
    const property = this.definition(name);
    if (!kinds.includes(property.kind)) {
      throw new DeviceError(`${this.typeName}: property '${name}' is a ${property.kind}, not a ${kinds.join(' or ')}`);
    }
    return this.values.get(name);
  }

  private invalidValue(property: PropertyDefinition, shown: string): DeviceError {
    return new DeviceError(`${this.typeName}: property '${property.name}' does not take ${shown}: expected ${property.accepts}`);
  }

  private firstFreeIndexedName(prefix: string): string {
    for (let index = 0; ; index++) {
      const name = `${prefix}[${index}]`;
      if (!this.childObjects.has(name)) return name;
    }
  }
}

/** A rejected typed value as error messages show it. */
function showValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof ArmObject) return `object '${value.path}' (type ${value.typeName})`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
