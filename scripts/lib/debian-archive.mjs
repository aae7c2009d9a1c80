// Fetches exact versions of Debian packages with apt, from the Debian archive this machine already uses,
// without touching the system's apt or dpkg: apt gets a private sources list, state and cache directory
// under armvirt's download cache, and checks the archive's signatures as usual (the machine's keyring).
// Root is not needed. Fetched .deb files are kept in the cache, so a rerun downloads nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
const DEFAULT_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** armvirt's download cache, outside any clone: $ARMVIRT_CACHE, else $XDG_CACHE_HOME/armvirt, else ~/.cache/armvirt. */
export function downloadCache() {
  if (process.env.ARMVIRT_CACHE) return process.env.ARMVIRT_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'armvirt');
}

/**
 * The Debian mirror and keyring of the machine's own apt sources (deb822 `.sources` or one-line lists): the
 * first entry for the main archive (not -security, not -updates). Falls back to deb.debian.org.
 */
export function systemDebianArchive() {
  const entries = [];
  const dir = '/etc/apt/sources.list.d';
  const files = [
    '/etc/apt/sources.list',
    ...(existsSync(dir)
      ? readdirSync(dir)
          .sort()
          .map((f) => join(dir, f))
      : []),
  ];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (name) => stanza.match(new RegExp(`^${name}:\\s*(.+)$`, 'mi'))?.[1].trim();
        if ((field('Enabled') ?? 'yes') === 'no' || !(field('Types') ?? '').split(/\s+/).includes('deb')) continue;
        for (const uri of (field('URIs') ?? '').split(/\s+/).filter(Boolean)) {
          entries.push({ uri, suites: (field('Suites') ?? '').split(/\s+/), keyring: field('Signed-By') });
        }
      }
    } else if (file.endsWith('.list')) {
      for (const line of text.split('\n')) {
        const m = line.match(/^\s*deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/);
        if (m) entries.push({ uri: m[2], suites: [m[3]], keyring: m[1]?.match(/signed-by=(\S+)/)?.[1] });
      }
    }
  }
  const main = entries.find((e) => /debian\/?$/.test(e.uri) && e.suites.some((s) => !/-(security|updates|backports)$/.test(s)));
  return {
    mirror: (main?.uri ?? DEFAULT_MIRROR).replace(/\/$/, ''),
    keyring: main?.keyring?.startsWith('/') && existsSync(main.keyring) ? main.keyring : DEFAULT_KEYRING,
  };
}

function debFileName(name, version, architecture) {
  // apt's naming: the epoch's ':' is written '%3a'.
  return `${name}_${version.replace(/:/g, '%3a')}_${architecture}.deb`;
}

/**
 * Makes sure `packages` ([{ name, version }]) of `architecture` from `suite` are in the cache and returns
 * their .deb paths. `fail(message)` is called (and must not return) when apt cannot get them. `archive`
 * ({ mirror, keyring }) defaults to the machine's own.
 */
export function fetchDebianPackages({ suite, architecture, packages, fail, say = () => {}, archive = systemDebianArchive() }) {
  const cache = downloadCache();
  const debDir = join(cache, 'debs');
  const paths = packages.map((p) => join(debDir, debFileName(p.name, p.version, architecture)));
  const missing = packages.filter((_, i) => !existsSync(paths[i]));
  if (missing.length === 0) return paths;

  const { mirror, keyring } = archive;
  const aptDir = join(cache, 'apt', `${suite}-${architecture}`);
  for (const sub of ['lists/partial', 'archives/partial', 'etc']) mkdirSync(join(aptDir, sub), { recursive: true });
  writeFileSync(join(aptDir, 'etc', 'sources.list'), `deb [arch=${architecture} signed-by=${keyring}] ${mirror} ${suite} main\n`);
  writeFileSync(join(aptDir, 'status'), '');
  const options = [
    `Dir::Etc::sourcelist=${join(aptDir, 'etc', 'sources.list')}`,
    'Dir::Etc::sourceparts=-',
    'Dir::Etc::preferences=/dev/null',
    'Dir::Etc::preferencesparts=-',
    `Dir::State=${aptDir}`,
    `Dir::State::status=${join(aptDir, 'status')}`,
    `Dir::Cache=${aptDir}`,
    `APT::Architecture=${architecture}`,
    `APT::Architectures::=${architecture}`,
    // apt drops to _apt for downloads when root; the private folders are ours, so stay who we are.
    `APT::Sandbox::User=${userInfo().username}`,
    'Debug::NoLocking=1',
  ].flatMap((o) => ['-o', o]);
  const apt = (args, cwd) => spawnSync('apt-get', [...options, '-q', ...args], { cwd, encoding: 'utf8' });

  say(`fetching ${missing.map((p) => `${p.name}=${p.version}`).join(' ')} (${architecture}) from ${mirror} ${suite}`);
  const update = apt(['update']);
  if (update.status !== 0) fail(`apt-get update for ${mirror} ${suite} failed:\n${update.stderr || update.stdout}`);
  // Into a scratch folder first: an interrupted download never leaves a partial .deb under its final name.
  const scratch = join(debDir, `.partial-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    const download = apt(['download', ...missing.map((p) => `${p.name}:${architecture}=${p.version}`)], scratch);
    if (download.status !== 0) {
      fail(`apt-get download from ${mirror} ${suite} failed:\n${(download.stderr || download.stdout).trim()}`);
    }
    for (const p of missing) {
      const file = debFileName(p.name, p.version, architecture);
      if (!existsSync(join(scratch, file))) fail(`apt-get download did not produce ${file}`);
      renameSync(join(scratch, file), join(debDir, file));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return paths;
}

/** Unpacks .deb files into `dir` (replaced as a whole, so a half-unpacked tree is never left behind). */
export function unpackDebs(debs, dir, fail) {
  const scratch = `${dir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  for (const deb of debs) {
    const r = spawnSync('dpkg-deb', ['-x', deb, scratch], { encoding: 'utf8' });
    if (r.status !== 0) {
      rmSync(scratch, { recursive: true, force: true });
      fail(`dpkg-deb -x ${deb} failed: ${r.stderr}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
}
