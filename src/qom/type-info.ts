// One registered type (QEMU's TypeImpl): its place in the hierarchy, the TypeScript class its objects are
// made from, its properties (inherited ones first) and its class data, initialised on first use.
import { DeviceError } from './device-error.js';
import type { ArmObject } from './object.js';
import type { PropertyDefinition } from './properties.js';

/** The class of a type's objects; it must extend the parent type's class. */
export type ArmObjectConstructor<T extends ArmObject = ArmObject> = new (type: TypeInfo) => T;

/** Data shared by all objects of a type. A subtype starts with a copy of its parent's, then its class init runs. */
export interface ObjectClass {
  readonly typeName: string;
  readonly data: Map<string, unknown>;
}

/** What a device file passes to registerType: the whole declaration of a type. */
export interface TypeDefinition<T extends ArmObject = ArmObject> {
  name: string;
  /** Defaults to 'object'. */
  parent?: string;
  /** Defaults to the parent's class: a type may differ from its parent only in properties and inits. */
  cls?: ArmObjectConstructor<T>;
  /** Abstract types cannot be instantiated; they exist to be parents. */
  abstract?: boolean;
  /** Whether users may create it (`-device`, config); never inherited. */
  userCreatable?: boolean;
  /** One line, shown by `-device help`. */
  description?: string;
  /** Runs once, when the type is first used, after the parent's. */
  classInit?(objectClass: ObjectClass): void;
  /** Runs on each new object, after the parent types' instance inits. */
  instanceInit?(object: T): void;
  /** Properties added by this type; a parent's property cannot be redefined. */
  properties?: readonly PropertyDefinition[];
}

export class TypeInfo {
  readonly name: string;
  readonly abstract: boolean;
  readonly userCreatable: boolean;
  readonly description: string | undefined;
  readonly cls: ArmObjectConstructor;
  /** Root type first, this type last. */
  readonly lineage: readonly TypeInfo[];
  /** Inherited properties first, in declaration order. */
  readonly properties: readonly PropertyDefinition[];
  private readonly definition: TypeDefinition;
  private initialisedClass: ObjectClass | undefined;

  constructor(definition: TypeDefinition, readonly parent: TypeInfo | undefined) {
    const { name } = definition;
    const cls = definition.cls ?? parent?.cls;
    if (!cls) throw new DeviceError(`type '${name}' has neither a class nor a parent to inherit one from`);
    if (parent && cls !== parent.cls && !(cls.prototype instanceof parent.cls)) {
      throw new DeviceError(`type '${name}': class ${cls.name} must extend ${parent.cls.name}, the class of '${parent.name}'`);
    }
    if (definition.abstract && definition.userCreatable) {
      throw new DeviceError(`type '${name}' cannot be both abstract and user-creatable`);
    }
    this.name = name;
    this.abstract = definition.abstract ?? false;
    this.userCreatable = definition.userCreatable ?? false;
    this.description = definition.description;
    this.cls = cls;
    this.definition = definition;
    this.lineage = [...(parent?.lineage ?? []), this];
    this.properties = [...(parent?.properties ?? []), ...this.ownProperties(definition.properties ?? [])];
  }

  /** True when this type is `typeName` or descends from it. */
  isA(typeName: string): boolean {
    return this.lineage.some((type) => type.name === typeName);
  }

  property(name: string): PropertyDefinition | undefined {
    return this.properties.find((p) => p.name === name);
  }


  /** The class data, running the class inits (parent's first) on first use. */
  get objectClass(): ObjectClass {
    return this.initialiseClass();
  }

  /** A new object with defaults set and instance inits run, parent types' first. */
  instantiate(): ArmObject {
    if (this.abstract) throw new DeviceError(`type '${this.name}' is abstract and cannot be instantiated`);
    this.initialiseClass();
    const object = new this.cls(this);
    for (const type of this.lineage) type.definition.instanceInit?.(object);
    return object;
  }

  private initialiseClass(): ObjectClass {
    if (!this.initialisedClass) {
      this.initialisedClass = { typeName: this.name, data: new Map(this.parent?.objectClass.data) };
      this.definition.classInit?.(this.initialisedClass);
    }
    return this.initialisedClass;
  }

  private ownProperties(properties: readonly PropertyDefinition[]): readonly PropertyDefinition[] {
    properties.forEach((property, index) => {
      const inherited = this.parent?.properties.some((p) => p.name === property.name);
      if (inherited) throw new DeviceError(`type '${this.name}' redefines property '${property.name}' of a parent type`);
      if (properties.findIndex((p) => p.name === property.name) !== index) {
        throw new DeviceError(`type '${this.name}' defines property '${property.name}' twice`);
      }
    });
    return properties;
  }
}
