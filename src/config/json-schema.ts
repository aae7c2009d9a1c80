// Checks JSON values against a JSON Schema (draft 2020-12) with ajv in strict mode: a keyword ajv does not
// know, or one that cannot apply where it is written, is refused when the schema is compiled, so a schema
// never promises a check that is silently skipped. The messages (schema-messages.ts) are built from ajv's
// errors: the source file, the JSON path, the value and what is allowed.
//
// A shipped schema file comes with a validator ajv precompiled at setup (scripts/lib/schema-validators.mjs):
// a valid file passes that quick check, and ajv itself is loaded and compiles only to explain a problem.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import type { ErrorObject, SchemaObject, ValidateFunction } from 'ajv/dist/2020.js';
import { describeSchemaErrors, isRecord, pointerSegments, type SchemaView } from './schema-messages.js';
import { projectPath } from '../project-paths.js';

export type JsonSchema = SchemaObject;

/** A value that does not satisfy its schema: every problem found, one per line. */
export class JsonCheckError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'JsonCheckError';
  }
}

const require = createRequire(import.meta.url);
const VALIDATORS_DIR = projectPath('build', 'schema-validators');

type QuickCheck = (value: unknown) => boolean;
const quickChecks = new WeakMap<JsonSchema, QuickCheck>();

/** Reads a schema file, with its precompiled validator when that was made from this very text. */
export function loadSchemaFile(path: string): JsonSchema {
  const text = readFileSync(path, 'utf8');
  const schema = JSON.parse(text) as JsonSchema;
  const validator = precompiledValidator(path, text);
  if (validator) quickChecks.set(schema, validator);
  return schema;
}

/** Whether valid values of `schema` are checked without compiling it (a current precompiled validator). */
export function hasPrecompiledValidator(schema: JsonSchema): boolean {
  return quickChecks.has(schema);
}

function precompiledValidator(schemaPath: string, text: string): QuickCheck | undefined {
  const file = join(VALIDATORS_DIR, basename(schemaPath).replace(/\.json$/, '.cjs'));
  if (!existsSync(file)) return undefined;
  let validator: QuickCheck & { schemaSha256?: string };
  try {
    validator = require(file) as typeof validator;
  } catch {
    return undefined; // a broken build file: compile instead (setup makes it again)
  }
  return validator.schemaSha256 === createHash('sha256').update(text).digest('hex') ? validator : undefined;
}

/** Returns `value` typed as T when it satisfies `schema`; throws JsonCheckError listing every problem. */
export function checkJson<T>(value: unknown, schema: JsonSchema, source: string): T {
  if (quickChecks.get(schema)?.(value)) return value as T;
  const compiled = compile(schema);
  if (compiled.validate(value)) return value as T;
  const problems = describeSchemaErrors(compiled, compiled.validate.errors ?? [], value);
  throw new JsonCheckError(problems.map((problem) => `${source}: ${problem}`));
}

/** One root schema compiled in an ajv of its own (so two schemas may share an $id), with its subschemas. */
class CompiledSchema implements SchemaView {
  readonly validate: ValidateFunction;
  // Loaded on first use: most runs never compile a schema.
  private readonly ajv = new (require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).Ajv2020({
    strict: true,
    allowUnionTypes: true,
    allErrors: true,
    verbose: true,
  });
  private readonly id: string;
  private readonly subschemas = new Map<string, ValidateFunction>();
  /** Where each subschema object sits in the root: ajv's schema paths start at the last $ref, not the root. */
  private readonly pointers = new Map<unknown, string>();

  constructor(private readonly root: JsonSchema) {
    this.id = typeof root.$id === 'string' ? root.$id : 'inline-schema';
    this.validate = this.ajv.compile(root.$id === undefined ? { ...root, $id: this.id } : root);
    this.index(root, '#');
  }

  pointerOf(subschema: unknown): string | undefined {
    return this.pointers.get(subschema);
  }

  resolve(pointer: string): unknown {
    return pointerSegments(pointer).reduce<unknown>((node, key) => (isRecord(node) && Object.hasOwn(node, key) ? node[key] : undefined), this.root);
  }

  errorsAt(pointer: string, value: unknown): ErrorObject[] {
    let validate = this.subschemas.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${this.id}${pointer}` });
      this.subschemas.set(pointer, validate);
    }
    return validate(value) ? [] : (validate.errors ?? []);
  }

  private index(node: unknown, pointer: string): void {
    if (typeof node !== 'object' || node === null || this.pointers.has(node)) return;
    this.pointers.set(node, pointer);
    for (const [key, child] of Object.entries(node)) this.index(child, `${pointer}/${encodeURIComponent(key.replaceAll('~', '~0').replaceAll('/', '~1'))}`);
  }
}

const compiledSchemas = new WeakMap<JsonSchema, CompiledSchema>();

function compile(schema: JsonSchema): CompiledSchema {
  let compiled = compiledSchemas.get(schema);
  if (!compiled) {
    compiled = new CompiledSchema(schema);
    compiledSchemas.set(schema, compiled);
  }
  return compiled;
}
