// Typed properties of an object type (QEMU's qdev properties): each has a name, a description, a default
// and rules for reading a value from `-device` text or accepting a typed value from a config file.
import { ArmObject } from './object.js';
import { formatSize, parseSize, parseUnsigned, UINT32_MAX, UINT64_MAX } from './number-text.js';

export type PropertyValue = string | boolean | number | bigint | ArmObject;

export type PropertyKind = 'string' | 'bool' | 'uint32' | 'uint64' | 'size' | 'enum' | 'link';

/** At least one value: the first is the default unless another is given. */
export type EnumValues = readonly [string, ...string[]];

/** Finds an object by canonical path, for link properties. */
export type PathResolver = (path: string) => ArmObject | undefined;

export interface PropertyDefinition<T extends PropertyValue = PropertyValue> {
  readonly name: string;
  readonly kind: PropertyKind;
  /** As shown by `-device TYPE,help`: `name=<uint32>`. */
  readonly typeLabel: string;
  readonly description: string;
  /** Undefined when the property starts unset (strings and links without a default). */
  readonly defaultValue: T | undefined;
  /** Realize fails while a required property is unset. */
  readonly required: boolean;
  /** Most properties configure a device before realize; these may also change while it runs. */
  readonly changeableAfterRealize: boolean;
  /** What a valid value looks like, for error messages: `an unsigned 32-bit integer (0 to 4294967295)`. */
  readonly accepts: string;
  /** The value `-device` text stands for; undefined when the text is not valid. */
  fromText(text: string, resolvePath: PathResolver): T | undefined;
  /** The typed value (config JSON, code) normalised; undefined when not valid. */
  fromValue(value: unknown): T | undefined;
  /** Text that fromText reads back, for help and dumps. */
  format(value: T): string;
}

export interface PropertyOptions<T> {
  description: string;
  default?: T;
  required?: boolean;
  changeableAfterRealize?: boolean;
}

/** How one kind of property reads, checks and prints its values. */
interface KindRules<T extends PropertyValue> {
  kind: PropertyKind;
  typeLabel: string;
  accepts: string;
  fromText: (text: string, resolvePath: PathResolver) => T | undefined;
  fromValue: (value: unknown) => T | undefined;
  format?: (value: T) => string;
  /** The value of a property declared without a default (QEMU's zero-initialised fields). */
  implicitDefault?: T;
}

function define<T extends PropertyValue>(name: string, options: PropertyOptions<T>, rules: KindRules<T>): PropertyDefinition<T> {
  const givenDefault = options.default ?? rules.implicitDefault;
  const defaultValue = givenDefault === undefined ? undefined : rules.fromValue(givenDefault);
  if (givenDefault !== undefined && defaultValue === undefined) {
    const shown = givenDefault instanceof ArmObject ? `an object of type ${givenDefault.type.name}` : String(givenDefault);
    throw new TypeError(`property '${name}': default ${shown} is not ${rules.accepts}`);
  }
  return {
    name,
    kind: rules.kind,
    typeLabel: rules.typeLabel,
    accepts: rules.accepts,
    description: options.description,
    defaultValue,
    required: options.required ?? false,
    changeableAfterRealize: options.changeableAfterRealize ?? false,
    fromText: rules.fromText,
    fromValue: rules.fromValue,
    format: rules.format ?? String,
  };
}

/** Integers from config arrive as numbers or bigints; anything else, or a fraction, is rejected. */
function integerValue(value: unknown, max: bigint): bigint | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) value = BigInt(value);
  return typeof value === 'bigint' && value >= 0n && value <= max ? value : undefined;
}

const BOOL_WORDS: Record<string, boolean> = { on: true, yes: true, true: true, off: false, no: false, false: false };

const stringRules: KindRules<string> = {
  kind: 'string',
  typeLabel: 'str',
  accepts: 'a string',
  fromText: (text) => text,
  fromValue: (value) => (typeof value === 'string' ? value : undefined),
};

const boolRules: KindRules<boolean> = {
  kind: 'bool',
  typeLabel: 'bool',
  accepts: 'a boolean (on/off, yes/no, true/false)',
  fromText: (text) => (Object.hasOwn(BOOL_WORDS, text) ? BOOL_WORDS[text] : undefined),
  fromValue: (value) => (typeof value === 'boolean' ? value : undefined),
  implicitDefault: false,
};

const uint32Rules: KindRules<number> = {
  kind: 'uint32',
  typeLabel: 'uint32',
  accepts: `an unsigned 32-bit integer (0 to ${UINT32_MAX})`,
  fromText: (text) => {
    const value = parseUnsigned(text, UINT32_MAX);
    return value === undefined ? undefined : Number(value);
  },
  fromValue: (value) => {
    const integer = integerValue(value, UINT32_MAX);
    return integer === undefined ? undefined : Number(integer);
  },
  implicitDefault: 0,
};

const uint64Rules: KindRules<bigint> = {
  kind: 'uint64',
  typeLabel: 'uint64',
  accepts: `an unsigned 64-bit integer (0 to ${UINT64_MAX})`,
  fromText: (text) => parseUnsigned(text, UINT64_MAX),
  fromValue: (value) => integerValue(value, UINT64_MAX),
  implicitDefault: 0n,
};

const sizeRules: KindRules<bigint> = {
  kind: 'size',
  typeLabel: 'size',
  accepts: 'a size in bytes, with an optional suffix B, K, M, G, T, P or E (e.g. 4096, 0x1000, 4K, 512M, 1.5G)',
  fromText: parseSize,
  fromValue: (value) => integerValue(value, UINT64_MAX),
  format: formatSize,
  implicitDefault: 0n,
};

function enumRules(values: EnumValues): KindRules<string> {
  const fromValue = (value: unknown) => (typeof value === 'string' && values.includes(value) ? value : undefined);
  return {
    kind: 'enum',
    typeLabel: values.join('|'),
    accepts: `one of: ${values.join(', ')}`,
    fromText: fromValue,
    fromValue,
    implicitDefault: values[0],
  };
}

function linkRules(targetType: string): KindRules<ArmObject> {
  const fromValue = (value: unknown) => (value instanceof ArmObject && value.type.isA(targetType) ? value : undefined);
  return {
    kind: 'link',
    typeLabel: `link<${targetType}>`,
    accepts: `the canonical path of an object of type ${targetType}`,
    fromText: (text, resolvePath) => fromValue(resolvePath(text)),
    fromValue,
    format: (target) => target.path,
  };
}

/** Property constructors for type definitions: `prop.uint32('mmap-timeout-ms', { default: 1100, ... })`. */
export const prop = {
  string: (name: string, options: PropertyOptions<string>) => define(name, options, stringRules),
  bool: (name: string, options: PropertyOptions<boolean>) => define(name, options, boolRules),
  uint32: (name: string, options: PropertyOptions<number>) => define(name, options, uint32Rules),
  uint64: (name: string, options: PropertyOptions<bigint>) => define(name, options, uint64Rules),
  size: (name: string, options: PropertyOptions<bigint>) => define(name, options, sizeRules),
  /** Without a default, the first value is the default. */
  enum: (name: string, values: EnumValues, options: PropertyOptions<string>) => define(name, options, enumRules(values)),
  /** A reference to another object, set by its canonical path; links start unset. */
  link: (name: string, targetType: string, options: Omit<PropertyOptions<ArmObject>, 'default'>) => define(name, options, linkRules(targetType)),
};
