// armvirt's command line: a command (`run CONFIG.json`, `dumpdtb`) and QEMU-style flags (`-M virt -m 512M
// -kernel X -device pl031 ...`, one or two dashes, `--flag=value` too). Flags become the same raw JSON keys a
// machine config file has, so both are checked by the one schema and a flag overrides its key.
import { closestWord } from '../config/did-you-mean.js';
import type { RawConfig } from '../vmm/config.js';
import { DEFAULT_GDB_LISTEN } from '../gdb/listen-address.js';
import { at } from '../util/at.js';

/** Bad command-line syntax: the message names the flag or argument. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CommandLine {
  command: 'run' | 'dumpdtb';
  /** The machine config file given as an argument, if any. */
  configPath?: string;
  /** Config keys set by flags (paths as typed: relative to the working directory). */
  flags: RawConfig;
  /** The flag that set each key, for messages about its value. */
  flagOf: Partial<Record<keyof RawConfig, string>>;
  /** Where dumpdtb writes the DTB (`-M virt,dumpdtb=FILE`, `dumpdtb -o FILE`); undefined with --dts. */
  dtbOutput?: string;
  /** dumpdtb --dts: print the source text instead of writing a blob. */
  dts: boolean;
  info?: string;
  help: boolean;
  /** --version: armvirt's version and the engine's. */
  version: boolean;
  /** Help requests found in flag values: `-device help`, `-device TYPE,help`, `-trace help`, `-M help`, `-d help`. */
  helpFor: { devices: string[]; trace: boolean; machines: boolean; debug: boolean; cpus: boolean };
}

/** QEMU's -d items we take: trace:GLOB enables trace events; guest_errors logs every guest error (else rate-limited). */
export const DEBUG_ITEMS = ['trace:GLOB', 'guest_errors', 'unimp'] as const;
export const CPU_MODELS = ['cortex-a72'] as const;

interface FlagSpec {
  /** Names without dashes; the first is the one messages use. */
  names: string[];
  /** The argument's name in usage text; absent for a flag without a value. */
  value?: string;
  help: string;
  apply(line: CommandLine, value: string, spelled: string): void;
}

const setKey = <K extends keyof RawConfig>(line: CommandLine, key: K, value: RawConfig[K], spelled: string) => {
  line.flags[key] = value;
  line.flagOf[key] = spelled;
};

function seconds(value: string, spelled: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${spelled} '${value}' is not a positive number of seconds`);
  return n;
}

/** `-M virt,dumpdtb=FILE,platform-bus-size=64M` */
function applyMachine(line: CommandLine, value: string, spelled: string): void {
  const [type, ...options] = value.split(',');
  if (type === 'help') {
    line.helpFor.machines = true;
    return;
  }
  if (type !== 'virt' && type !== 'foundation')
    throw new UsageError(`${spelled} '${type}': unknown machine type (accepted: virt, foundation; '${spelled} help' describes them)`);
  setKey(line, 'machine', type, spelled);
  for (const option of options) {
    const eq = option.indexOf('=');
    const [key, arg] = eq < 0 ? [option, ''] : [option.slice(0, eq), option.slice(eq + 1)];
    if (key === 'dumpdtb' && arg) {
      line.command = 'dumpdtb';
      line.dtbOutput = arg;
    } else if (key === 'platform-bus-size' && arg) {
      line.flags.platformBus = { ...line.flags.platformBus, size: arg };
      line.flagOf.platformBus = `${spelled} ${type},platform-bus-size`;
    } else if (key === 'platform-bus-node' && arg) {
      line.flags.platformBus = { ...line.flags.platformBus, nodeName: arg as 'platform' };
      line.flagOf.platformBus = `${spelled} ${type},platform-bus-node`;
    } else if (key === 'gic-version' && arg === '2') {
      // The only GIC this machine has; accepted so QEMU command lines work unchanged.
    } else {
      throw new UsageError(
        `${spelled} ${type}: unknown option '${option}' (accepted: dumpdtb=FILE, platform-bus-size=SIZE, platform-bus-node=platform|platform-bus, gic-version=2)`,
      );
    }
  }
}

function applyDebug(line: CommandLine, value: string, spelled: string): void {
  for (const item of value.split(',')) {
    if (item === 'help') line.helpFor.debug = true;
    else if (item.startsWith('trace:') && item.length > 'trace:'.length) line.flags.trace = [...(line.flags.trace ?? []), item.slice('trace:'.length)];
    else if (item === 'guest_errors') setKey(line, 'guestErrors', 'all', spelled);
    else if (item !== 'unimp') throw new UsageError(`${spelled} '${item}': unknown log item (accepted: ${DEBUG_ITEMS.join(', ')}, help)`);
  }
}

/** --timeout / --host-timeout: one key of the config's `timeout` object each. */
function timeoutFlag(name: string, key: 'virtual' | 'host', what: string): FlagSpec {
  return {
    names: [name],
    value: 'SECONDS',
    help: `stop with exit code 124 after this much ${what} time`,
    apply: (line, v, s) => {
      line.flags.timeout = { ...line.flags.timeout, [key]: seconds(v, s) };
      line.flagOf.timeout = s;
    },
  };
}

export const FLAGS: FlagSpec[] = [
  {
    names: ['M', 'machine'],
    value: 'TYPE[,dumpdtb=FILE][,platform-bus-size=SIZE][,platform-bus-node=NAME]',
    help: 'machine type: virt (default) or foundation; dumpdtb=FILE writes the guest DTB and exits',
    apply: applyMachine,
  },
  {
    names: ['m'],
    value: 'SIZE',
    help: 'RAM size, e.g. 512M or 1G (also size=SIZE)',
    apply: (line, v, s) => setKey(line, 'memory', v.startsWith('size=') ? v.slice('size='.length) : v, s),
  },
  {
    names: ['cpu'],
    value: 'MODEL',
    help: `CPU model: ${CPU_MODELS.join(', ')} (the only one; accepted so QEMU command lines work)`,
    apply: (line, v, s) => {
      if (v === 'help') line.helpFor.cpus = true;
      else if (!(CPU_MODELS as readonly string[]).includes(v)) throw new UsageError(`${s} '${v}': unknown CPU model (accepted: ${CPU_MODELS.join(', ')})`);
    },
  },
  { names: ['kernel'], value: 'FILE', help: 'AArch64 ELF or Linux arm64 Image to boot', apply: (line, v, s) => setKey(line, 'kernel', v, s) },
  { names: ['initrd'], value: 'FILE', help: 'initial ramdisk (virt)', apply: (line, v, s) => setKey(line, 'initrd', v, s) },
  { names: ['append'], value: 'TEXT', help: 'kernel command line, /chosen/bootargs (virt)', apply: (line, v, s) => setKey(line, 'append', v, s) },
  { names: ['dtb'], value: 'FILE', help: 'give the guest this DTB instead of the generated one (virt)', apply: (line, v, s) => setKey(line, 'dtb', v, s) },
  {
    names: ['device'],
    value: 'TYPE[,PROP=VALUE...]',
    help: "add a device on virt's platform bus; 'help' lists types, 'TYPE,help' its properties",
    apply: (line, v, s) => {
      if (v === 'help' || v.split(',').includes('help')) line.helpFor.devices.push(v);
      else setKey(line, 'devices', [...(line.flags.devices ?? []), v], s);
    },
  },
  {
    names: ['serial'],
    value: 'stdio|mon:stdio|null|memory|file:PATH',
    help: 'PL011 backend (default stdio)',
    apply: (line, v, s) => setKey(line, 'serial', v, s),
  },
  { names: ['nographic'], help: 'accepted for QEMU compatibility: the serial port is on stdio already', apply: () => {} },
  {
    names: ['trace'],
    value: 'GLOB',
    help: "enable trace events ('-GLOB' disables, 'help' lists them; QEMU's enable=GLOB too)",
    apply: (line, v, s) => {
      if (v === 'help') line.helpFor.trace = true;
      else setKey(line, 'trace', [...(line.flags.trace ?? []), v.startsWith('enable=') ? v.slice('enable='.length) : v], s);
    },
  },
  {
    names: ['d'],
    value: 'ITEM[,ITEM...]',
    help: `log items: ${DEBUG_ITEMS.join(', ')} (guest_errors: every guest error, not the first few per source); 'help' lists them`,
    apply: applyDebug,
  },
  {
    names: ['clock'],
    value: 'realtime|deterministic',
    help: 'virtual clock from host time (default) or from the instruction count (reproducible)',
    apply: (line, v, s) => setKey(line, 'clock', v as 'realtime', s),
  },
  timeoutFlag('timeout', 'virtual', 'virtual'),
  timeoutFlag('host-timeout', 'host', 'host (wall-clock)'),
  {
    names: ['unmapped-access'],
    value: 'raz-wi|stop',
    help: 'a guest access to unmapped memory reads as zero and is logged (default), or stops the run',
    apply: (line, v, s) => setKey(line, 'unmappedAccess', v as 'stop', s),
  },
  {
    names: ['strict-hvc'],
    help: 'an HVC or SMC nothing answers ends the run (exit 125) instead of being UNDEFINED in the guest',
    apply: (line, _v, s) => setKey(line, 'strictHvc', true, s),
  },
  {
    names: ['vfio-host'],
    value: 'linux|fake:HOST.json',
    help: "where vfio-platform devices come from: the kernel's /dev/vfio, or a fake host (machines/hosts/*.json)",
    apply: (line, v, s) => setKey(line, 'vfioHost', v, s),
  },
  {
    names: ['s'],
    help: `gdb server on ${DEFAULT_GDB_LISTEN} (short for -gdb ${DEFAULT_GDB_LISTEN})`,
    apply: (line, _v, s) => setKey(line, 'gdb', DEFAULT_GDB_LISTEN, s),
  },
  {
    names: ['gdb'],
    value: 'tcp:[HOST]:PORT|unix:PATH',
    help: "gdb server for gdb-multiarch's target remote (HOST defaults to localhost)",
    apply: (line, v, s) => setKey(line, 'gdb', v, s),
  },
  {
    names: ['S'],
    help: 'hold the guest before its first instruction until gdb continues it',
    apply: (line, _v, s) => setKey(line, 'waitForDebugger', true, s),
  },
  { names: ['info'], value: 'qtree|mtree|mtree-f|irq|vfio', help: 'print a monitor view of the built machine and exit', apply: (line, v) => (line.info = v) },
  { names: ['dts'], help: 'dumpdtb: print the device tree source instead of writing a DTB', apply: (line) => (line.dts = true) },
  { names: ['o', 'output'], value: 'FILE', help: 'dumpdtb: write the DTB to FILE', apply: (line, v) => (line.dtbOutput = v) },
  { names: ['h', 'help'], help: 'this text', apply: (line) => (line.help = true) },
  { names: ['version'], help: "armvirt's version and the Unicorn engine's (uc_version)", apply: (line) => (line.version = true) },
];

/** Flags QEMU has, shown with its single dash; armvirt's own are shown with two (either works). */
const QEMU_FLAGS = new Set([
  'M',
  'm',
  'cpu',
  'kernel',
  'initrd',
  'append',
  'dtb',
  'device',
  'serial',
  'nographic',
  'trace',
  'd',
  'h',
  'version',
  's',
  'S',
  'gdb',
]);

const flagByName = new Map(FLAGS.flatMap((flag) => flag.names.map((name) => [name, flag] as const)));

/** Splits argv into a command, a config path and flags; throws UsageError naming the argument at fault. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const line: CommandLine = {
    command: 'run',
    flags: {},
    flagOf: {},
    dts: false,
    help: false,
    version: false,
    helpFor: { devices: [], trace: false, machines: false, debug: false, cpus: false },
  };
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = at(argv, i);
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const flag = flagByName.get(name);
    if (!flag) throw new UsageError(`unknown option '${arg}'${suggestFlag(name)}; see armvirt --help`);
    const spelled = arg.slice(0, arg.length - body.length) + name;
    let value = eq < 0 ? undefined : body.slice(eq + 1);
    if (flag.value === undefined) {
      if (value !== undefined) throw new UsageError(`${spelled} takes no value`);
      flag.apply(line, '', spelled);
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`${spelled} needs a value: ${spelled} ${flag.value}`);
      value = at(argv, ++i);
    }
    flag.apply(line, value, spelled);
  }
  if (positionals[0] === 'run' || positionals[0] === 'dumpdtb') line.command = positionals.shift() as 'run' | 'dumpdtb';
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}': give one machine config file`);
  if (positionals.length === 1) line.configPath = positionals[0];
  if ((line.dts || line.dtbOutput !== undefined) && line.command !== 'dumpdtb') line.command = 'dumpdtb';
  return line;
}

function suggestFlag(name: string): string {
  const names = [...flagByName.keys()].filter((known) => known.length > 2);
  const close = closestWord(name, names) ?? names.find((known) => known.startsWith(name));
  return close ? ` (did you mean '-${close}'?)` : '';
}

export function usage(): string {
  const table = FLAGS.map((flag) => {
    const dashes = QEMU_FLAGS.has(at(flag.names, 0)) ? '-' : '--';
    const names = flag.names.map((n) => (n.length === 1 ? `-${n}` : `${dashes}${n}`)).join(', ');
    return `  ${names}${flag.value ? ` ${flag.value}` : ''}\n        ${flag.help}`;
  }).join('\n');
  return `usage: armvirt [run] [CONFIG.json] [FLAGS...]
       armvirt dumpdtb [CONFIG.json] [FLAGS...] (--dts | -o FILE)

Runs a machine from a config file (machines/*.json; schema machines/machine-config.schema.json) and/or
QEMU-style flags, which override the file's keys. A run with no config, -kernel or -M runs the demo,
machines/virt-demo.json. Flags take one or two dashes and FLAG=VALUE or FLAG VALUE.

${table}

Exit codes: 0 guest powered off (or the guest's own code on the foundation board), 2 bad command line or
config, 3 guest asked for a reset, 124 timeout, 125 guest fault (unhandled exception or hypercall,
unmapped access with --unmapped-access stop), 126 VMM error, 128 + n ended by signal n (129 SIGHUP,
130 SIGINT or Ctrl-C, 131 SIGQUIT, 143 SIGTERM).`;
}
