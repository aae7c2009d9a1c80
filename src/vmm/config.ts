// The one model of what to run, whether it comes from a machine config file (`armvirt run CONFIG.json`), from
// QEMU-style flags, or both (flags win). Raw JSON is checked against machines/machine-config.schema.json (the
// schema editors use), then resolved: sizes to bytes, paths to absolute ones (relative to the config file's
// folder, or to the working directory for flags), device objects to -device option strings.
import { dirname, join, resolve } from 'node:path';
import { checkJson, JsonCheckError, loadSchemaFile, type JsonSchema } from '../config/json-schema.js';
import { parseJsonText } from '../config/json-text.js';
import { InputFileError, readInputFile } from '../files/input-file.js';
import { parseSize } from '../qom/number-text.js';
import type { PassthroughPolicy } from '../../devices/vfio-platform/machine-keys.js';
import { MACHINE_TYPES, type MachineTypeLimits, type MachineType } from '../../machines/machine-types.js';
import { parseGdbListen, type GdbListenAddress } from '../gdb/listen-address.js';
import { projectPath } from '../project-paths.js';
import { hex } from '../util/hex.js';

export const MACHINES_DIR = projectPath('machines');
export const CONFIG_SCHEMA_PATH = join(MACHINES_DIR, 'machine-config.schema.json');
/** What `armvirt` and `npm start` run when given no config and no kernel. */
export const DEFAULT_CONFIG_PATH = join(MACHINES_DIR, 'virt-demo.json');

const PAGE_SIZE = 0x1000;
/** A machine config is a few hundred bytes; this bounds what a mistaken path (a disk image, a log) costs. */
const CONFIG_FILE_LIMIT = { maxBytes: 16 * 2 ** 20, what: 'the 16 MiB a machine config may have' };

/** A machine config file's JSON as the schema describes it (every key optional). */
export interface RawConfig {
  description?: string;
  machine?: MachineType;
  memory?: string;
  kernel?: string;
  initrd?: string;
  append?: string;
  dtb?: string;
  serial?: string;
  devices?: (string | RawDevice)[];
  clock?: 'realtime' | 'deterministic';
  timeout?: { virtual?: number; host?: number };
  unmappedAccess?: 'raz-wi' | 'stop';
  guestErrors?: 'limited' | 'all';
  strictHvc?: boolean;
  trace?: string[];
  platformBus?: { size?: string; nodeName?: 'platform' | 'platform-bus' };
  vfioHost?: string;
  passthroughPolicy?: PassthroughPolicy;
  gdb?: string;
  waitForDebugger?: boolean;
}

export interface RawDevice {
  type: string;
  id?: string;
  [property: string]: string | number | boolean | undefined;
}

export interface MachineConfig {
  /** Where the config came from, for messages: a file path, or 'the command line'. */
  source: string;
  machine: MachineType;
  memoryBytes?: number;
  kernel?: string;
  initrd?: string;
  append?: string;
  dtb?: string;
  serial: string;
  /** -device option strings, in order. */
  devices: string[];
  clock: 'realtime' | 'deterministic';
  timeout: { virtualSeconds?: number; hostSeconds?: number };
  unmappedAccess: 'raz-wi' | 'stop';
  /** Guest errors: the first few per source and a count of the rest (default), or every one (-d guest_errors). */
  guestErrors: 'limited' | 'all';
  /** An unanswered HVC/SMC ends the run instead of being UNDEFINED in the guest. */
  strictHvc: boolean;
  trace: string[];
  platformBus: { sizeBytes?: number; nodeName?: 'platform' | 'platform-bus' };
  /** `linux`, or `fake:` and the absolute path of a host description. */
  vfioHost?: string;
  passthroughPolicy?: PassthroughPolicy;
  /** The gdb server (-s, -gdb) and whether the guest waits for it (-S). */
  gdb?: { listen: GdbListenAddress; waitForDebugger: boolean };
}

/** A config or command line that cannot be used: every problem, one per line, each naming where it is. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

let schema: JsonSchema | undefined;
export function configSchema(): JsonSchema {
  schema ??= loadSchemaFile(CONFIG_SCHEMA_PATH);
  return schema;
}

/** Checks raw JSON against the schema; `source` prefixes every message. */
export function checkRawConfig(value: unknown, source: string): RawConfig {
  try {
    return checkJson<RawConfig>(value, configSchema(), source);
  } catch (e) {
    if (e instanceof JsonCheckError) throw new ConfigError(e.problems);
    throw e;
  }
}

/** Reads and checks a config file; its relative paths are resolved against its folder. */
export function loadConfigFile(path: string): { raw: RawConfig; baseDir: string } {
  let text: string;
  try {
    text = readInputFile(path, CONFIG_FILE_LIMIT).toString('utf8');
  } catch (e) {
    if (e instanceof InputFileError) throw new ConfigError([`${path}: cannot read the machine config: ${e.reason}`]);
    throw e;
  }
  let value: unknown;
  try {
    value = parseJsonText(text, path);
  } catch (e) {
    if (e instanceof JsonCheckError) throw new ConfigError(e.problems);
    throw e;
  }
  return { raw: checkRawConfig(value, path), baseDir: dirname(resolve(path)) };
}

/** Makes a raw config's file paths absolute against `baseDir` (so configs and flags can be merged). */
export function absolutePaths(raw: RawConfig, baseDir: string): RawConfig {
  const out: RawConfig = { ...raw };
  for (const key of ['kernel', 'initrd', 'dtb'] as const) {
    const path = out[key];
    if (path !== undefined) out[key] = resolve(baseDir, path);
  }
  if (out.serial?.startsWith('file:')) out.serial = `file:${resolve(baseDir, out.serial.slice('file:'.length))}`;
  if (out.vfioHost?.startsWith('fake:')) out.vfioHost = `fake:${resolve(baseDir, out.vfioHost.slice('fake:'.length))}`;
  if (out.gdb?.startsWith('unix:')) out.gdb = `unix:${resolve(baseDir, out.gdb.slice('unix:'.length))}`;
  return out;
}

/**
 * Lays `overrides` (the command line) over `base` (a config file): scalars and objects replace, the lists
 * (devices, trace) add up, as repeated -device and -trace flags do.
 */
export function mergeRawConfigs(base: RawConfig, overrides: RawConfig): RawConfig {
  const merged: RawConfig = { ...base, ...overrides };
  if (base.devices || overrides.devices) merged.devices = [...(base.devices ?? []), ...(overrides.devices ?? [])];
  if (base.trace || overrides.trace) merged.trace = [...(base.trace ?? []), ...(overrides.trace ?? [])];
  if (base.timeout || overrides.timeout) merged.timeout = { ...base.timeout, ...overrides.timeout };
  if (base.platformBus || overrides.platformBus) merged.platformBus = { ...base.platformBus, ...overrides.platformBus };
  return merged;
}

/**
 * The resolved model: defaults filled in, sizes in bytes, device objects as option strings. A problem is
 * named `source: $.key`, or by `flagOf(key)` (e.g. `-m`) when a command-line flag set the key.
 */
export function resolveConfig(raw: RawConfig, source: string, flagOf: (key: keyof RawConfig) => string | undefined = () => undefined): MachineConfig {
  const problems: string[] = [];
  const where = (key: keyof RawConfig, subKey = '') => flagOf(key) ?? `${source}: $.${key}${subKey}`;
  const bytes = (text: string | undefined, key: 'memory' | 'platformBus', subKey = '') => {
    if (text === undefined) return undefined;
    const value = parseSize(text);
    if (value === undefined || value === 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
      problems.push(`${where(key, subKey)}: '${text}' is not a usable size (a positive number of bytes with an optional K, M, G or T suffix)`);
      return undefined;
    }
    return Number(value);
  };
  const machine = raw.machine ?? 'virt';
  const limits: MachineTypeLimits = MACHINE_TYPES[machine];
  const config: MachineConfig = {
    source,
    machine,
    memoryBytes: bytes(raw.memory, 'memory'),
    kernel: raw.kernel,
    initrd: raw.initrd,
    append: raw.append,
    dtb: raw.dtb,
    serial: raw.serial ?? 'stdio',
    devices: (raw.devices ?? []).map(deviceOptionText),
    clock: raw.clock ?? 'realtime',
    timeout: { virtualSeconds: raw.timeout?.virtual, hostSeconds: raw.timeout?.host },
    unmappedAccess: raw.unmappedAccess ?? 'raz-wi',
    guestErrors: raw.guestErrors ?? 'limited',
    strictHvc: raw.strictHvc ?? false,
    trace: raw.trace ?? [],
    platformBus: { sizeBytes: bytes(raw.platformBus?.size, 'platformBus', '.size'), nodeName: raw.platformBus?.nodeName },
    vfioHost: raw.vfioHost,
    passthroughPolicy: raw.passthroughPolicy,
    gdb: gdbServer(raw, where, problems),
  };
  if (config.memoryBytes !== undefined && config.memoryBytes % PAGE_SIZE !== 0) {
    problems.push(`${where('memory')}: '${raw.memory}' is not a whole number of 4K pages`);
  } else if (config.memoryBytes !== undefined && config.memoryBytes > limits.maxRamBytes) {
    problems.push(`${where('memory')}: '${raw.memory}' is more than the ${limits.maxRamBytes / 2 ** 30}G of RAM the ${machine} memory map has room for`);
  }
  const busSize = config.platformBus.sizeBytes;
  const bus = limits.platformBus;
  if (busSize !== undefined && bus !== undefined && busSize > bus.end - bus.base) {
    problems.push(
      `${where('platformBus', '.size')}: '${raw.platformBus?.size}' does not fit between the platform bus at ${hex(bus.base)} ` +
        `and ${bus.endName} at ${hex(bus.end)} (at most ${(bus.end - bus.base) / 2 ** 20}M)`,
    );
  }
  if (config.clock === 'deterministic' && config.vfioHost === 'linux') {
    problems.push(
      `${where('clock')}: a deterministic clock skips idle time, so a guest waiting for a real device's interrupt would time out at once: use realtime with the linux VFIO host`,
    );
  }
  if (limits.noLinuxBoot !== undefined) {
    for (const key of ['initrd', 'append', 'dtb', 'devices', 'platformBus', 'vfioHost', 'passthroughPolicy'] as const) {
      if (raw[key] !== undefined) problems.push(`${where(key)}: ${limits.noLinuxBoot}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function gdbServer(raw: RawConfig, where: (key: keyof RawConfig) => string, problems: string[]): MachineConfig['gdb'] {
  if (raw.gdb === undefined) {
    if (raw.waitForDebugger) problems.push(`${where('waitForDebugger')}: nothing would ever start the guest: add a gdb server (-s or -gdb)`);
    return undefined;
  }
  const listen = parseGdbListen(raw.gdb);
  if ('error' in listen) {
    problems.push(`${where('gdb')}: '${raw.gdb}' is not valid: ${listen.error}`);
    return undefined;
  }
  return { listen, waitForDebugger: raw.waitForDebugger ?? false };
}

/** {"type": "pl031", "id": "rtc1", "x": 1} as the -device text `pl031,id=rtc1,x=1` (commas in values doubled). */
export function deviceOptionText(device: string | RawDevice): string {
  if (typeof device === 'string') return device;
  const { type, ...props } = device;
  const escape = (text: string) => text.replaceAll(',', ',,');
  return [type, ...Object.entries(props).map(([k, v]) => `${k}=${escape(String(v))}`)].join(',');
}
