import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ARCH = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).stdout.trim();
const archiveModule = fileURLToPath(new URL('../../../scripts/lib/debian-archive.mjs', import.meta.url));

/** A digest of every file below `path` (or of the file), so a test can tell that nothing changed there. */
function digest(path: string): string {
  const hash = createHash('sha256');
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) for (const name of readdirSync(p).sort()) walk(join(p, name));
    else hash.update(p).update(readFileSync(p));
  };
  walk(path);
  return hash.digest('hex');
}

/** Runs fetchDebianPackages in a child (as `uid` when given) with its cache in `cache`; resolves its result. */
function fetchInChild(cache: string, options: string, uid?: number) {
  const script = `
    import { fetchDebianPackages, systemDebianArchive } from ${JSON.stringify(archiveModule)};
    const paths = fetchDebianPackages({ ${options}, fail: (m) => { console.error(m); process.exit(3); } });
    console.log(JSON.stringify(paths));`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ARMVIRT_CACHE: cache, HOME: cache },
    ...(uid !== undefined ? { uid, gid: uid } : {}),
  });
}

describe('fetching pinned Debian packages with a private apt (scripts/lib/debian-archive.mjs)', function () {
  this.timeout(120_000);
  let cache: string;

  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'armvirt-cache-'));
    chmodSync(cache, 0o777);
  });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  it("gets an exact version from the machine's archive without root and leaves apt's and dpkg's own state as it was", () => {
    const before = [digest('/etc/apt'), digest('/var/lib/dpkg/status'), digest('/var/lib/apt/lists')];
    const asNobody = process.getuid?.() === 0 ? 65534 : undefined;
    const packages = `suite: 'trixie', architecture: '${ARCH}', packages: [{ name: 'libunicorn2t64', version: '2.1.1-2+b2' }]`;
    const r = fetchInChild(cache, packages, asNobody);
    expect(r.status, r.stderr).to.equal(0);
    const [deb] = JSON.parse(r.stdout) as string[];
    expect(deb).to.equal(join(cache, 'debs', `libunicorn2t64_2.1.1-2+b2_${ARCH}.deb`));
    const fields = spawnSync('dpkg-deb', ['-f', deb!, 'Package', 'Version', 'Architecture'], { encoding: 'utf8' }).stdout;
    expect(fields).to.equal(`Package: libunicorn2t64\nVersion: 2.1.1-2+b2\nArchitecture: ${ARCH}\n`);
    expect([digest('/etc/apt'), digest('/var/lib/dpkg/status'), digest('/var/lib/apt/lists')]).to.deep.equal(before);

    // A rerun is free: the cached file is used as it is, with no apt call (no network, no apt state).
    rmSync(join(cache, 'apt'), { recursive: true, force: true });
    const again = fetchInChild(cache, `${packages}, archive: { mirror: 'http://127.0.0.1:9', keyring: '/nonexistent' }`, asNobody);
    expect(again.status, again.stderr).to.equal(0);
    expect(JSON.parse(again.stdout)).to.deep.equal([deb]);
  });

  it('checks the archive signature: with a keyring that lacks the key, nothing is fetched and the error says why', () => {
    const r = fetchInChild(
      cache,
      `suite: 'trixie', architecture: '${ARCH}', packages: [{ name: 'libunicorn2t64', version: '2.1.1-2+b2' }], archive: { ...systemDebianArchive(), keyring: '/usr/share/keyrings/debian-archive-removed-keys.gpg' }`,
    );
    expect(r.status).to.equal(3);
    expect(r.stderr).to.match(/apt-get update for \S+ trixie failed/);
    expect(r.stderr).to.match(/NO_PUBKEY|not signed|signature/i);
    expect(existsSync(join(cache, 'debs', `libunicorn2t64_2.1.1-2+b2_${ARCH}.deb`))).to.equal(false);
  });
});
