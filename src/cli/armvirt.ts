#!/usr/bin/env node
// armvirt: the VMM launcher. With no arguments it runs the demo VM (firmware/build/foundation.elf on the
// foundation board) and prints what the guest prints; the exit code is the guest's PSCI SYSTEM_OFF code.
import { parseArgs } from 'node:util';
import { FoundationBoard } from '../../machines/foundation.js';
import { firmwarePath } from '../firmware-path.js';
import { formatMtree } from '../memory/mtree.js';
import { formatQtree } from '../monitor/qtree.js';
import { formatInfoIrq } from '../monitor/irq-lines.js';
import { StreamTraceSink, traceRegistry } from '../trace/index.js';

const USAGE = `usage: armvirt [--firmware FILE.elf] [--clock deterministic|realtime] [--timeout SECONDS]
               [--trace PATTERN]... [--info qtree|mtree|mtree-f|irq]
  Runs an AArch64 ELF on the foundation board (RAM at 0x40000000, test harness device at 0x0a000000).
  Without --firmware it runs the demo, firmware/build/foundation.elf.
  --trace enables trace events by glob ('pl031_*', '-regbank_*' to disable; 'help' lists them).
  --info prints a monitor view of the board and exits: the device tree (qtree), the memory tree (mtree),
  its flat view (mtree-f) or the IRQ lines (irq).`;

// Exit codes: the guest's own code on power-off; these for everything else.
const EXIT_TIMEOUT = 124;
const EXIT_GUEST_FAULT = 125;
const EXIT_VMM_ERROR = 126;

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        firmware: { type: 'string' },
        clock: { type: 'string', default: 'realtime' },
        timeout: { type: 'string', default: '60' },
        help: { type: 'boolean', short: 'h' },
        trace: { type: 'string', multiple: true, default: [] },
        info: { type: 'string' },
      },
    });
  } catch (e) {
    throw new Error(`${(e as Error).message}; see armvirt --help`);
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const clock = values.clock;
  if (clock !== 'deterministic' && clock !== 'realtime') throw new Error(`--clock '${clock}' is not one of deterministic, realtime`);
  const timeoutS = Number(values.timeout);
  if (!(timeoutS > 0)) throw new Error(`--timeout '${values.timeout}' is not a positive number of seconds`);

  if (values.trace.includes('help')) {
    for (const e of traceRegistry.list()) process.stdout.write(`${e.name}  ${e.format}\n`);
    return 0;
  }
  for (const warning of traceRegistry.enable(...values.trace)) process.stderr.write(`armvirt: ${warning}\n`);
  if (values.trace.length) traceRegistry.addSink(new StreamTraceSink(process.stderr));

  const board = new FoundationBoard({ clock });
  traceRegistry.setClock(() => board.vcpu.nowNs());
  if (values.info !== undefined) {
    const views: Record<string, () => string> = {
      qtree: () => formatQtree(board.root),
      mtree: () => formatMtree(board.memory),
      'mtree-f': () => formatMtree(board.memory, { flat: true }),
      irq: () => formatInfoIrq(board.root),
    };
    const view = views[values.info];
    if (!view) throw new Error(`--info '${values.info}' is not one of ${Object.keys(views).join(', ')}`);
    process.stdout.write(view());
    board.close();
    return 0;
  }
  board.harness.onLine = (line) => process.stdout.write(`${line}\n`);
  board.loadFirmware(values.firmware ?? firmwarePath('foundation'));
  process.once('SIGINT', () => board.loop.stop('interrupted (SIGINT)', 130));
  const exit = await board.run({ untilNs: timeoutS * 1e9 });
  board.close();
  switch (exit.kind) {
    case 'stopped':
      process.stderr.write(`armvirt: ${exit.reason}, exit code ${exit.exitCode}\n`);
      return exit.exitCode;
    case 'time-limit':
      process.stderr.write(`armvirt: timed out after ${timeoutS} s of virtual time\n`);
      return EXIT_TIMEOUT;
    case 'hypercall':
      process.stderr.write(`armvirt: unhandled ${exit.call.conduit.toUpperCase()} #0x${exit.call.imm.toString(16)} at PC 0x${exit.call.pc.toString(16)}\n`);
      return EXIT_GUEST_FAULT;
    case 'exception':
      process.stderr.write(`armvirt: guest ${exit.name} at PC 0x${exit.pc.toString(16)}${exit.syndrome !== undefined ? ` (ESR 0x${exit.syndrome.toString(16)})` : ''}\n`);
      return EXIT_GUEST_FAULT;
    case 'unmapped-access':
      process.stderr.write(`armvirt: ${exit.message}\n`);
      return EXIT_GUEST_FAULT;
    case 'error':
      process.stderr.write(`armvirt: ${exit.message}\n`);
      return EXIT_VMM_ERROR;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`armvirt: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(EXIT_VMM_ERROR);
  },
);
