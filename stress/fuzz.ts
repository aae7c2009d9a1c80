// `npm run fuzz`: every device model under random guest accesses, input line changes and time steps, its
// invariant checked after each operation (src/testing/fuzz). Seeded and reproducible:
//
//   npm run fuzz -- [--seed N] [--accesses N] [--device NAME]... [--list]
//
// A failure prints the operations that led to it and the command that replays it; the exit code is 1.
import { randomInt } from 'node:crypto';
import { describeFailure, fuzz, type FuzzOutcome } from '../src/testing/fuzz/engine.js';
import { loadFuzzTargets } from './fuzz-targets.js';

const DEFAULT_ACCESSES = 1_000_000;

interface Options {
  seed: number;
  accesses: number;
  devices: string[];
  list: boolean;
}

function parse(argv: string[]): Options {
  const options: Options = { seed: randomInt(2 ** 32 - 1), accesses: DEFAULT_ACCESSES, devices: [], list: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    const count = (text: string) =>
      /^\d+$/.test(text) && Number(text) <= 2 ** 32 - 1 ? Number(text) : usage(`${flag} '${text}' is not a whole number below 2^32`);
    if (flag === '--seed') options.seed = count(value());
    else if (flag === '--accesses') options.accesses = count(value());
    else if (flag === '--device') options.devices.push(...value().split(','));
    else if (flag === '--list') options.list = true;
    else usage(`unknown option '${flag}'`);
  }
  return options;
}

function usage(problem: string): never {
  process.stderr.write(`fuzz: ${problem}\nusage: npm run fuzz -- [--seed N] [--accesses N] [--device NAME]... [--list]\n`);
  process.exit(2);
}

const options = parse(process.argv.slice(2));
const targets = await loadFuzzTargets();
if (options.list) {
  process.stdout.write(`${[...targets.keys()].join('\n')}\n`);
  process.exit(0);
}
const unknown = options.devices.filter((name) => !targets.has(name));
if (unknown.length) usage(`no fuzz target ${unknown.map((n) => `'${n}'`).join(', ')} (targets: ${[...targets.keys()].join(', ')})`);
const chosen = options.devices.length ? options.devices : [...targets.keys()];

process.stdout.write(`fuzz: seed ${options.seed}, ${options.accesses} accesses per target, ${chosen.length} targets\n`);
const outcomes: FuzzOutcome[] = [];
for (const name of chosen) {
  const started = performance.now();
  const outcome = fuzz(name, targets.get(name)!, options);
  outcomes.push(outcome);
  const seconds = ((performance.now() - started) / 1e3).toFixed(1);
  if (outcome.failure) process.stdout.write(`${describeFailure(outcome)}\n`);
  else
    process.stdout.write(
      `${name.padEnd(22)} ${String(outcome.accesses).padStart(9)} accesses ${String(outcome.steps).padStart(9)} operations ${seconds.padStart(6)} s  ok: ${outcome.invariant}\n`,
    );
}
const failed = outcomes.filter((o) => o.failure);
process.stdout.write(
  failed.length
    ? `fuzz: ${failed.length} of ${outcomes.length} targets failed (seed ${options.seed})\n`
    : `fuzz: all ${outcomes.length} targets held their invariants (seed ${options.seed})\n`,
);
process.exit(failed.length ? 1 : 0);
