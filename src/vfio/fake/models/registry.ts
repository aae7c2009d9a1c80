// The behaviour models a host description can name in `model.name`.
import { JsonCheckError, checkJson, type JsonSchema } from '../../../config/json-schema.js';
import { AmdXgbeModel } from './amd-xgbe.js';
import { CalxedaXgmacModel } from './calxeda-xgmac.js';
import type { DeviceModel, ModelHost, ModelRegionSpec } from './device-model.js';
import { Pl011HostModel } from './pl011.js';
import { TestDeviceModel } from './test-device.js';

export interface ModelContext {
  host: ModelHost;
  regions: readonly ModelRegionSpec[];
  irqs: readonly string[];
  options: Record<string, unknown>;
  /** `file: $.devices[i]`, for messages. */
  where: string;
}

type ModelFactory = (context: ModelContext) => DeviceModel;

/** None of the shipped models takes options yet: an unknown option is a mistake worth reporting. */
const NO_OPTIONS: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };

const MODELS: Record<string, ModelFactory> = {
  'test-device': (c) => new TestDeviceModel(c.host, c.regions, c.irqs, c.where),
  'calxeda-xgmac': (c) => new CalxedaXgmacModel(c.host, c.regions, c.irqs, c.where),
  'amd-xgbe': (c) => new AmdXgbeModel(c.host, c.regions, c.irqs, c.where),
  pl011: (c) => new Pl011HostModel(c.host, c.regions, c.irqs, c.where),
};

export const MODEL_NAMES = Object.keys(MODELS);

export function createModel(name: string, context: ModelContext): DeviceModel {
  const factory = MODELS[name];
  if (!factory) throw new JsonCheckError([`${context.where}.model.name: unknown model '${name}' (known: ${MODEL_NAMES.join(', ')})`]);
  try {
    checkJson(context.options, NO_OPTIONS, 'options');
  } catch (e) {
    if (!(e instanceof JsonCheckError)) throw e;
    throw new JsonCheckError(e.problems.map((p) => `${context.where}.model.${p.replace(/^options: \$/, 'options')}`));
  }
  return factory(context);
}
