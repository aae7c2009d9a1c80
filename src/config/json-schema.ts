// Checks JSON values against a JSON Schema (draft 2020-12), the subset our shipped schemas use: type,
// properties, required, additionalProperties, items, enum, const, pattern, minimum, maximum, minLength,
// oneOf/anyOf, $ref to #/$defs. A schema using any other keyword is refused when loaded, so a schema never
// promises a check that is silently skipped. Each message names the source file, the JSON path, the value
// and what is allowed; a `description` on the schema is the reader's explanation of a pattern.

import { closestWord } from './did-you-mean.js';

export type JsonSchema = {
  type?: JsonType | JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  description?: string;
  [annotation: string]: unknown;
};

type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

const KEYWORDS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'pattern', 'minimum', 'maximum',
  'minLength', 'oneOf', 'anyOf', '$ref', '$defs',
]);
const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$comment', 'default', 'examples', 'markdownDescription']);

/** A value that does not satisfy its schema: every problem found, one per line. */
export class JsonCheckError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'JsonCheckError';
  }
}

/** Returns `value` typed as T when it satisfies `schema`; throws JsonCheckError listing every problem. */
export function checkJson<T>(value: unknown, schema: JsonSchema, source: string): T {
  assertSupported(schema, '#');
  const problems: string[] = [];
  check(value, schema, '$', schema, problems);
  if (problems.length) throw new JsonCheckError(problems.map((p) => `${source}: ${p}`));
  return value as T;
}

/** Parses JSON text, naming the source and the line and column of a syntax error. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const position = errorPosition(text, message);
    const detail = message.replace(/^.*?(Unexpected|Expected|Bad|Unterminated)/, '$1').replace(/, (\.\.\.)?".*" is not valid JSON$/s, '').replace(/( in JSON)? at position \d+.*$/s, '');
    if (position === undefined) throw new JsonCheckError([`${source}: not valid JSON: ${detail}`]);
    const before = text.slice(0, position).split('\n');
    throw new JsonCheckError([`${source}:${before.length}:${before[before.length - 1]!.length + 1}: not valid JSON: ${detail}`]);
  }
}

/**
 * Where JSON.parse stopped. V8 gives a position for most errors but not for an unexpected token; then the
 * shortest failing prefix is found: every shorter prefix fails only for ending early.
 */
function errorPosition(text: string, message: string): number | undefined {
  const at = /position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (!message.startsWith('Unexpected token')) return undefined;
  const failsOnToken = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      return (error as Error).message.startsWith('Unexpected token');
    }
  };
  let [low, high] = [0, text.length];
  while (low < high) {
    const mid = (low + high) >> 1;
    if (failsOnToken(mid)) high = mid;
    else low = mid + 1;
  }
  return low - 1;
}

function assertSupported(schema: JsonSchema, where: string): void {
  for (const [key, sub] of Object.entries(schema)) {
    if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key)) throw new Error(`schema ${where}: keyword '${key}' is not supported by this checker`);
    if (key === 'properties' || key === '$defs') for (const [name, s] of Object.entries(sub as Record<string, JsonSchema>)) assertSupported(s, `${where}/${key}/${name}`);
    if (key === 'items' || (key === 'additionalProperties' && typeof sub === 'object')) assertSupported(sub as JsonSchema, `${where}/${key}`);
    if (key === 'oneOf' || key === 'anyOf') (sub as JsonSchema[]).forEach((s, i) => assertSupported(s, `${where}/${key}/${i}`));
  }
}

function check(value: unknown, schema: JsonSchema, path: string, root: JsonSchema, problems: string[]): void {
  if (schema.$ref !== undefined) return check(value, resolveRef(schema.$ref, root), path, root, problems);
  if (schema.type !== undefined && !typeMatches(value, schema.type)) {
    problems.push(`${path}: expected ${describeTypes(schema.type)}, got ${show(value)}`);
    return;
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) checkAlternatives(value, alternatives, path, root, problems);
  if (schema.enum !== undefined && !schema.enum.some((e) => e === value)) {
    problems.push(`${path}: ${show(value)} is not one of ${schema.enum.map((e) => String(e)).join(', ')}`);
  }
  if (schema.const !== undefined && schema.const !== value) problems.push(`${path}: expected ${show(schema.const)}, got ${show(value)}`);
  if (typeof value === 'string') checkString(value, schema, path, problems);
  if (typeof value === 'number') checkNumber(value, schema, path, problems);
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => check(item, schema.items!, `${path}[${i}]`, root, problems));
  if (isObject(value)) checkObject(value, schema, path, root, problems);
}

function checkString(value: string, schema: JsonSchema, path: string, problems: string[]): void {
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    problems.push(`${path}: ${show(value)} is shorter than ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}`);
  }
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
    problems.push(`${path}: ${show(value)} is not valid: ${schema.description ?? `it must match /${schema.pattern}/`}`);
  }
}

function checkNumber(value: number, schema: JsonSchema, path: string, problems: string[]): void {
  if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${path}: ${value} is below the minimum ${schema.minimum}`);
  if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${path}: ${value} is above the maximum ${schema.maximum}`);
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, path: string, root: JsonSchema, problems: string[]): void {
  for (const key of schema.required ?? []) {
    if (!(key in value)) problems.push(`${path}: missing required key '${key}'`);
  }
  const known = schema.properties ?? {};
  for (const [key, item] of Object.entries(value)) {
    const itemPath = `${path}.${key}`;
    if (known[key]) check(item, known[key]!, itemPath, root, problems);
    else if (schema.additionalProperties === false) problems.push(`${path}: unknown key '${key}'${suggest(key, Object.keys(known))}`);
    else if (typeof schema.additionalProperties === 'object') check(item, schema.additionalProperties, itemPath, root, problems);
  }
}

/** oneOf/anyOf: the alternatives whose type fits decide; a single fitting one reports its own problems. */
function checkAlternatives(value: unknown, alternatives: JsonSchema[], path: string, root: JsonSchema, problems: string[]): void {
  const results = alternatives.map((alt) => {
    const found: string[] = [];
    check(value, alt, path, root, found);
    return found;
  });
  if (results.some((r) => r.length === 0)) return;
  const typeFits = alternatives.map((alt, i) => ({ alt, problems: results[i]! })).filter(({ alt }) => {
    const target = alt.$ref ? resolveRef(alt.$ref, root) : alt;
    return target.type === undefined || typeMatches(value, target.type);
  });
  if (typeFits.length === 1) problems.push(...typeFits[0]!.problems);
  else problems.push(`${path}: ${show(value)} matches none of: ${alternatives.map((a) => describeAlternative(a, root)).join('; ')}`);
}

function describeAlternative(alt: JsonSchema, root: JsonSchema): string {
  const target = alt.$ref ? resolveRef(alt.$ref, root) : alt;
  return target.description ?? (target.type ? describeTypes(target.type) : 'a value');
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  const match = /^#\/\$defs\/([^/]+)$/.exec(ref);
  const target = match ? root.$defs?.[match[1]!] : undefined;
  if (!target) throw new Error(`schema: cannot resolve $ref '${ref}' (only #/$defs/NAME is supported)`);
  return target;
}

function typeMatches(value: unknown, type: JsonType | JsonType[]): boolean {
  return (Array.isArray(type) ? type : [type]).some((t) => {
    switch (t) {
      case 'object': return isObject(value);
      case 'array': return Array.isArray(value);
      case 'integer': return Number.isInteger(value);
      case 'null': return value === null;
      default: return typeof value === t;
    }
  });
}

function describeTypes(type: JsonType | JsonType[]): string {
  const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
  return (Array.isArray(type) ? type : [type]).map(article).join(' or ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'an array';
  if (isObject(value)) return 'an object';
  return String(value);
}

/** " (did you mean 'memory'?)" for a key one or two edits away from a known one, else the list of allowed keys. */
function suggest(key: string, known: string[]): string {
  const close = closestWord(key, known);
  if (close) return ` (did you mean '${close}'?)`;
  return known.length ? ` (allowed: ${known.join(', ')})` : '';
}
