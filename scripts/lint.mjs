#!/usr/bin/env node
// `npm run lint`: prettier (TypeScript, scripts, JSON), typescript-eslint with type-aware rules, and
// clang-format (native/ and firmware/ C and C++), each as configured beside the code. Every check runs;
// the exit code is 1 if any found a problem. `npm run format` (`--write`) applies both formatters instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const write = process.argv.includes('--write');
const C_SOURCES = ['native/**/*.c', 'native/**/*.cc', 'native/**/*.h', 'firmware/**/*.c', 'firmware/**/*.h'];

function fail(message) {
  process.stderr.write(`lint: ${message}\n`);
  process.exit(2);
}

/** Runs a tool with the terminal as its output; true when it exits 0. */
function run(name, command, args) {
  process.stderr.write(`lint: ${name}\n`);
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (r.error) fail(`cannot run ${command}: ${r.error.message}`);
  return r.status === 0;
}

/** A tool that npm ci installs (a devDependency). */
function npmTool(name) {
  const path = join(root, 'node_modules', '.bin', name);
  if (!existsSync(path)) fail(`${name} is not installed: run \`npm run setup\` (it runs npm ci)`);
  return path;
}

/** The C and C++ files under version control that clang-format checks. */
function cSources() {
  const r = spawnSync('git', ['ls-files', '-z', '--', ...C_SOURCES], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) fail(`git ls-files failed: ${r.stderr || r.error?.message}`);
  return r.stdout.split('\0').filter(Boolean);
}

if (spawnSync('clang-format', ['--version']).error) {
  fail('clang-format is not installed: run `npm run setup` (as root it installs the Debian package clang-format)');
}

const results = write
  ? [run('prettier --write', npmTool('prettier'), ['--write', '--log-level', 'warn', '.']), run('clang-format -i', 'clang-format', ['-i', ...cSources()])]
  : [
      run('prettier --check', npmTool('prettier'), ['--check', '--log-level', 'warn', '.']),
      run('eslint', npmTool('eslint'), ['--max-warnings', '0', '.']),
      run('clang-format --dry-run', 'clang-format', ['--dry-run', '-Werror', ...cSources()]),
    ];
process.exit(results.every(Boolean) ? 0 : 1);
