import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGdb, startArmvirt } from '../support/gdb.js';
import { LINUX_IMAGE, LINUX_INITRAMFS, linesStartingWith, linuxCommandLine, PROMPT, runLinux } from '../support/linux-guest.js';
import { at } from '../../src/util/at.js';

/**
 * Kernel symbol addresses, as the kernel itself lists them in /proc/kallsyms. Debian's kernel package ships a
 * System.map that is only a pointer to the -dbg package (800 MB); the guest's own list is the same map, since
 * the kernel sits at the addresses of its symbols (no KASLR seed, `nokaslr`).
 */
async function kernelSymbols(names: string[]): Promise<Map<string, string>> {
  const run = await runLinux({
    append: 'armvirt.init=shell',
    session: [{ after: PROMPT, type: `${names.map((name) => `grep -w ${name} /proc/kallsyms`).join('; ')}; poweroff\n` }],
  });
  const symbols = new Map<string, string>();
  for (const line of run.console.split('\n')) {
    const m = /^([0-9a-f]{16}) [TtDdRr] (\S+)\r?$/.exec(line);
    if (m && names.includes(at(m, 2))) symbols.set(at(m, 2), at(m, 1));
  }
  expect([...symbols.keys()].sort()).to.deep.equal([...names].sort());
  return symbols;
}

describe('gdb-multiarch against the Linux guest', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'armvirt-gdb-linux-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('breaks on a kernel function by address (from kallsyms), reads registers and kernel virtual memory, and kills the guest', async () => {
    const symbols = await kernelSymbols(['__arm64_sys_getppid', '_stext']);
    const getppid = symbols.get('__arm64_sys_getppid')!;
    // The kernel is its Image loaded at _text, one 64 KiB segment below _stext (arm64's vmlinux.lds.S): the
    // function's first instructions are in the Image file at the same offset.
    const text = BigInt(`0x${symbols.get('_stext')!}`) - 0x10000n;
    const offset = Number(BigInt(`0x${getppid}`) - text);
    const image = readFileSync(LINUX_IMAGE);
    const words = [0, 4, 8, 12].map(
      (i) =>
        `0x${image
          .readUInt32LE(offset + i)
          .toString(16)
          .padStart(8, '0')}`,
    );
    const socket = join(dir, 'gdb.sock');
    // The bench init calls getppid() in a loop from EL0: the breakpoint is hit at its first call.
    const armvirt = await startArmvirt([
      '-M',
      'virt',
      '-m',
      '512M',
      '-kernel',
      LINUX_IMAGE,
      '-initrd',
      LINUX_INITRAMFS,
      '-append',
      linuxCommandLine('armvirt.init=bench'),
      '-serial',
      'null',
      '--clock',
      'deterministic',
      '-gdb',
      `unix:${socket}`,
    ]);
    const gdb = await runGdb(
      undefined,
      `target remote ${socket}`,
      [`break *0x${getppid}`, 'continue', `p/x $pc`, 'p/x $cpsr & 0xf', `x/4xw 0x${getppid}`, 'kill'],
      { timeoutMs: 120_000 },
    );
    const armvirtEnd = await armvirt.done;
    expect(gdb.stdout).to.match(new RegExp(`^Breakpoint 1, 0x0*${getppid} in \\?\\? \\(\\)$`, 'm'));
    expect(gdb.stdout).to.include(`$1 = 0x${getppid}\n`);
    expect(gdb.stdout).to.include('$2 = 0x5\n'); // EL1h: the system call's handler, entered from EL0
    // Kernel virtual memory, read through the guest's page tables, holds the Image's bytes.
    const dump = linesStartingWith(gdb.stdout, `0x${getppid}`)[0] ?? '';
    // ... but the first: one of ftrace's two patchable NOPs, which the kernel turns into `mov x9, x30` at boot.
    expect(dump.split(/\s+/).slice(2)).to.deep.equal(words.slice(1));
    expect([words[0], dump.split(/\s+/)[1]]).to.deep.equal(['0xd503201f', '0xaa1e03e9']);
    expect(gdb.stdout).to.contain('[Inferior 1 (process 1) killed]');
    expect(armvirtEnd.stderr).to.contain('armvirt: killed by the debugger, exit code 0');
  });
});
