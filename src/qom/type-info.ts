// One registered type (QEMU's TypeImpl): its place in the hierarchy, the TypeScript class its objects are
// made from, its properties (inherited ones first) and its class data, initialised on first use.
import { DeviceError } from './device-error.js';
import type { MachineContext } from './machine-context.js';
import type { ArmObject } from './object.js';
import type { PropertyDefinition } from './properties.js';

/** The class of a type's objects; it must extend the parent type's class. Devices take their machine's context. */
export type ArmObjectConstructor<T extends ArmObject = ArmObject> = new (type: TypeInfo, context?: MachineContext) => T;

/** A place in a machine's memory map that the machine fills with a device of the type, always. */
export interface FixedPlace {
  /** The machine's name for it: virt's `uart`, `rtc`, `gpio` (QEMU's VIRT_UART...). */
  place: string;
  /** Property values the device gets there (as `-device` text). */
  properties?: Readonly<Record<string, string>>;
}

/** Where a memory-mapped device type goes (QEMU's dynamic sysbus allow-list, and what a machine builds). */
export interface PlugRule {
  /** Machines whose platform bus takes the type from `-device` (QEMU's machine_class_allow_dynamic_sysbus_dev). */
  platformBus?: readonly string[];
  /** Machines that build one of the type, each at its own place: `{ virt: { place: 'rtc' } }`. */
  fixed?: Readonly<Record<string, FixedPlace>>;
}

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
  /** Where the type may be plugged (memory-mapped devices only); never inherited. */
  plug?: PlugRule;
}

export class TypeInfo {
  readonly name: string;
  readonly abstract: boolean;
  readonly userCreatable: boolean;
  readonly description: string | undefined;
  readonly plug: PlugRule;
  readonly cls: ArmObjectConstructor;
  /** Root type first, this type last. */
  readonly lineage: readonly TypeInfo[];
  /** Inherited properties first, in declaration order. */
  readonly properties: readonly PropertyDefinition[];
  private readonly definition: TypeDefinition;
  private initialisedClass: ObjectClass | undefined;

  constructor(
    definition: TypeDefinition,
    readonly parent: TypeInfo | undefined,
  ) {
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
    this.plug = definition.plug ?? {};
    this.cls = cls;
    this.definition = definition;
    this.lineage = [...(parent?.lineage ?? []), this];
    this.properties = [...(parent?.properties ?? []), ...this.ownProperties(definition.properties ?? [])];
    this.checkPlugRule();
  }

  /** True when the class was given for this type itself (not inherited): the type `registry.typeOf(cls)` finds. */
  get ownsClass(): boolean {
    return this.definition.cls !== undefined;
  }

  /** Whether `-device` may put the type on the platform bus of machine `machine`. */
  pluggableOnPlatformBus(machine: string): boolean {
    return this.plug.platformBus?.includes(machine) ?? false;
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

  /** A new object with defaults set and instance inits run, parent types' first; a device gets `context`. */
  instantiate(context?: MachineContext): ArmObject {
    if (this.abstract) throw new DeviceError(`type '${this.name}' is abstract and cannot be instantiated`);
    this.initialiseClass();
    const object = new this.cls(this, context);
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

  private checkPlugRule(): void {
    const { platformBus = [], fixed = {} } = this.plug;
    if (platformBus.length === 0 && Object.keys(fixed).length === 0) return;
    if (!this.isA('sys-bus-device'))
      throw new DeviceError(`type '${this.name}' has a plug rule but is not a sys-bus-device: only memory-mapped devices are plugged`);
    if (platformBus.length > 0 && !this.userCreatable) {
      throw new DeviceError(`type '${this.name}' may go on a platform bus (-device) but is not user-creatable`);
    }
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
