// The words for ajv's errors: one line per problem, `$.path.to[3].value: what is wrong`, naming the value
// and what is allowed (a pattern is explained by its schema's `description`), with "did you mean" for a
// misspelt key. Problems are listed in the order they appear in the file.
//
// ajv reports a failed oneOf/anyOf together with every error of every alternative. The reader wants the
// alternative they meant: when exactly one alternative takes a value of this type, its own errors are the
// answer; otherwise the line lists what the alternatives accept.
import type { ErrorObject } from 'ajv/dist/2020.js';
import { closestWord } from './did-you-mean.js';
import { at } from '../util/at.js';

/** What messages need of a compiled schema: its parts by schema path, and errors of a part alone. */
export interface SchemaView {
  resolve(schemaPointer: string): unknown;
  /** The pointer of a subschema object of the root (ajv's own schema paths start at the last $ref). */
  pointerOf(subschema: unknown): string | undefined;
  errorsAt(schemaPointer: string, value: unknown): ErrorObject[];
}

interface Problem {
  /** Where in the document: keys and indices from the root, for ordering. */
  at: (string | number)[];
  text: string;
}

/** The lines for `errors` of `value`, in document order, without repeats. */
export function describeSchemaErrors(view: SchemaView, errors: readonly ErrorObject[], value: unknown): string[] {
  const problems = collect(view, errors, value, []);
  const order = problems.map((p, i) => ({ p, i, key: documentPosition(value, p.at) }));
  order.sort((a, b) => compareKeys(a.key, b.key) || a.i - b.i);
  return [...new Set(order.map(({ p }) => p.text))];
}

const ALTERNATIVES = new Set(['oneOf', 'anyOf']);

function collect(view: SchemaView, errors: readonly ErrorObject[], root: unknown, base: (string | number)[]): Problem[] {
  const located = errors.map((error, index) => ({ error, index, at: [...base, ...instanceSegments(root, base, error.instancePath)] }));
  // ajv emits an alternatives error after its alternatives' errors: it covers the earlier errors at or below
  // its path, and the outermost such error (the last) speaks for all of them.
  const covering: typeof located = [];
  const coverOf = (item: (typeof located)[number]) => covering.find((c) => item.index < c.index && isWithin(item.at, c.at));
  for (let i = located.length - 1; i >= 0; i--) {
    const item = at(located, i);
    if (ALTERNATIVES.has(item.error.keyword) && !coverOf(item)) covering.push(item);
  }
  const problems: Problem[] = [];
  for (const item of located) {
    if (covering.includes(item)) problems.push(...explainAlternatives(view, item.error, root, item.at));
    else if (!coverOf(item)) problems.push(...describe(item.error, item.at, root));
  }
  return problems;
}

function explainAlternatives(view: SchemaView, error: ErrorObject, root: unknown, at: (string | number)[]): Problem[] {
  const value = valueAt(root, at);
  const alternatives = error.schema;
  const pointer = view.pointerOf(alternatives);
  if (!Array.isArray(alternatives) || pointer === undefined) return [{ at, text: `${jsonPath(root, at)}: ${show(value)} ${error.message ?? 'is not valid'}` }];
  const passing = (error.params as { passingSchemas?: number[] | null }).passingSchemas;
  if (passing) {
    return [
      {
        at,
        text: `${jsonPath(root, at)}: ${show(value)} matches more than one of: ${passing.map((i) => describeAlternative(view, alternatives[i])).join('; ')}`,
      },
    ];
  }
  const fitting = alternatives.map((alt, i) => i).filter((i) => typeFits(view, alternatives[i], value));
  if (fitting.length === 1) {
    const own = view.errorsAt(`${pointer}/${fitting[0]}`, value);
    return collect(view, own, root, at);
  }
  return [{ at, text: `${jsonPath(root, at)}: ${show(value)} matches none of: ${alternatives.map((alt) => describeAlternative(view, alt)).join('; ')}` }];
}

/** One ajv error as a line; the keywords our schemas use have their own words, any other ajv's. */
function describe(error: ErrorObject, at: (string | number)[], root: unknown): Problem[] {
  const where = jsonPath(root, at);
  const value = error.data;
  const schema = error.schema as never;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const params = error.params as Record<string, unknown>;
  // A propertyNames check: the key's own error says what is wrong with it; the summary repeats it.
  if (error.keyword === 'propertyNames') return [];
  if (error.propertyName !== undefined) {
    const reason = error.keyword === 'pattern' && typeof parent.description === 'string' ? parent.description : error.message;
    return [{ at: [...at, error.propertyName], text: `${where}: key ${show(error.propertyName)} is not valid: ${reason}` }];
  }
  switch (error.keyword) {
    case 'type':
      return [{ at, text: `${where}: expected ${describeTypes(schema)}, got ${show(value)}` }];
    case 'enum':
      return [{ at, text: `${where}: ${show(value)} is not one of ${(schema as unknown[]).map(String).join(', ')}${suggestWord(value, schema)}` }];
    case 'const':
      return [{ at, text: `${where}: expected ${show(schema)}, got ${show(value)}` }];
    case 'pattern':
      return [
        {
          at,
          text: `${where}: ${show(value)} is not valid: ${typeof parent.description === 'string' ? parent.description : `it must match /${String(schema)}/`}`,
        },
      ];
    case 'minLength':
      return [{ at, text: `${where}: ${show(value)} is shorter than ${schema as number} character${schema === 1 ? '' : 's'}` }];
    case 'maxLength':
      return [{ at, text: `${where}: a string of ${(value as string).length} characters is longer than ${schema as number}` }];
    case 'minimum':
      return [{ at, text: `${where}: ${show(value)} is below the minimum ${schema as number}` }];
    case 'maximum':
      return [{ at, text: `${where}: ${show(value)} is above the maximum ${schema as number}` }];
    case 'required':
      return [{ at, text: `${where}: missing required key '${String(params.missingProperty)}'` }];
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = isRecord(parent.properties) ? Object.keys(parent.properties) : [];
      return [{ at: [...at, key], text: `${where}: unknown key ${show(key)}${suggestKey(key, known)}` }];
    }
    default:
      return [{ at, text: `${where}: ${show(value)} ${error.message ?? 'is not valid'}` }];
  }
}

/** Whether an alternative takes values of this JSON type at all (then its own errors explain the value). */
function typeFits(view: SchemaView, alternative: unknown, value: unknown): boolean {
  const schema = resolveRef(view, alternative);
  if (!isRecord(schema)) return schema !== false;
  if (schema.type !== undefined) return typeNames(schema.type).some((t) => typeMatches(value, t));
  if (Object.hasOwn(schema, 'const')) return jsonType(schema.const) === jsonType(value);
  if (Array.isArray(schema.enum)) return schema.enum.some((e) => jsonType(e) === jsonType(value));
  const nested = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(nested)) return nested.some((alt) => typeFits(view, alt, value));
  return true;
}

function describeAlternative(view: SchemaView, alternative: unknown): string {
  const schema = resolveRef(view, alternative);
  if (!isRecord(schema)) return 'a value';
  if (typeof schema.description === 'string') return schema.description;
  return schema.type !== undefined ? describeTypes(schema.type) : 'a value';
}

function resolveRef(view: SchemaView, schema: unknown): unknown {
  return isRecord(schema) && typeof schema.$ref === 'string' && schema.$ref.startsWith('#') ? resolveRef(view, view.resolve(schema.$ref)) : schema;
}

function typeNames(type: unknown): string[] {
  return (Array.isArray(type) ? type : [type]).map(String);
}

function typeMatches(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'number') return typeof value === 'number';
  return jsonType(value) === type;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function describeTypes(type: unknown): string {
  const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
  return typeNames(type).map(article).join(' or ');
}

/** A value as messages quote it: strings in quotes (control characters escaped), containers by kind. */
function show(value: unknown): string {
  if (typeof value === 'string') return `'${escapeControls(value)}'`;
  if (Array.isArray(value)) return 'an array';
  if (isRecord(value)) return 'an object';
  return String(value);
}

function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** " (did you mean 'memory'?)" for a key one or two edits away from a known one, else the allowed keys. */
function suggestKey(key: string, known: string[]): string {
  const close = closestWord(key, known);
  if (close) return ` (did you mean '${close}'?)`;
  return known.length ? ` (allowed: ${known.join(', ')})` : '';
}

function suggestWord(value: unknown, allowed: unknown): string {
  if (typeof value !== 'string' || !Array.isArray(allowed)) return '';
  const close = closestWord(
    value,
    allowed.filter((a): a is string => typeof a === 'string'),
  );
  return close ? ` (did you mean '${close}'?)` : '';
}

/** ajv's instancePath (a JSON pointer, relative to the value at `base`) as keys and array indices. */
function instanceSegments(root: unknown, base: (string | number)[], pointer: string): (string | number)[] {
  let node = valueAt(root, base);
  return pointerSegments(pointer, { uriEncoded: false }).map((key) => {
    const segment = Array.isArray(node) && /^(0|[1-9]\d*)$/.test(key) ? Number(key) : key;
    node = child(node, segment);
    return segment;
  });
}

function child(node: unknown, key: string | number): unknown {
  if (Array.isArray(node) && typeof key === 'number') return node[key];
  return isRecord(node) && Object.hasOwn(node, key) ? node[key as string] : undefined;
}

function valueAt(root: unknown, at: (string | number)[]): unknown {
  return at.reduce<unknown>(child, root);
}

/** `$.devices[0].node.properties["#size-cells"]`: keys that read as names after a dot, others quoted. */
function jsonPath(root: unknown, at: (string | number)[]): string {
  return `$${at.map((key) => (typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$#][\w$#,+@-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`)).join('')}`;
}

function isWithin(path: (string | number)[], ancestor: (string | number)[]): boolean {
  return ancestor.length <= path.length && ancestor.every((key, i) => path[i] === key);
}

/** Each key's position among its object's keys (the file's order), each index as it is. */
function documentPosition(root: unknown, at: (string | number)[]): number[] {
  const key: number[] = [];
  let node = root;
  for (const segment of at) {
    key.push(typeof segment === 'number' ? segment : isRecord(node) ? Object.keys(node).indexOf(segment) : -1);
    node = child(node, segment);
  }
  return key;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return at(a, i) - at(b, i);
  return a.length - b.length;
}

/** `#/$defs/a~1b` → ['$defs', 'a/b'] (RFC 6901); ajv's schema paths are also URI-encoded, instance paths not. */
export function pointerSegments(pointer: string, { uriEncoded = true } = {}): string[] {
  const path = pointer.replace(/^#/, '');
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((s) => (uriEncoded ? decodeURIComponent(s) : s).replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
