// The host description of the fake VFIO host: which platform devices are bound to vfio-platform, their
// IOMMU groups, MMIO regions, IRQs, host device tree nodes and behaviour models. Loaded from JSON checked
// against machines/hosts/vfio-host.schema.json, then against the rules a schema cannot express (unique
// names, resolvable phandles); every message names the file and the JSON path at fault.
import { checkJson, JsonCheckError, loadSchemaFile, type JsonSchema } from '../../config/json-schema.js';
import { parseJsonText } from '../../config/json-text.js';
import { InputFileError, readInputFile } from '../../files/input-file.js';
import { encodeDtValue, jsonNumber, type DtValueJson } from './dt-values.js';
import { projectPath } from '../../project-paths.js';

export const HOST_SCHEMA_PATH = projectPath('machines', 'hosts', 'vfio-host.schema.json');

const DESCRIPTION_FILE_LIMIT = { maxBytes: 16 * 2 ** 20, what: 'the 16 MiB a host description may have' };

export type IrqTrigger = 'level' | 'edge';

export interface NodeDescription {
  /** Absolute path in the host tree, e.g. /soc/ethernet@fff51000. */
  path: string;
  /** Encoded values (big-endian cells, NUL-terminated strings), in description order. */
  properties: Map<string, Uint8Array>;
}

export interface RegionDescription {
  address: number;
  size: number;
  readOnly: boolean;
}

export interface DeviceDescription {
  name: string;
  iommuGroup: number;
  node: NodeDescription;
  regions: RegionDescription[];
  irqs: IrqTrigger[];
  model: { name: string; options: Record<string, unknown> };
  /** Where the device is described, for messages: `host.json: $.devices[0]`. */
  where: string;
}

export interface GroupDescription {
  id: number;
  viable: boolean;
  /** Devices of the group bound to host drivers (they make it non-viable). */
  otherDevices: { name: string; driver: string }[];
}

export interface HostDescription {
  source: string;
  devices: DeviceDescription[];
  groups: GroupDescription[];
  nodes: NodeDescription[];
}

interface NodeJson {
  path: string;
  properties: Record<string, DtValueJson>;
}
interface HostJson {
  devices: {
    name: string;
    iommuGroup: number;
    node: NodeJson;
    regions: { address: number | string; size: number | string; readOnly?: boolean }[];
    irqs: { trigger: IrqTrigger }[];
    model: { name: string; options?: Record<string, unknown> };
  }[];
  groups?: { id: number; viable?: boolean; otherDevices?: { name: string; driver: string }[] }[];
  nodes?: NodeJson[];
}

let hostSchema: JsonSchema | undefined;

function schema(): JsonSchema {
  hostSchema ??= loadSchemaFile(HOST_SCHEMA_PATH);
  return hostSchema;
}

/** Reads and checks a host description file; throws JsonCheckError listing every problem. */
export function loadHostDescription(path: string): HostDescription {
  let text: string;
  try {
    text = readInputFile(path, DESCRIPTION_FILE_LIMIT).toString('utf8');
  } catch (e) {
    if (e instanceof InputFileError) throw new JsonCheckError([`${path}: cannot read the host description: ${e.reason}`]);
    throw e;
  }
  return parseHostDescription(parseJsonText(text, path), path);
}

/** Checks an already parsed description; `source` names it in messages. */
export function parseHostDescription(value: unknown, source: string): HostDescription {
  const json = checkJson<HostJson>(value, schema(), source);
  const node = (n: NodeJson): NodeDescription => ({
    path: n.path,
    properties: new Map(Object.entries(n.properties).map(([name, v]) => [name, encodeDtValue(v)])),
  });
  const description: HostDescription = {
    source,
    devices: json.devices.map((d, i) => ({
      name: d.name,
      iommuGroup: d.iommuGroup,
      node: node(d.node),
      regions: d.regions.map((r) => ({ address: jsonNumber(r.address), size: jsonNumber(r.size), readOnly: r.readOnly ?? false })),
      irqs: d.irqs.map((irq) => irq.trigger),
      model: { name: d.model.name, options: d.model.options ?? {} },
      where: `${source}: $.devices[${i}]`,
    })),
    // A device bound to a host driver keeps the group's DMA ownership: not viable unless stated otherwise.
    groups: (json.groups ?? []).map((g) => ({ id: g.id, viable: g.viable ?? !g.otherDevices?.length, otherDevices: g.otherDevices ?? [] })),
    nodes: (json.nodes ?? []).map(node),
  };
  const problems = crossChecks(description);
  if (problems.length) throw new JsonCheckError(problems.map((p) => `${source}: ${p}`));
  return description;
}

/** The rules between entries: unique names, paths and group ids, regions that fit, phandles that resolve. */
function crossChecks(description: HostDescription): string[] {
  const problems: string[] = [];
  const firstSeen = new Map<string, string>();
  const unique = (kind: string, key: string, path: string) => {
    const seen = firstSeen.get(`${kind}:${key}`);
    if (seen) problems.push(`${path}: ${kind} '${key}' is already used at ${seen}`);
    else firstSeen.set(`${kind}:${key}`, path);
  };
  description.devices.forEach((d, i) => {
    unique('device name', d.name, `$.devices[${i}].name`);
    unique('node path', d.node.path, `$.devices[${i}].node.path`);
    if (!d.node.properties.has('compatible')) {
      problems.push(`$.devices[${i}].node.properties: missing 'compatible' (vfio-platform needs it to find a reset and the guest node)`);
    }
    d.regions.forEach((r, j) => {
      if (r.size === 0) problems.push(`$.devices[${i}].regions[${j}].size: a region cannot be empty`);
      if (r.address + r.size > 2 ** 52) problems.push(`$.devices[${i}].regions[${j}]: the region ends above 2^52`);
    });
  });
  description.groups.forEach((g, i) => {
    unique('group id', String(g.id), `$.groups[${i}].id`);
    g.otherDevices.forEach((o, j) => unique('device name', o.name, `$.groups[${i}].otherDevices[${j}].name`));
  });
  description.nodes.forEach((n, i) => unique('node path', n.path, `$.nodes[${i}].path`));
  problems.push(...nameClashChecks(description));
  problems.push(...phandleChecks(description));
  description.devices.forEach((d, i) => problems.push(...regChecks(description, d, `$.devices[${i}]`)));
  return problems;
}

/**
 * The kernel takes a device's regions from its node's `reg`; a description states both, so they must agree.
 * Checked when the parent node is described (its #address-cells and #size-cells decode `reg`).
 */
function regChecks(description: HostDescription, device: DeviceDescription, path: string): string[] {
  const reg = device.node.properties.get('reg');
  const parentPath = device.node.path.slice(0, device.node.path.lastIndexOf('/'));
  const parent = [...description.nodes, ...description.devices.map((d) => d.node)].find((n) => n.path === parentPath);
  if (!reg || !parent) return [];
  const addressCells = parent.properties.get('#address-cells');
  const sizeCells = parent.properties.get('#size-cells');
  if (addressCells?.length !== 4 || sizeCells?.length !== 4) return [];
  const ac = cell(addressCells, 0);
  const sc = cell(sizeCells, 0);
  const entry = (ac + sc) * 4;
  if (entry === 0 || reg.length % entry !== 0)
    return [`${path}.node.properties.reg: ${reg.length} bytes is not a whole number of <${ac} address, ${sc} size> cell entries (${parentPath})`];
  const number = (at: number, cells: number) => Array.from({ length: cells }, (_, k) => cell(reg, at + k * 4)).reduce((n, c) => n * 2 ** 32 + c, 0);
  const fromReg = Array.from(
    { length: reg.length / entry },
    (_, k) => `0x${number(k * entry, ac).toString(16)}+0x${number(k * entry + ac * 4, sc).toString(16)}`,
  );
  const fromRegions = device.regions.map((r) => `0x${r.address.toString(16)}+0x${r.size.toString(16)}`);
  if (fromReg.join() === fromRegions.join()) return [];
  return [`${path}.regions: [${fromRegions.join(', ')}] do not match the node's reg [${fromReg.join(', ')}]`];
}

/** Every node of the description with its JSON path (`$.devices[0].node`, `$.nodes[1]`). */
function describedNodes(description: HostDescription): { node: NodeDescription; at: string }[] {
  return [
    ...description.devices.map((d, i) => ({ node: d.node, at: `$.devices[${i}].node` })),
    ...description.nodes.map((node, i) => ({ node, at: `$.nodes[${i}]` })),
  ];
}

/** A node is a directory of the host tree and a property a file in its parent's: they cannot share a name. */
function nameClashChecks(description: HostDescription): string[] {
  const nodes = describedNodes(description);
  return nodes.flatMap(({ node, at }) => {
    const slash = node.path.lastIndexOf('/');
    const parent = nodes.find((other) => other.node.path === node.path.slice(0, slash));
    const name = node.path.slice(slash + 1);
    return parent?.node.properties.has(name) ? [`${at}.path: node '${name}' has the name of a property of ${parent.node.path} (${parent.at}.properties)`] : [];
  });
}

/** `phandle` values are unique and every `clocks` specifier names a node that has one. */
function phandleChecks(description: HostDescription): string[] {
  const problems: string[] = [];
  const all = describedNodes(description).map(({ node, at }) => ({ node, path: `${at}.properties` }));
  const byPhandle = new Map<number, NodeDescription>();
  for (const { node, path } of all) {
    const value = node.properties.get('phandle');
    if (!value) continue;
    if (value.length !== 4) {
      problems.push(`${path}.phandle: a phandle is one u32 cell`);
      continue;
    }
    const phandle = cell(value, 0);
    const user = byPhandle.get(phandle);
    if (user) problems.push(`${path}.phandle: phandle ${phandle} is already used by ${user.path}`);
    else byPhandle.set(phandle, node);
  }
  for (const { node, path } of all) {
    const clocks = node.properties.get('clocks');
    if (!clocks) continue;
    for (let at = 0; at + 4 <= clocks.length;) {
      const phandle = cell(clocks, at);
      const provider = byPhandle.get(phandle);
      if (!provider) {
        problems.push(`${path}.clocks: phandle ${phandle} names no node (give the clock's node a 'phandle' in $.nodes)`);
        break;
      }
      const cellsValue = provider.properties.get('#clock-cells');
      at += 4 + (cellsValue && cellsValue.length === 4 ? cell(cellsValue, 0) : 0) * 4;
    }
  }
  return problems;
}

function cell(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, false);
}
