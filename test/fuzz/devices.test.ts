// `npm run fuzz` in small, in its own process (so the type registry holds the shipped types only, not the
// ones other tests register): every target for 50 000 accesses under one seed, in the tests' titles
// (FUZZ_SEED=N replays it). Then the fuzzer itself: targets come from the type registry, and a failure is
// found, replayed and reported with the command that reproduces it.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { MemoryRegion } from '../../src/memory/region.js';
import { SysBusDevice } from '../../src/qom/sys-bus-device.js';
import { TypeRegistry } from '../../src/qom/types.js';
import { deviceFuzzTarget, fuzzableDeviceTypes } from '../../src/testing/fuzz/device-target.js';
import { describeFailure, fuzz } from '../../src/testing/fuzz/engine.js';
import { MODEL_NAMES } from '../../src/vfio/fake/models/registry.js';
import { shippedDeviceTypes } from '../support/shipped-types.js';

const ACCESSES = 50_000;
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 32 - 1);
const fuzzCli = fileURLToPath(new URL('../../stress/fuzz.js', import.meta.url));
const runFuzz = (...args: string[]) => spawnSync(process.execPath, [fuzzCli, ...args], { encoding: 'utf8', timeout: 600_000 });
const targets = runFuzz('--list').stdout.trim().split('\n');

describe(`device fuzzing (npm run fuzz): ${ACCESSES} accesses per target, seed ${seed}`, function () {
  this.timeout(600_000);
  let report: string[] = [];
  before(() => {
    const run = runFuzz('--accesses', String(ACCESSES), '--seed', String(seed));
    report = run.stdout.split('\n');
    expect(run.stderr).to.equal('');
  });

  it('covers every device type of the registry, the generic timer and every fake-host model', () => {
    const devices = shippedDeviceTypes();
    expect(devices).to.include.members(['arm-gic', 'pl011', 'pl031', 'platform-bus-device', 'vfio-platform']);
    expect(targets).to.have.members([...devices, 'generic-timer', ...MODEL_NAMES.map((model) => `fake-host-${model}`)]);
  });

  for (const name of targets) {
    it(`${name} holds its invariants`, () => {
      const line = report.find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}: `));
      const failure = report
        .slice(report.indexOf(line!))
        .join('\n')
        .split(/\n(?=\S)/)[0];
      const held = new RegExp(`^${name} +(\\d+) accesses +\\d+ operations .* ok: `).exec(line ?? '');
      expect(held, failure).to.not.equal(null);
      expect(Number(held![1])).to.be.at.least(ACCESSES);
    });
  }
});

describe('the fuzzer', () => {
  /** A device type the fuzzer has never heard of, with a register that throws when read. */
  class Flawed extends SysBusDevice {
    protected override onRealize(): void {
      this.initMmio(
        MemoryRegion.io('flawed', 0x100, {
          read: (offset) => {
            if (offset === 0x40) throw new TypeError('read of 0x40 not handled');
            return 0;
          },
          write: () => {},
        }),
      );
    }
  }
  const registry = new TypeRegistry();
  registry.register({ name: 'sys-bus-device', parent: 'device', cls: SysBusDevice, abstract: true });
  registry.register({ name: 'flawed', parent: 'sys-bus-device', cls: Flawed });

  it('fuzzes a newly registered type with no profile, and reports what escapes with the operations and the command that replay it', () => {
    expect(fuzzableDeviceTypes(registry)).to.deep.equal(['flawed']);
    const outcome = fuzz('flawed', deviceFuzzTarget('flawed', registry), { seed: 7, accesses: 100_000 });
    expect(outcome.failure?.problem).to.match(/^exception: TypeError: read of 0x40 not handled/);
    expect(outcome.failure!.trail.at(-1)).to.match(/^read(8|16|32|64) 0x1000004[0-3]/);
    const text = describeFailure(outcome);
    expect(text).to.contain(`flawed: FAILED at operation ${outcome.failure!.step} (seed 7)`);
    expect(text).to.match(/reproduce: npm run fuzz -- --device flawed --seed 7 --accesses \d+$/);
    const replay = fuzz('flawed', deviceFuzzTarget('flawed', registry), { seed: 7, accesses: outcome.accesses + 1 });
    expect(replay.failure?.step, 'the printed command fails at the same operation').to.equal(outcome.failure!.step);
  });

  it('gives the same operations for the same seed and others for another', () => {
    const trailOf = (seed: number) => fuzz('flawed', deviceFuzzTarget('flawed', registry), { seed, accesses: 100_000 }).failure!.trail;
    expect(trailOf(7)).to.deep.equal(trailOf(7));
    expect(trailOf(8)).to.not.deep.equal(trailOf(7));
  });
});
