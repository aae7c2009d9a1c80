import { expect } from 'chai';
import { availableParallelism } from 'node:os';
import { crashTest } from '../../scripts/crash-test/main.js';

describe('crash-test (the CI sample of npm run crash-test)', function () {
  this.timeout(5 * 60_000);

  it('every bad device property, flag, config key and input file ends within its bound with exit 2 and one line naming it', async () => {
    const summary = await crashTest({ ci: true, json: false, boundMs: 30_000, jobs: availableParallelism() }, () => {});
    expect(summary.controlsFailed, 'each device type realizes when nothing is wrong').to.deep.equal([]);
    for (const family of ['devices', 'flags', 'config', 'files']) {
      expect(summary.families.find((f) => f.family === family)?.cases, `${family} cases`).to.be.above(0);
    }
    const failures = summary.failures.map((f) => `${f.family}: ${f.name}: ${f.verdict} (exit ${f.status ?? f.signal}): ${f.stderr.split('\n')[0]}`);
    expect(failures).to.deep.equal([]);
  });
});
