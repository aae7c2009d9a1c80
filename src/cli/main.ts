// armvirt: the VMM launcher. `armvirt [run] [CONFIG.json] [FLAGS]` builds the machine a config file and
// QEMU-style flags describe and runs it; `armvirt dumpdtb` writes (or prints) the guest's device tree. With
// no config and no kernel it runs the demo config. `armvirt --help` lists the flags and exit codes.
// Loaded by armvirt.ts, which reports a failure to load (an engine that is too old) in one line.
import { readFileSync, writeFileSync } from 'node:fs';
import { GuestErrorLog } from '../core/guest-errors.js';
import { native } from '../cpu/native.js';
import { printDts } from '../fdt/index.js';
import { formatMtree } from '../memory/mtree.js';
import { formatInfoIrq } from '../monitor/irq-lines.js';
import { formatQtree } from '../monitor/qtree.js';
import { deviceHelp } from '../qom/device-options.js';
import { StreamTraceSink, traceRegistry } from '../trace/index.js';
import {
  absolutePaths,
  ConfigError,
  DEFAULT_CONFIG_PATH,
  checkRawConfig,
  loadConfigFile,
  mergeRawConfigs,
  resolveConfig,
  type MachineConfig,
  type RawConfig,
} from '../vmm/config.js';
import { EXIT_USAGE, EXIT_VMM_ERROR } from '../core/exit-codes.js';
import type { Machine } from '../../machines/machine.js';
import { CPU_MODELS, DEBUG_ITEMS, parseCommandLine, usage, UsageError, type CommandLine } from './args.js';
import { errorLines } from './error-lines.js';
import { buildMachine, loadVfioBackend, MACHINE_TYPES, runMachine } from './launch.js';
import { TerminationSignals } from './signals.js';
import { formatInfoVfio } from '../../devices/vfio-platform/info-vfio.js';
import { projectPath } from '../project-paths.js';

const print = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
export const report = (message: string) => process.stderr.write(`armvirt: ${message}\n`);

/**
 * The file config under the flags. A run given neither a config nor a kernel nor a machine runs the demo's;
 * dumpdtb and --info without a config describe the plain machine the flags make.
 */
function configFrom(line: CommandLine): MachineConfig {
  const flags = checkFlags(line);
  const demo = line.command === 'run' && line.info === undefined && flags.kernel === undefined && flags.machine === undefined;
  const configPath = line.configPath ?? (demo ? DEFAULT_CONFIG_PATH : undefined);
  const flagOf = (key: keyof RawConfig) => line.flagOf[key];
  if (configPath === undefined) return resolveConfig(flags, 'the command line', flagOf);
  const file = loadConfigFile(configPath);
  return resolveConfig(mergeRawConfigs(absolutePaths(file.raw, file.baseDir), flags), configPath, flagOf);
}

/** Flag values checked by the config schema, each problem named by the flag that set it. */
function checkFlags(line: CommandLine): RawConfig {
  try {
    return absolutePaths(checkRawConfig(line.flags, 'command line'), process.cwd());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(
      error.problems.map((problem) => problem.replace(/^command line: \$\.(\w+)(?:[.[][^:]*)?: /, (_, key: keyof RawConfig) => `${line.flagOf[key] ?? key}: `)),
    );
  }
}

function helpText(line: CommandLine): string | undefined {
  const texts: string[] = [];
  if (line.help) texts.push(usage());
  if (line.helpFor.machines)
    texts.push(
      Object.entries(MACHINE_TYPES)
        .map(([name, text]) => `${name.padEnd(12)} ${text}`)
        .join('\n'),
    );
  if (line.helpFor.cpus) texts.push(CPU_MODELS.join('\n'));
  if (line.helpFor.debug)
    texts.push(
      `${DEBUG_ITEMS.join('\n')}\n(guest errors such as unmapped accesses are logged, the first 10 per source every 5 s; guest_errors logs every one)`,
    );
  if (line.helpFor.trace)
    texts.push(
      traceRegistry
        .list()
        .map((e) => `${e.name}  ${e.format}`)
        .join('\n'),
    );
  for (const request of line.helpFor.devices) texts.push(deviceHelp(request) ?? '');
  return texts.length ? texts.join('\n\n') : undefined;
}

function enableTracing(config: MachineConfig, machine: Machine): void {
  if (!config.trace.length) return;
  for (const warning of traceRegistry.enable(...config.trace)) report(warning);
  traceRegistry.addSink(new StreamTraceSink(process.stderr));
  traceRegistry.setClock(() => machine.vcpu.nowNs());
}

/** `armvirt 0.1.0` and the engine the addon loaded, with its raw uc_version. */
function versionText(): string {
  const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string };
  const engine = native.unicornVersion();
  return `armvirt ${pkg.version}\nUnicorn ${engine.text} (uc_version 0x${engine.packed.toString(16).padStart(8, '0')})`;
}

const INFO_VIEWS: Record<string, (machine: Machine) => string> = {
  qtree: (m) => formatQtree(m.tree.root),
  mtree: (m) => formatMtree(m.memory),
  'mtree-f': (m) => formatMtree(m.memory, { flat: true }),
  irq: (m) => formatInfoIrq(m.tree.root),
  vfio: (m) => formatInfoVfio(m.tree.root),
};

export async function main(argv: string[]): Promise<number> {
  // Caught before anything is taken (a fake host's temp tree), so a signal at any point ends the run cleanly.
  const signals = new TerminationSignals();
  try {
    return await launch(argv, signals);
  } finally {
    signals.dispose();
  }
}

async function launch(argv: string[], signals: TerminationSignals): Promise<number> {
  const line = parseCommandLine(argv);
  if (line.version) {
    print(versionText());
    return 0;
  }
  const help = helpText(line);
  if (help !== undefined) {
    print(help);
    return 0;
  }
  const config = configFrom(line);
  const infoView = line.info === undefined || !Object.hasOwn(INFO_VIEWS, line.info) ? undefined : INFO_VIEWS[line.info];
  if (line.info !== undefined && !infoView) throw new UsageError(`--info '${line.info}' is not one of ${Object.keys(INFO_VIEWS).join(', ')}`);
  if (line.command === 'dumpdtb' && !line.dts && line.dtbOutput === undefined)
    throw new UsageError('dumpdtb needs --dts (print the source) or -o FILE (write the DTB)');

  const running = line.command === 'run' && !infoView;
  // One guest-error log for the machine and the fake host's device models, flushed when the run ends.
  const guestErrors = new GuestErrorLog(report, { all: config.guestErrors === 'all' });
  const built = buildMachine(config, {
    vfio: config.machine === 'virt' ? await loadVfioBackend(config, report, guestErrors.report) : undefined,
    loadKernel: running || (line.command === 'dumpdtb' && config.kernel !== undefined),
    ...(running ? {} : { serial: 'null' }),
    log: report,
    guestError: guestErrors.report,
    onHarnessLine: (text) => print(text),
  });
  if (infoView) {
    try {
      print(infoView(built.machine));
    } finally {
      built.machine.close();
    }
    return 0;
  }
  if (line.command === 'dumpdtb') {
    try {
      const dtb = built.dtb();
      if (line.dts) print(printDts(dtb));
      if (line.dtbOutput !== undefined) writeDtb(line.dtbOutput, dtb);
    } finally {
      built.machine.close();
    }
    return 0;
  }
  enableTracing(config, built.machine);
  return runMachine(built.machine, config, report, { guestErrors, signals, onGuestStarting: () => (setupDone = true) });
}

function writeDtb(path: string, dtb: Uint8Array): void {
  try {
    writeFileSync(path, dtb);
  } catch (error) {
    throw new Error(`cannot write the DTB to '${path}': ${(error as Error).message.replace(/, open '.*'$/, '')}`, { cause: error });
  }
}

/** Until the guest starts, a failure is bad input (a flag, the config, a file it names): exit 2. */
let setupDone = false;

/**
 * Bad input ends with its message and exit code 2; a failure once the guest runs, or a defect in armvirt
 * itself (a TypeError and the like), is a VMM error. ARMVIRT_DEBUG=1 adds the stack.
 */
export function fail(error: unknown): number {
  const defect = error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError;
  const badInput = !setupDone && !defect;
  for (const line of errorLines(error)) report(line);
  if (process.env.ARMVIRT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return badInput ? EXIT_USAGE : EXIT_VMM_ERROR;
}
