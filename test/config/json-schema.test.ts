import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkJson, hasPrecompiledValidator, JsonCheckError, loadSchemaFile, type JsonSchema } from '../../src/config/json-schema.js';
import { CONFIG_SCHEMA_PATH } from '../../src/vmm/config.js';
import { parseJsonText } from '../../src/config/json-text.js';

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    memory: { type: 'string', pattern: '^[0-9]+[KMG]?$', description: 'a size with an optional K, M or G suffix (e.g. 512M)' },
    trigger: { enum: ['level', 'edge'] },
    count: { type: 'integer', minimum: 1, maximum: 64 },
    devices: { type: 'array', items: { oneOf: [{ type: 'string', description: 'a -device option string' }, { $ref: '#/$defs/device' }] } },
  },
  $defs: { device: { type: 'object', required: ['type'], properties: { type: { type: 'string' } }, description: 'a device object' } },
};

function problems(value: unknown): string[] {
  try {
    checkJson(value, schema, 'cfg.json');
  } catch (e) {
    expect(e).to.be.instanceOf(JsonCheckError);
    return (e as JsonCheckError).problems;
  }
  return [];
}

function checkJsonProblems(schema: JsonSchema, value: unknown): string[] {
  try {
    checkJson(value, schema, 'cfg.json');
    return [];
  } catch (e) {
    return (e as JsonCheckError).problems;
  }
}

describe('JSON Schema checks', () => {
  it('accepts a value that satisfies the schema and returns it', () => {
    const value = { name: 'vm', memory: '512M', trigger: 'edge', count: 3, devices: ['pl031', { type: 'pl011' }] };
    expect(checkJson(value, schema, 'cfg.json')).to.equal(value);
  });

  it('names the file, the JSON path, the value and what is allowed for each problem', () => {
    expect(problems({ name: 'vm', memroy: '1G', memory: '12X', trigger: 'rising', count: 0 })).to.deep.equal([
      "cfg.json: $: unknown key 'memroy' (did you mean 'memory'?)",
      "cfg.json: $.memory: '12X' is not valid: a size with an optional K, M or G suffix (e.g. 512M)",
      "cfg.json: $.trigger: 'rising' is not one of level, edge",
      'cfg.json: $.count: 0 is below the minimum 1',
    ]);
  });

  it('reports missing keys, wrong types and unknown keys far from any known one', () => {
    expect(problems({ count: 1.5, zzz: 1 })).to.deep.equal([
      "cfg.json: $: missing required key 'name'",
      'cfg.json: $.count: expected an integer, got 1.5',
      "cfg.json: $: unknown key 'zzz' (allowed: name, memory, trigger, count, devices)",
    ]);
    expect(problems([])).to.deep.equal(['cfg.json: $: expected an object, got an array']);
  });

  it('explains a oneOf by the alternative whose type fits, or lists the alternatives', () => {
    expect(problems({ name: 'x', devices: [{ typo: 1 }] })).to.deep.equal(["cfg.json: $.devices[0]: missing required key 'type'"]);
    expect(problems({ name: 'x', devices: [7] })).to.deep.equal(['cfg.json: $.devices[0]: 7 matches none of: a -device option string; a device object']);
  });

  it('refuses, when compiling it, a schema with a keyword it does not know (strict mode)', () => {
    expect(() => checkJson({}, { type: 'object', additionalProperty: false }, 'x')).to.throw('strict mode: unknown keyword: "additionalProperty"');
  });

  it('takes Object.prototype member names as the plain keys they are in JSON', () => {
    const value: unknown = JSON.parse('{"name": "vm", "__proto__": 1, "constructor": {}, "toString": "x", "hasOwnProperty": true}');
    expect(problems(value)).to.deep.equal([
      "cfg.json: $: unknown key '__proto__' (allowed: name, memory, trigger, count, devices)",
      "cfg.json: $: unknown key 'constructor' (allowed: name, memory, trigger, count, devices)",
      "cfg.json: $: unknown key 'toString' (allowed: name, memory, trigger, count, devices)",
      "cfg.json: $: unknown key 'hasOwnProperty' (allowed: name, memory, trigger, count, devices)",
    ]);
    expect(problems(JSON.parse('{"name": "vm", "devices": [{"constructor": "pl031"}]}'))).to.deep.equal([
      "cfg.json: $.devices[0]: missing required key 'type'",
    ]);
  });

  it('lists problems in the order of the file, quoting keys that are not plain names', () => {
    const value: unknown = JSON.parse('{"count": 0, "odd key": 1, "name": "", "trigger": "leve"}');
    expect(problems(value)).to.deep.equal([
      'cfg.json: $.count: 0 is below the minimum 1',
      `cfg.json: $: unknown key 'odd key' (allowed: name, memory, trigger, count, devices)`,
      "cfg.json: $.name: '' is shorter than 1 character",
      "cfg.json: $.trigger: 'leve' is not one of level, edge (did you mean 'level'?)",
    ]);
    expect(checkJsonProblems({ type: 'object', additionalProperties: { type: 'integer' } }, { 'a.b': 'x' })).to.deep.equal([
      'cfg.json: $["a.b"]: expected an integer, got \'x\'',
    ]);
  });

  it('says when a oneOf value matches more than one alternative', () => {
    const schema: JsonSchema = {
      oneOf: [
        { type: 'array', items: { type: 'string' }, description: 'strings' },
        { type: 'array', items: { type: 'integer' }, description: 'cells' },
      ],
    };
    expect(checkJsonProblems(schema, [])).to.deep.equal(['cfg.json: $: an array matches more than one of: strings; cells']);
  });

  it('gives the line and column of a JSON syntax error', () => {
    expect(() => parseJsonText('{\n  "a": 1,\n  "b" 2\n}', 'cfg.json')).to.throw(/^cfg\.json:3:7: not valid JSON: /);
    // V8 gives no position for an unexpected token: it is found all the same.
    expect(() => parseJsonText('{\n  "machine": virt\n}', 'cfg.json')).to.throw("cfg.json:2:14: not valid JSON: Unexpected token 'v'");
    expect(() => parseJsonText('[1] 2', 'cfg.json')).to.throw('cfg.json:1:5: not valid JSON: Unexpected non-whitespace character after JSON');
  });

  it('checks valid files of a shipped schema with its precompiled validator, and compiles a schema whose text changed', () => {
    const shipped = loadSchemaFile(CONFIG_SCHEMA_PATH);
    expect(hasPrecompiledValidator(shipped)).to.equal(true);
    expect(checkJson({ memory: '1G' }, shipped, 'vm.json')).to.deep.equal({ memory: '1G' });
    expect(() => checkJson({ memory: '1X' }, shipped, 'vm.json')).to.throw(JsonCheckError, "vm.json: $.memory: '1X' is not valid");
    const dir = mkdtempSync(join(tmpdir(), 'armvirt-schema-'));
    try {
      const edited = join(dir, 'machine-config.schema.json');
      writeFileSync(edited, `${JSON.stringify({ ...shipped, required: ['kernel'] })}\n`);
      const schema = loadSchemaFile(edited);
      expect(hasPrecompiledValidator(schema)).to.equal(false);
      expect(() => checkJson({ memory: '1G' }, schema, 'vm.json')).to.throw(JsonCheckError, "vm.json: $: missing required key 'kernel'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
