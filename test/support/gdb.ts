// Debugger sessions for tests: a guest started held by a gdb server (armvirt's, or QEMU's as the oracle)
// and gdb-multiarch in batch mode driving it, both real processes. A test gives the server's flags and gdb's
// commands and gets both transcripts; a Linux guest is debugged the same way with its own machine flags.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { qemuVirtArgs, spawnQemu } from '../../src/testing/qemu.js';

const cli = fileURLToPath(new URL('../../src/cli/armvirt.js', import.meta.url));

export interface Transcript {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** A child process whose output is collected, and whose end is awaitable. */
class Collected {
  stdout = '';
  stderr = '';
  readonly done: Promise<Transcript>;
  private watchers: (() => boolean)[] = [];

  constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (text: string) => this.add('stdout', text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => this.add('stderr', text));
    this.done = new Promise((resolve) => child.on('close', (status) => resolve({ stdout: this.stdout, stderr: this.stderr, status })));
  }

  /** Resolves once `text` has appeared on stdout or stderr; rejects after `timeoutMs`. */
  waitFor(text: string, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!(this.stdout + this.stderr).includes(text)) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      const timer = setTimeout(
        () => reject(new Error(`no ${JSON.stringify(text)} within ${timeoutMs} ms; output so far:\n${this.stdout}${this.stderr}`)),
        timeoutMs,
      );
      if (!check()) this.watchers.push(check);
    });
  }

  private add(stream: 'stdout' | 'stderr', text: string): void {
    this[stream] += text;
    this.watchers = this.watchers.filter((check) => !check());
  }
}

/** armvirt with a gdb server, the guest held (-S); resolves once it listens. */
export async function startArmvirt(args: string[]): Promise<Collected> {
  const run = new Collected(spawn(process.execPath, [cli, '-S', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await Promise.race([run.waitFor('waiting for gdb on'), run.done.then((t) => Promise.reject(new Error(`armvirt exited ${t.status}: ${t.stderr}`)))]);
  return run;
}

/** qemu-system-aarch64 -M virt with the same kernel and a gdb server on `socket`, the guest held (-S). */
export async function startQemu(kernel: string, socket: string): Promise<Collected> {
  const run = new Collected(
    spawnQemu(qemuVirtArgs({ kernel, extra: ['-no-reboot', '-S', '-gdb', `unix:${socket},server=on,wait=off`] }), { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  // QEMU prints nothing when it listens: wait for its socket.
  for (const limit = Date.now() + 15_000; !existsSync(socket);) {
    if (Date.now() > limit || run.child.exitCode !== null) throw new Error(`qemu-system-aarch64 did not listen on ${socket}: ${run.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return run;
}

export interface GdbOptions {
  /** Sends SIGINT to gdb (what Ctrl-C in its terminal does) once this text appears in its output. */
  interruptAfter?: string;
  /** How long the guest runs before that Ctrl-C. */
  interruptDelayMs?: number;
  timeoutMs?: number;
}

/**
 * gdb-multiarch -batch loading `elf` (none for a kernel known by its System.map: the target description says
 * aarch64), connecting with `connect` (e.g. `target remote /tmp/gdb.sock`), then running `commands`.
 */
export async function runGdb(elf: string | undefined, connect: string, commands: string[], options: GdbOptions = {}): Promise<Transcript> {
  const args = ['-batch', '-nx', '-ex', 'set pagination off', '-ex', 'set confirm off', ...(elf ? ['-ex', `file ${elf}`] : []), '-ex', connect];
  for (const command of commands) args.push('-ex', command);
  const gdb = new Collected(spawn('gdb-multiarch', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  const limit = setTimeout(() => gdb.child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  if (options.interruptAfter !== undefined) {
    await gdb.waitFor(options.interruptAfter);
    await new Promise((resolve) => setTimeout(resolve, options.interruptDelayMs ?? 1000));
    gdb.child.kill('SIGINT');
  }
  const transcript = await gdb.done;
  clearTimeout(limit);
  return transcript;
}
