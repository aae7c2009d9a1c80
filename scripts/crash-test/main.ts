// `npm run crash-test`: armvirt tried as a careless or hostile user would, after QEMU's
// scripts/device-crash-test. Every device type x property x bad value, every flag x bad value, every config
// key x wrong type and odd name, every input file x every way it can be wrong; the lists come from the type
// registry, the flag table and the config schema. Each case must end within a bound with exit 2 and one
// line naming what is at fault. Prints a table of cases and clean endings per family, then each failure.
//
//   node dist/scripts/crash-test/main.js [--ci] [--json] [--family NAME] [--bound SECONDS] [--jobs N]
//
// --ci runs a fixed sample of every family (what `npm test` runs); the exit status is 0 when every case
// ended cleanly.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firmwarePath } from '../../src/firmware-path.js';
import type { CaseContext, CrashCase } from './crash-case.js';
import { configCases } from './config-cases.js';
import { deviceCases, deviceControls } from './device-cases.js';
import { fileCases, prepareFiles } from './file-cases.js';
import { flagCases } from './flag-cases.js';
import { runArmvirt, runCases, type Outcome } from './run-cases.js';

interface Options {
  ci: boolean;
  json: boolean;
  family?: string;
  boundMs: number;
  jobs: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { ci: false, json: false, boundMs: 20_000, jobs: availableParallelism() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--ci') options.ci = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--family') options.family = argv[++i];
    else if (arg === '--bound') options.boundMs = Number(argv[++i]) * 1e3;
    else if (arg === '--jobs') options.jobs = Number(argv[++i]);
    else throw new Error(`crash-test: unknown argument '${arg}' (--ci, --json, --family NAME, --bound SECONDS, --jobs N)`);
  }
  return options;
}

export interface Summary {
  families: { family: string; cases: number; clean: number }[];
  failures: { family: string; name: string; verdict: string; status: number | null; signal: string | null; stderr: string; args: string[] }[];
  controlsFailed: string[];
}

export async function crashTest(options: Options, progress: (text: string) => void): Promise<Summary> {
  const dir = mkdtempSync(join(tmpdir(), 'armvirt-crash-test-'));
  const context: CaseContext = {
    dir,
    kernel: firmwarePath('virt_boot'),
    hostsDir: fileURLToPath(new URL('../../../machines/hosts/', import.meta.url)),
    fifo: join(dir, 'fifo'),
  };
  const fixtures = prepareFiles(context);
  try {
    const run = { concurrency: options.jobs, boundMs: options.boundMs, cwd: dir };
    // Each device type realizes when nothing is wrong: otherwise a bad value would fail for another reason.
    const controlsFailed: string[] = [];
    for (const control of deviceControls(context)) {
      const r = await runArmvirt(control.args, run);
      if (r.status !== 0) controlsFailed.push(`${control.name}: exit ${r.status ?? r.signal}: ${r.stderr.trim()}`);
    }
    let cases: CrashCase[] = [...deviceCases(context), ...flagCases(context), ...configCases(context), ...fileCases(context, fixtures)];
    if (options.ci) cases = cases.filter((c) => c.ci);
    if (options.family) cases = cases.filter((c) => c.family === options.family);
    let done = 0;
    const outcomes = await runCases(cases, run, () => {
      if (++done % 25 === 0) progress(`${done}/${cases.length}`);
    });
    return summarise(outcomes, controlsFailed);
  } finally {
    fixtures.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarise(outcomes: Outcome[], controlsFailed: string[]): Summary {
  const families = [...new Set(outcomes.map((o) => o.crashCase.family))].map((family) => {
    const of = outcomes.filter((o) => o.crashCase.family === family);
    return { family, cases: of.length, clean: of.filter((o) => o.verdict === 'clean').length };
  });
  const failures = outcomes
    .filter((o) => o.verdict !== 'clean')
    .map((o) => ({
      family: o.crashCase.family,
      name: o.crashCase.name,
      verdict: o.verdict,
      status: o.status,
      signal: o.signal,
      stderr: o.stderr,
      args: o.crashCase.args,
    }));
  return { families, failures, controlsFailed };
}

function table(summary: Summary): string {
  const rows = [
    ...summary.families,
    { family: 'total', cases: summary.families.reduce((n, f) => n + f.cases, 0), clean: summary.families.reduce((n, f) => n + f.clean, 0) },
  ];
  const lines = ['family    cases  clean', ...rows.map((r) => `${r.family.padEnd(8)} ${String(r.cases).padStart(6)} ${String(r.clean).padStart(6)}`)];
  for (const f of summary.failures) {
    const first = f.stderr.split('\n')[0]!.slice(0, 200);
    lines.push(`FAIL ${f.family}: ${f.name}: ${f.verdict} (exit ${f.status ?? f.signal}): ${JSON.stringify(first)}`);
  }
  for (const c of summary.controlsFailed) lines.push(`CONTROL FAILED ${c}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options = parseOptions(process.argv.slice(2));
  const summary = await crashTest(options, (text) => process.stderr.write(`[crash-test] ${text}\n`));
  process.stdout.write(`${options.json ? JSON.stringify(summary) : table(summary)}\n`);
  process.exitCode = summary.failures.length || summary.controlsFailed.length ? 1 : 0;
}
