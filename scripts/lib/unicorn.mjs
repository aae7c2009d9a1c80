// Which Unicorn the addon is built against. A system Unicorn >= 2.1 is used as it is; otherwise (Debian
// bookworm has only 2.0.1) Debian trixie's libunicorn 2.1.1 packages, which need nothing but libc6 >= 2.34,
// are fetched with a private apt and unpacked into .deps/unicorn, and the addon links there with an rpath.
// The choice is recorded in .deps/unicorn.json, which native/binding.gyp reads (scripts/unicorn-flags.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchDebianPackages, unpackDebs } from './debian-archive.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const UNICORN_RECORD = join(root, '.deps', 'unicorn.json');
const LOCAL_DIR = join(root, '.deps', 'unicorn');
const MINIMUM = [2, 1];
/** Debian trixie's build, pinned: the stable release's package does not move. */
const TRIXIE = { suite: 'trixie', version: '2.1.1-2+b2', packages: ['libunicorn2t64', 'libunicorn-dev'] };

/** [major, minor, patch] from a unicorn.h, or undefined. */
function headerVersion(includeDir) {
  const header = join(includeDir, 'unicorn', 'unicorn.h');
  if (!existsSync(header)) return undefined;
  const text = readFileSync(header, 'utf8');
  const part = (name) => Number(text.match(new RegExp(`#define\\s+UC_API_${name}\\s+(\\d+)`))?.[1]);
  const version = [part('MAJOR'), part('MINOR'), part('PATCH')];
  return version.every(Number.isInteger) ? version : undefined;
}

const atLeast = (v, min) => v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);

/** The folder holding libunicorn.so below `dir`, searched a few levels deep. */
function findLibDir(dir, depth = 4) {
  if (!existsSync(dir) || depth < 0) return undefined;
  const entries = readdirSync(dir, { withFileTypes: true });
  if (entries.some((e) => e.name === 'libunicorn.so')) return dir;
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const found = findLibDir(join(dir, e.name), depth - 1);
    if (found) return found;
  }
  return undefined;
}

function systemUnicorn() {
  for (const prefix of ['/usr', '/usr/local']) {
    const version = headerVersion(join(prefix, 'include'));
    const libDir = version && findLibDir(join(prefix, 'lib'), 1);
    if (version && libDir && atLeast(version, MINIMUM)) return { source: 'system', version: version.join('.') };
  }
  return undefined;
}

function debianArchitecture(fail) {
  const r = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' });
  if (r.status !== 0) fail('dpkg --print-architecture failed: is this Debian?');
  return r.stdout.trim();
}

function localUnicorn(fail, say) {
  const architecture = debianArchitecture(fail);
  const stamp = join(LOCAL_DIR, '.armvirt-version');
  const wanted = `${TRIXIE.version} ${architecture}`;
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
    const debs = fetchDebianPackages({
      suite: TRIXIE.suite,
      architecture,
      packages: TRIXIE.packages.map((name) => ({ name, version: TRIXIE.version })),
      fail,
      say,
    });
    say(`unpacking Unicorn ${TRIXIE.version} into ${LOCAL_DIR}`);
    unpackDebs(debs, LOCAL_DIR, fail);
    writeFileSync(stamp, wanted);
  }
  const include = join(LOCAL_DIR, 'usr', 'include');
  const lib = findLibDir(join(LOCAL_DIR, 'usr', 'lib'));
  const version = headerVersion(include);
  if (!lib || !version) fail(`${LOCAL_DIR} has no libunicorn.so or unicorn.h: remove it and rerun`);
  return { source: 'local', version: version.join('.'), debianVersion: TRIXIE.version, include, lib };
}

/** Chooses (and if needed fetches) the Unicorn to build with; rewrites the record only when it changes. */
export function provideUnicorn({ fail, say }) {
  const record = systemUnicorn() ?? localUnicorn(fail, say);
  const text = `${JSON.stringify(record, null, 2)}\n`;
  if (!existsSync(UNICORN_RECORD) || readFileSync(UNICORN_RECORD, 'utf8') !== text) {
    mkdirSync(dirname(UNICORN_RECORD), { recursive: true });
    writeFileSync(UNICORN_RECORD, text);
  }
  return record;
}

/** The record written by provideUnicorn, or undefined before the set-up ran. */
export function unicornRecord() {
  return existsSync(UNICORN_RECORD) ? JSON.parse(readFileSync(UNICORN_RECORD, 'utf8')) : undefined;
}
