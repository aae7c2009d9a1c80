// Precompiles the shipped JSON schemas (machines/**/*.schema.json) into ajv standalone validators,
// build/schema-validators/NAME.cjs, so that a run checks its files without compiling a schema first (ajv's
// compile of the config schema costs more than the rest of armvirt's start-up). Each file records the
// SHA-256 of the schema text it was made from: setup remakes it, and armvirt compiles at run time, whenever
// they differ.
// The options are those of src/config/json-schema.ts's quick check: strict mode, draft 2020-12.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const VALIDATORS_DIR = join('build', 'schema-validators');

function schemaFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return schemaFiles(path);
    return entry.name.endsWith('.schema.json') ? [path] : [];
  });
}

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** Whether the validator of `schema` was made from its present text (a checkout may leave mtimes in any order). */
function current(schema, validator) {
  if (!existsSync(validator)) return false;
  const made = /^module\.exports\.schemaSha256 = "([0-9a-f]+)";$/m.exec(readFileSync(validator, 'utf8'));
  return made?.[1] === sha256(readFileSync(schema, 'utf8'));
}

/** Writes a validator for every schema whose validator is missing or was made from other text; `root` is the repository. */
export async function ensureSchemaValidators(root, say) {
  const outDir = join(root, VALIDATORS_DIR);
  const stale = schemaFiles(join(root, 'machines')).filter((schema) => !current(schema, join(outDir, validatorName(schema))));
  if (stale.length === 0) return;
  say(`precompiling ${stale.map((s) => basename(s)).join(', ')}`);
  const { Ajv2020 } = await import(join(root, 'node_modules', 'ajv', 'dist', '2020.js'));
  const { default: standaloneCode } = await import(join(root, 'node_modules', 'ajv', 'dist', 'standalone', 'index.js'));
  mkdirSync(outDir, { recursive: true });
  for (const schema of stale) {
    const text = readFileSync(schema, 'utf8');
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, code: { source: true } });
    const code = standaloneCode(ajv, ajv.compile(JSON.parse(text)));
    writeFileSync(join(outDir, validatorName(schema)), `${code}\nmodule.exports.schemaSha256 = ${JSON.stringify(sha256(text))};\n`);
  }
}

/** machines/hosts/vfio-host.schema.json → vfio-host.schema.cjs */
export function validatorName(schemaPath) {
  return basename(schemaPath).replace(/\.json$/, '.cjs');
}
