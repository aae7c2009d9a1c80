import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'dist/src/cli/armvirt.js');
const record = JSON.parse(readFileSync(join(root, '.deps/unicorn.json'), 'utf8')) as { source: 'system' | 'local'; version: string };

/** Debian bookworm's libunicorn2 (2.0.1), fetched into the download cache and unpacked into `dir`. */
function unpackBookwormUnicorn(dir: string): string {
  const script = `
    import { fetchDebianPackages, unpackDebs } from ${JSON.stringify(join(root, 'scripts/lib/debian-archive.mjs'))};
    const fail = (m) => { console.error(m); process.exit(1); };
    const arch = (await import('node:child_process')).execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
    const debs = fetchDebianPackages({ suite: 'bookworm', architecture: arch, packages: [{ name: 'libunicorn2', version: '2.0.1.post1-1+b1' }], fail });
    unpackDebs(debs, ${JSON.stringify(dir)}, fail);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fetching bookworm's libunicorn2: ${r.stderr}`);
  const lib = spawnSync('sh', ['-c', `dirname "$(find "${dir}" -name 'libunicorn.so.2*' | head -1)"`], { encoding: 'utf8' }).stdout.trim();
  return lib;
}

describe('the Unicorn engine armvirt runs on', function () {
  this.timeout(60_000);

  it('armvirt --version prints its version and the engine it loaded (2.1.1 when the set-up provides it)', () => {
    const r = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(r.status).to.equal(0);
    const [first, second] = r.stdout.split('\n');
    expect(first).to.equal(`armvirt ${pkg.version}`);
    const m = /^Unicorn (\d+)\.(\d+)\.(\d+) \(uc_version 0x([0-9a-f]{8})\)$/.exec(second ?? '');
    expect(m, second).to.not.equal(null);
    const [major, minor, patch] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(major * 100 + minor).to.be.at.least(201);
    expect(Number.parseInt(m![4]!, 16) >>> 8).to.equal((major << 16) | (minor << 8) | patch);
    if (record.source === 'local') expect(`${major}.${minor}.${patch}`).to.equal('2.1.1');
  });

  it('refuses an engine older than 2.1 in one line, exit 126, before anything runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'armvirt-unicorn-2.0-'));
    try {
      const lib = unpackBookwormUnicorn(join(dir, 'root'));
      const r = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8', env: { ...process.env, LD_LIBRARY_PATH: lib } });
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.equal("armvirt: the Unicorn engine loaded is 2.0.1, and armvirt needs 2.1 or newer: run 'npm run setup'\n");
      expect(r.status).to.equal(126);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
