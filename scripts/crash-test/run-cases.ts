// Runs crash-test cases as separate armvirt processes (a native crash or a hang must not take the runner
// with it), several at a time, each killed at a bound, and judges each ending: clean is exit 2 within the
// bound with one line naming the thing at fault (a second line may give a hint, and a file of the wrong
// kind may have a line per problem, each naming the file), no stack trace, no raw control character.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CrashCase } from './crash-case.js';

const CLI = fileURLToPath(new URL('../../src/cli/armvirt.js', import.meta.url));
/** Output beyond this is a flood, itself a failure. */
const MAX_STDERR = 64 * 1024;

export type Verdict =
  | 'clean'
  | 'hung'
  | 'native crash'
  | 'stack trace'
  | 'accepted'
  | 'wrong exit code'
  | 'no message'
  | 'more than one line'
  | 'culprit not named'
  | 'control characters'
  | 'flood';

export interface Outcome {
  crashCase: CrashCase;
  verdict: Verdict;
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  concurrency: number;
  /** Wall-clock bound of one case. */
  boundMs: number;
  cwd: string;
}

export async function runCases(cases: readonly CrashCase[], options: RunOptions, onDone: (outcome: Outcome) => void = () => {}): Promise<Outcome[]> {
  const outcomes = new Array<Outcome>(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const outcome = await runCase(cases[index]!, options);
      outcomes[index] = outcome;
      onDone(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return outcomes;
}

/** Runs one armvirt command line to its end or the bound. */
export function runArmvirt(
  args: readonly string[],
  options: RunOptions,
): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number; hung: boolean; flood: boolean }> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let hung = false;
    let flood = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < MAX_STDERR) stderr += chunk;
      else if (!flood) {
        flood = true;
        child.kill('SIGKILL');
      }
    });
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, options.boundMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      done({ status, signal, stderr, ms: performance.now() - started, hung, flood });
    });
  });
}

async function runCase(crashCase: CrashCase, options: RunOptions): Promise<Outcome> {
  if (crashCase.writes) writeFileSync(crashCase.writes.path, crashCase.writes.text);
  const r = await runArmvirt(crashCase.args, options);
  return { crashCase, verdict: judge(crashCase, r), status: r.status, signal: r.signal, stderr: r.stderr, ms: r.ms };
}

function judge(crashCase: CrashCase, r: { status: number | null; signal: NodeJS.Signals | null; stderr: string; hung: boolean; flood: boolean }): Verdict {
  if (r.hung) return 'hung';
  if (r.flood) return 'flood';
  // 134 is SIGABRT as a shell reports it, 139 SIGSEGV: what a C++ abort inside Node looks like.
  if (r.signal !== null || r.status === 134 || r.status === 139) return 'native crash';
  if (/^\s+at .+[(:]\d+/m.test(r.stderr)) return 'stack trace';
  if (r.status === 0) return 'accepted';
  if (r.status !== 2) return 'wrong exit code';
  const lines = r.stderr.split('\n').filter((line) => line !== '');
  if (lines.length === 0) return 'no message';
  if (!r.stderr.endsWith('\n') || lines.some((line) => !line.startsWith('armvirt: '))) return 'more than one line';
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(r.stderr)) return 'control characters';
  const names = (line: string) => crashCase.culprits.some((culprit) => line.includes(culprit));
  if (!names(lines[0]!)) return 'culprit not named';
  // A second line may be a hint; more lines are more problems, each naming what is at fault (a file of
  // the wrong kind breaks many rules of the right one).
  if (lines.length > 2 && !lines.every(names)) return 'more than one line';
  return 'clean';
}
