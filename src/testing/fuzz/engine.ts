// Runs a fuzz target for a number of device accesses and checks its invariant after every operation. The
// sequence follows from the seed and the target's name alone, so a failure is replayed from its seed, once
// more with every operation described, to report the operations that led to it.
import { hashText, Rng } from './rng.js';
import type { FuzzTarget, FuzzTargetFactory, Recorder } from './target.js';

/** Operations shown before a failure. */
const TRAIL = 24;
/**
 * A target is made afresh after this many accesses: each one draws its set-up (properties, IRQ path,
 * host) from the sequence, so a long run covers many, and states a reset cannot reach stay rare.
 */
const EPOCH_ACCESSES = 20_000;

export interface FuzzFailure {
  /** The operation (from 1) after which an exception escaped or the invariant broke. */
  step: number;
  problem: string;
  /** The last operations, oldest first, the failing one last. */
  trail: string[];
}

export interface FuzzOutcome {
  target: string;
  /** What the target's invariant is. */
  invariant?: string;
  seed: number;
  accesses: number;
  steps: number;
  failure?: FuzzFailure;
}

export function fuzz(name: string, factory: FuzzTargetFactory, options: { seed: number; accesses: number }): FuzzOutcome {
  const outcome = attempt(name, factory, options.seed, options.accesses, undefined, Infinity);
  if (!outcome.failure) return outcome;
  const trail: string[] = [];
  const replay = attempt(name, factory, options.seed, Infinity, (what) => void (trail.push(what) > TRAIL && trail.shift()), outcome.failure.step);
  return {
    ...outcome,
    failure: {
      ...outcome.failure,
      trail: replay.failure?.step === outcome.failure.step ? trail : ['(the replay did not fail the same way: the target is not deterministic)'],
    },
  };
}

function attempt(name: string, factory: FuzzTargetFactory, seed: number, accesses: number, record: Recorder, stopAtStep: number): FuzzOutcome {
  const rng = new Rng(seed, hashText(name));
  let target: FuzzTarget | undefined;
  let done = 0;
  let steps = 0;
  let invariant: string | undefined;
  const failed = (problem: string): FuzzOutcome => ({ target: name, invariant, seed, accesses: done, steps, failure: { step: steps, problem, trail: [] } });
  try {
    let epochEnd = 0;
    while (done < accesses && steps < stopAtStep) {
      if (done >= epochEnd || !target) {
        target?.close();
        target = undefined;
        record?.('(a new target)');
        target = factory(rng);
        invariant = target.invariant;
        epochEnd = done + EPOCH_ACCESSES;
      }
      const current: FuzzTarget = target;
      steps++;
      done += current.step(rng, record);
      const problem = current.check();
      if (problem) return failed(problem);
    }
  } catch (error) {
    return failed(`exception: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    target?.close();
  }
  return { target: name, invariant, seed, accesses: done, steps };
}

/** A failure as the fuzzer prints it, with the command that reproduces it. */
export function describeFailure(outcome: FuzzOutcome): string {
  const failure = outcome.failure;
  if (!failure) return `${outcome.target}: ${outcome.accesses} accesses in ${outcome.steps} operations, invariants held`;
  return [
    `${outcome.target}: FAILED at operation ${failure.step} (seed ${outcome.seed}): ${failure.problem}`,
    '  last operations:',
    ...failure.trail.map((op) => `    ${op}`),
    `  reproduce: npm run fuzz -- --device ${outcome.target} --seed ${outcome.seed} --accesses ${outcome.accesses + 1}`,
  ].join('\n');
}
