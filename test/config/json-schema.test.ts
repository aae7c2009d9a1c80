import { expect } from 'chai';
import { checkJson, JsonCheckError, parseJsonText, type JsonSchema } from '../../src/config/json-schema.js';

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

describe('JSON Schema checks', () => {
  it('accepts a value that satisfies the schema and returns it', () => {
    const value = { name: 'vm', memory: '512M', trigger: 'edge', count: 3, devices: ['pl031', { type: 'pl011' }] };
    expect(checkJson(value, schema, 'cfg.json')).to.equal(value);
  });

  it('names the file, the JSON path, the value and what is allowed for each problem', () => {
    expect(problems({ name: 'vm', memroy: '1G', memory: '12X', trigger: 'rising', count: 0 })).to.deep.equal([
      "cfg.json: $: unknown key 'memroy' (did you mean 'memory'?)",
      "cfg.json: $.memory: '12X' is not valid: a size with an optional K, M or G suffix (e.g. 512M)",
      'cfg.json: $.trigger: \'rising\' is not one of level, edge',
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

  it('refuses a schema that uses a keyword it does not check', () => {
    expect(() => checkJson({}, { type: 'object', uniqueItems: true } as JsonSchema, 'x')).to.throw("schema #: keyword 'uniqueItems' is not supported by this checker");
  });

  it('gives the line and column of a JSON syntax error', () => {
    expect(() => parseJsonText('{\n  "a": 1,\n  "b" 2\n}', 'cfg.json')).to.throw(/^cfg\.json:3:7: not valid JSON: /);
    // V8 gives no position for an unexpected token: it is found all the same.
    expect(() => parseJsonText('{\n  "machine": virt\n}', 'cfg.json')).to.throw("cfg.json:2:14: not valid JSON: Unexpected token 'v'");
    expect(() => parseJsonText('[1] 2', 'cfg.json')).to.throw('cfg.json:1:5: not valid JSON: Unexpected non-whitespace character after JSON');
  });
});
