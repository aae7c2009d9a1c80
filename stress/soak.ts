// `npm run soak -- --minutes N`: both passthrough IRQ paths and the timer IRQ storm side by side in this
// process for N minutes (default 10), as rounds of fresh machines (stress/soak-lanes.ts). It shows:
// - host IRQ count = guest IRQ count, every round (the host delivered each interrupt once, none was lost);
// - RSS drift under 5 % between the end of the first rounds and the end of the run;
// - no file descriptor or memory mapping leak (/proc/self/fd and /proc/self/maps counted at both points: the
//   shared mappings, which are the VMM's own (guest RAM, device memory, VFIO regions), must not grow; the
//   private ones are the runtime's heaps, whose growth RSS shows).
// Measured after garbage collection, with no machine running: the npm script runs node with --expose-gc, and
// with V8's young generation at a fixed size (--min/max-semi-space-size), which V8 would otherwise grow in
// the middle of a run, mapping more pages for the same live data. `--json` prints the figures as one JSON
// object; the exit code is 1 when a figure is off.
import { passthroughLane, timerStormLane, type Lane } from './soak-lanes.js';
import { gcExposed, newMappingKinds, settledStats, type ProcessStats } from './process-stats.js';

const RSS_DRIFT_LIMIT = 0.05;
/** The share of the run before the first measurement. */
const WARM_UP = 0.3;

interface LaneTotals {
  lane: string;
  rounds: number;
  hostIrqs: number;
  guestIrqs: number;
  mismatches: string[];
}

function parse(argv: string[]): { minutes: number; json: boolean } {
  let minutes = 10;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--minutes' || arg.startsWith('--minutes=')) {
      const text = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      minutes = Number(text);
      if (!(minutes > 0) || !Number.isFinite(minutes)) usage(`--minutes '${text}' is not a positive number`);
    } else usage(`unknown option '${arg}'`);
  }
  return { minutes, json };
}

function usage(problem: string): never {
  process.stderr.write(`soak: ${problem}\nusage: npm run soak -- [--minutes N] [--json]\n`);
  process.exit(2);
}

/** One round of `lane`, counted into `totals`. */
async function round(lane: Lane, totals: LaneTotals): Promise<void> {
  const counts = await lane.round();
  totals.rounds++;
  totals.hostIrqs += counts.host;
  totals.guestIrqs += counts.guest;
  if (counts.host !== counts.guest) totals.mismatches.push(`round ${totals.rounds}: host ${counts.host}, guest ${counts.guest}`);
  for (const line of counts.log) totals.mismatches.push(`round ${totals.rounds} logged: ${line}`);
}

const { minutes, json } = parse(process.argv.slice(2));
const lanes = [passthroughLane('resample', 20_000), passthroughLane('eventfd', 5_000), timerStormLane(50_000)];
const totals: LaneTotals[] = lanes.map((lane) => ({ lane: lane.name, rounds: 0, hostIrqs: 0, guestIrqs: 0, mismatches: [] }));
const say = (text: string) => json || process.stdout.write(`${text}\n`);
const started = performance.now();
const deadline = started + minutes * 60e3;
say(`soak: ${minutes} min of ${lanes.map((l) => l.name).join(', ')}, side by side${gcExposed() ? '' : ' (no --expose-gc: memory figures include garbage)'}`);

/** Rounds of every lane until `until` (at least one each); resolves once no machine is left running. */
const rounds = (until: number) =>
  Promise.all(
    lanes.map(async (lane, i) => {
      do await round(lane, totals[i]!);
      while (performance.now() < until);
    }),
  );

// The first part of the run makes the allocations a steady run keeps (compiled code, the heap grown to its
// working size, allocator pools): the figures compare its end with the end of the run.
await rounds(started + WARM_UP * (deadline - started));
const before: ProcessStats = await settledStats();
await rounds(deadline);
const after: ProcessStats = await settledStats();
for (const lane of lanes) lane.close?.();

const rssDrift = (after.rssBytes - before.rssBytes) / before.rssBytes;
const problems = [
  ...totals.flatMap((t) => t.mismatches.map((m) => `${t.lane}: ${m}`)),
  ...(Math.abs(rssDrift) >= RSS_DRIFT_LIMIT ? [`RSS drifted ${(rssDrift * 100).toFixed(1)} % (limit ${RSS_DRIFT_LIMIT * 100} %)`] : []),
  ...(after.fds > before.fds ? [`${after.fds - before.fds} more file descriptors open`] : []),
  ...(after.sharedMappings > before.sharedMappings
    ? [`${after.sharedMappings - before.sharedMappings} more shared memory mappings (${newMappingKinds(before, after).join(', ')})`]
    : []),
];
const figures = {
  minutes: (performance.now() - started) / 60e3,
  lanes: totals.map(({ lane, rounds, hostIrqs, guestIrqs }) => ({ lane, rounds, hostIrqs, guestIrqs })),
  rss_before_bytes: before.rssBytes,
  rss_after_bytes: after.rssBytes,
  rss_drift: rssDrift,
  fds_before: before.fds,
  fds_after: after.fds,
  mappings_before: before.mappings,
  mappings_after: after.mappings,
  shared_mappings_before: before.sharedMappings,
  shared_mappings_after: after.sharedMappings,
  problems,
};
if (json) {
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} else {
  for (const t of totals)
    say(
      `  ${t.lane.padEnd(30)} ${String(t.rounds).padStart(5)} rounds, IRQs host ${t.hostIrqs} = guest ${t.guestIrqs}${t.hostIrqs === t.guestIrqs ? '' : '  MISMATCH'}`,
    );
  say(
    `  RSS ${(before.rssBytes / 2 ** 20).toFixed(1)} MiB -> ${(after.rssBytes / 2 ** 20).toFixed(1)} MiB (${(rssDrift * 100).toFixed(2)} %, limit ${RSS_DRIFT_LIMIT * 100} %)`,
  );
  say(
    `  file descriptors ${before.fds} -> ${after.fds}; memory mappings ${before.mappings} -> ${after.mappings}, of them shared (the VMM's own) ${before.sharedMappings} -> ${after.sharedMappings}`,
  );
  say(problems.length ? `soak: FAILED\n${problems.map((p) => `  ${p}`).join('\n')}` : 'soak: ok');
}
process.exit(problems.length ? 1 : 0);
