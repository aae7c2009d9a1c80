// Public API of the object model: types, properties, the object tree, devices and `-device` options.

export { TypeRegistry, defaultRegistry, registerType, createObject, typeNames, isA, cast, type TypeFilter, type RegisteredClass } from './types.js';
export { TypeInfo, type TypeDefinition, type ObjectClass, type ArmObjectConstructor } from './type-info.js';
export {
  prop,
  type PropertyDefinition,
  type PropertyOptions,
  type PropertyKind,
  type PropertyValue,
  type EnumValues,
  type PathResolver,
} from './properties.js';
export { parseSize, parseUnsigned, formatSize } from './number-text.js';
export { ArmObject } from './object.js';
export { Device, type DeviceState } from './device.js';
export { DeviceError, type DeviceErrorOptions } from './device-error.js';
export { parseDeviceOptions, deviceHelp, createDeviceFromOptions, type DeviceOptions, type DeviceCreationContext } from './device-options.js';
export { listDeviceTypes, describeProperties } from './device-help.js';
export { MachineTree, type MachineContextParts } from './machine-tree.js';
export { ContextKey, ContextExtensions, type MachineContext } from './machine-context.js';
export type { PlugRule, FixedPlace } from './type-info.js';
