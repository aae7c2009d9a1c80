// `npm run soak` for one minute, exactly as the npm script runs it: both passthrough IRQ paths and the timer
// storm side by side, every interrupt counted on both sides, memory, descriptors and mappings steady.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scripts = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;

interface SoakFigures {
  lanes: { lane: string; rounds: number; hostIrqs: number; guestIrqs: number }[];
  rss_drift: number;
  fds_before: number;
  fds_after: number;
  shared_mappings_before: number;
  shared_mappings_after: number;
  problems: string[];
}

describe('soak: one minute of both passthrough IRQ paths and the timer storm together', function () {
  this.timeout(180_000);

  it('counts every interrupt on both sides, and keeps RSS within 5 % and descriptors and mappings level', () => {
    // The command after the set-up and the build: `node <flags> dist/stress/soak.js`.
    const [node, ...args] = scripts.soak!.split('&&').at(-1)!.trim().split(/\s+/);
    expect(node).to.equal('node');
    const run = spawnSync(process.execPath, [...args, '--minutes', '1', '--json'], { cwd: root, encoding: 'utf8', timeout: 170_000 });
    expect(run.stderr).to.equal('');
    const figures = JSON.parse(run.stdout) as SoakFigures;
    expect(figures.problems).to.deep.equal([]);
    expect(figures.lanes.map((l) => l.lane)).to.deep.equal(['vfio-platform resample path', 'vfio-platform eventfd path', 'timer IRQ storm']);
    for (const lane of figures.lanes) {
      expect(lane.rounds, lane.lane).to.be.at.least(2);
      expect(lane.hostIrqs, lane.lane).to.equal(lane.guestIrqs).and.be.above(0);
    }
    expect(Math.abs(figures.rss_drift)).to.be.below(0.05);
    expect(figures.fds_after).to.be.at.most(figures.fds_before);
    expect(figures.shared_mappings_after).to.be.at.most(figures.shared_mappings_before);
    expect(run.status).to.equal(0);
  });
});
