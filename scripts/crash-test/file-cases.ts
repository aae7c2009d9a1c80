// Every kind of input file (kernel, initrd, DTB, machine config, fake-host description) x every way it can
// be wrong: missing, a directory, empty, a FIFO, a character device, endless (a FIFO a writer never stops
// filling), truncated, huge, or for another architecture or purpose. What a kind of file cannot be wrong by
// is left out: any bytes make an initrd, so an empty or truncated one is not a mistake.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG_PATH } from '../../src/vmm/config.js';
import { QUICK_RUN, type CaseContext, type CrashCase } from './crash-case.js';

type Kind = 'missing' | 'directory' | 'empty' | 'FIFO' | '/dev/zero' | '/dev/urandom' | 'endless' | 'truncated' | 'huge' | 'wrong kind';

/** The files every role shares; `endless` has a writer process, stopped by `close`. */
export interface FileFixtures {
  paths: Record<Exclude<Kind, 'truncated' | 'wrong kind'>, string>;
  close(): void;
}

export function prepareFiles(context: CaseContext): FileFixtures {
  const at = (name: string) => join(context.dir, name);
  mkdirSync(at('a-directory'));
  writeFileSync(at('empty'), '');
  spawnSync('mkfifo', [context.fifo, at('endless-fifo')]);
  // Blocks in open() until a reader comes, then writes for ever: what reading it without a bound meets.
  const writer: ChildProcess = spawn('sh', ['-c', `exec yes armvirt > '${at('endless-fifo')}'`], { stdio: 'ignore' });
  const huge = openSync(at('huge'), 'w');
  ftruncateSync(huge, 3 * 2 ** 30); // sparse: larger than any limit, costs no disk
  closeSync(huge);
  return {
    paths: {
      missing: at('missing'),
      directory: at('a-directory'),
      empty: at('empty'),
      FIFO: context.fifo,
      '/dev/zero': '/dev/zero',
      '/dev/urandom': '/dev/urandom',
      endless: at('endless-fifo'),
      huge: at('huge'),
    },
    close: () => {
      writer.kill('SIGKILL');
    },
  };
}

/** The first `length` bytes of a file (default half): a header that promises more than there is. */
function truncated(source: string, path: string, length?: number): string {
  const bytes = readFileSync(source);
  writeFileSync(path, bytes.subarray(0, length ?? bytes.length >> 1));
  return path;
}

/** An ELF cut after its program headers, inside its first loadable segment. */
function truncatedElf(source: string, path: string): string {
  const bytes = readFileSync(source);
  const phoff = Number(bytes.readBigUInt64LE(32));
  const headersEnd = phoff + bytes.readUInt16LE(54) * bytes.readUInt16LE(56);
  return truncated(source, path, headersEnd + 16);
}

/** A copy of an AArch64 ELF marked as x86-64 (e_machine 62). */
function otherArchitecture(source: string, path: string): string {
  const bytes = readFileSync(source);
  bytes.writeUInt16LE(62, 18);
  writeFileSync(path, bytes);
  return path;
}

export function fileCases(context: CaseContext, fixtures: FileFixtures): CrashCase[] {
  const at = (name: string) => join(context.dir, name);
  const dtb = at('virt.dtb');
  const made = spawnSync(process.execPath, [fileURLToPath(new URL('../../src/cli/armvirt.js', import.meta.url)), 'dumpdtb', '-o', dtb], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`crash-test: cannot make a DTB to truncate: ${made.stderr}`);
  const hostFile = join(context.hostsDir, 'test-device.json');
  copyFileSync(DEFAULT_CONFIG_PATH, at('machine-config.json'));
  const run = ['-serial', 'null', ...QUICK_RUN];
  const roles: { role: string; command: (file: string) => string[]; kinds: Partial<Record<Kind, string>> }[] = [
    {
      role: 'kernel',
      command: (f) => ['-kernel', f, ...run],
      kinds: {
        truncated: truncatedElf(context.kernel, at('half.elf')),
        'wrong kind': otherArchitecture(context.kernel, at('x86-64.elf')),
        empty: fixtures.paths.empty,
      },
    },
    { role: 'initrd', command: (f) => ['-kernel', context.kernel, '-initrd', f, ...run], kinds: {} },
    {
      role: 'DTB',
      command: (f) => ['-kernel', context.kernel, '-dtb', f, ...run],
      kinds: { truncated: truncated(dtb, at('half.dtb')), 'wrong kind': context.kernel, empty: fixtures.paths.empty },
    },
    {
      role: 'config',
      command: (f) => ['run', f],
      kinds: { truncated: truncated(DEFAULT_CONFIG_PATH, at('half-config.json')), 'wrong kind': hostFile, empty: fixtures.paths.empty },
    },
    {
      role: 'host description',
      command: (f) => ['--vfio-host', `fake:${f}`, '-device', 'vfio-platform,host=a0000000.vfio-test', 'dumpdtb', '--dts'],
      kinds: { truncated: truncated(hostFile, at('half-host.json')), 'wrong kind': at('machine-config.json'), empty: fixtures.paths.empty },
    },
  ];
  const cases: CrashCase[] = [];
  for (const { role, command, kinds } of roles) {
    const { empty: _, ...shared } = fixtures.paths;
    for (const [kind, file] of Object.entries({ ...shared, ...kinds })) {
      cases.push({ family: 'files', name: `${role}: ${kind}`, args: command(file), culprits: [file], ci: true });
    }
  }
  return cases;
}
