// Every key of the machine config schema (nested objects, list items and map values included) x values of
// the wrong JSON type and strings outside its enum or pattern, plus odd key names in every object: members
// of Object.prototype, an empty name, a NUL, a misspelling. Each case is a config file run with a kernel
// that powers off, so a value taken by mistake ends quickly and is reported as accepted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_SCHEMA_PATH } from '../../src/vmm/config.js';
import { PROTOTYPE_NAMES, sampled, type CaseContext, type CrashCase } from './crash-case.js';

type Schema = Record<string, unknown>;

/** JSON texts of each type; a key is tried with those its schema does not allow. */
const CANDIDATES: [type: string, text: string][] = [
  ['string', '"x"'],
  ['integer', '7'],
  ['number', '1.5'],
  ['boolean', 'true'],
  ['null', 'null'],
  ['array', '[1]'],
  ['object', '{"a": 1}'],
];
const ODD_NAMES = [...PROTOTYPE_NAMES, '', 'mem\u0000ory', ' memory', 'Memory'];
/** The map key a `additionalProperties` schema is tried under (a passthrough policy's compatible). */
const MAP_KEY = 'vendor,device';

interface Slot {
  /** The document with `value` (a JSON text) put at the slot. */
  document(value: string): string;
  /** What the error names: the JSON path of the top-level key (or the -device text of a device string). */
  culprits: string[];
  label: string;
}

export function configCases(context: CaseContext): CrashCase[] {
  const root = JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as Schema;
  const base: [string, string][] = [
    ['kernel', JSON.stringify(context.kernel)],
    ['serial', '"null"'],
    ['clock', '"deterministic"'],
    ['timeout', '{"virtual": 1}'],
  ];
  const cases: CrashCase[] = [];
  let n = 0;
  const add = (slot: Slot, value: string, culprits: string[], ci: boolean) => {
    const file = join(context.dir, `config-${n++}.json`);
    cases.push({ family: 'config', name: `${slot.label} = ${value}`, args: ['run', file], culprits, ci, writes: { path: file, text: slot.document(value) } });
  };
  const topSlot = (key: string): Slot => ({
    document: (value) => objectText([...base.filter(([k]) => k !== key), [key, value]]),
    // A device is reported as the -device option it stands for.
    culprits: key === 'devices' ? ['$.devices', '-device'] : [`$.${key}`],
    label: key,
  });
  const visit = (slot: Slot, schema: Schema) => {
    const resolved = resolve(schema, root);
    for (const { value, ci } of sampled(badValues(resolved, root), 2)) add(slot, value, slot.culprits, ci);
    const properties = resolved.properties as Record<string, Schema> | undefined;
    if (properties) {
      for (const [key, sub] of Object.entries(properties)) {
        visit(
          {
            document: (value) => slot.document(objectText([[key, value], ...requiredSiblings(resolved, key, root)])),
            culprits: slot.culprits,
            label: `${slot.label}.${key}`,
          },
          sub,
        );
      }
      if (resolved.additionalProperties === false) {
        for (const { value: name, ci } of sampled(ODD_NAMES, 1)) {
          add(
            {
              ...slot,
              document: (value) => slot.document(objectText([[name, value], ...requiredSiblings(resolved, '', root)])),
              label: `${slot.label}[${JSON.stringify(name)}]`,
            },
            '1',
            [quoted(name)],
            ci,
          );
        }
      }
    }
    if (typeof resolved.additionalProperties === 'object') {
      visit(
        {
          document: (value) => slot.document(objectText([[MAP_KEY, value], ...requiredSiblings(resolved, MAP_KEY, root)])),
          culprits: slot.culprits,
          label: `${slot.label}.${MAP_KEY}`,
        },
        resolved.additionalProperties as Schema,
      );
    }
    if (typeof resolved.items === 'object')
      visit({ document: (value) => slot.document(`[${value}]`), culprits: slot.culprits, label: `${slot.label}[0]` }, resolved.items as Schema);
    for (const alternative of [...((resolved.oneOf ?? resolved.anyOf ?? []) as Schema[])]) {
      const target = resolve(alternative, root);
      if (target.type === 'object') visit(slot, target);
    }
  };
  for (const [key, schema] of Object.entries(root.properties as Record<string, Schema>)) visit(topSlot(key), schema);
  for (const { value: name, ci } of sampled(ODD_NAMES, 2)) add({ ...topSlot(name), label: JSON.stringify(name) }, '1', [quoted(name)], ci);
  // A device object's keys are properties: names no device has.
  for (const { value: name, ci } of sampled(PROTOTYPE_NAMES, 2))
    add(
      topSlot('devices'),
      `[${objectText([
        ['type', '"pl031"'],
        [name, '1'],
      ])}]`,
      [quoted(name)],
      ci,
    );
  return cases;
}

/** Values the (resolved) schema must refuse: other JSON types, strings outside its enum or pattern, numbers below its minimum. */
function badValues(schema: Schema, root: Schema): string[] {
  const allowed = allowedTypes(schema, root);
  if (allowed === undefined) return [];
  const values = CANDIDATES.filter(([type]) => !allowed.has(type) && !(type === 'integer' && allowed.has('number'))).map(([, text]) => text);
  if (allowed.has('string') && (schema.enum !== undefined || schema.pattern !== undefined))
    values.unshift('"nosuch"', ...PROTOTYPE_NAMES.map((n) => JSON.stringify(n)));
  if (allowed.has('string') && (schema.minLength !== undefined || schema.pattern !== undefined)) values.push('""');
  if (typeof schema.minimum === 'number') values.unshift(String(schema.minimum - 1));
  return values;
}

/** The JSON types a schema takes, or undefined when it takes any. */
function allowedTypes(schema: Schema, root: Schema): Set<string> | undefined {
  const s = resolve(schema, root);
  if (s.type !== undefined) return new Set([s.type].flat() as string[]);
  if (Array.isArray(s.enum)) return new Set(s.enum.map(jsonType));
  if ('const' in s) return new Set([jsonType(s.const)]);
  const alternatives = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (!alternatives) return undefined;
  const types = new Set<string>();
  for (const alternative of alternatives) {
    const sub = allowedTypes(alternative, root);
    if (!sub) return undefined;
    sub.forEach((t) => types.add(t));
  }
  return types;
}

/** Required keys of an object schema other than `key`, with a valid value each (a device's type). */
function requiredSiblings(schema: Schema, key: string, root: Schema): [string, string][] {
  const required = (schema.required as string[] | undefined) ?? [];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  return required.filter((name) => name !== key).map((name) => [name, validValue(resolve(properties[name]!, root))]);
}

function validValue(schema: Schema): string {
  if (Array.isArray(schema.enum)) return JSON.stringify(schema.enum[0]);
  return schema.type === 'string' ? '"pl031"' : '{}';
}

function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const target = ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node as Schema)[key], root) as Schema;
  return resolve(target, root);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

/** `{"a": 1, "b": [2]}` from keys and JSON texts, any key spelt as it is (`__proto__` too). */
function objectText(entries: [string, string][]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}: ${value}`).join(', ')}}`;
}

/** How messages quote a key: in single quotes, control characters escaped. */
function quoted(name: string): string {
  return `'${name.replace(/[\u0000-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}
