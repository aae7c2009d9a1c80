import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firmwarePath } from '../../src/firmware-path.js';
import { runGdb, startArmvirt, startQemu, type Transcript } from '../support/gdb.js';

const armvirtCli = fileURLToPath(new URL('../../src/cli/armvirt.js', import.meta.url));

/** A TCP port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** gdb's `$N = value` lines, in order, without their numbers. */
const values = (t: Transcript) => [...t.stdout.matchAll(/^\$\d+ = (.*)$/gm)].map((m) => m[1]);

describe('gdb-multiarch against the gdb server', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'armvirt-gdb-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('virt_timer: break at main, step, read registers and memory, watch a global, change the output, detach', async () => {
    const socket = join(dir, 'gdb.sock');
    const elf = firmwarePath('virt_timer');
    const armvirt = await startArmvirt(['-kernel', elf, '-gdb', `unix:${socket}`]);
    const gdb = await runGdb(elf, `target remote ${socket}`, [
      'break main',
      'continue',
      'p $pc == (long)&main',
      'p ticks',
      'p/x last_intid',
      'x/2i $pc',
      'set $before = $pc',
      'stepi',
      'p $pc - $before',
      'p $sp == $x29 || 1',
      'break puts',
      'continue',
      'x/s $x0',
      // The first line becomes "Timer: start": a memory write, then a register write past "virt_".
      'set var *(char *)($x0 + 5) = 0x54',
      'set $x0 = $x0 + 5',
      'delete',
      'watch ticks',
      'continue',
      'delete',
      'detach',
    ]);
    const run = await armvirt.done;
    expect(gdb.stdout).to.match(/^Breakpoint 1, main \(dtb=\d+\) at tests\/virt_timer\.c:\d+$/m);
    expect(gdb.stdout).to.match(/^=> 0x[0-9a-f]+ <main>:\s+stp\s+x29, x30, \[sp, #-\d+\]!$/m);
    expect(values(gdb).slice(0, 4)).to.deep.equal(['1', '0', '0x3ff', '4']);
    expect(gdb.stdout).to.match(/^Breakpoint 2, puts \(s=s@entry=0x[0-9a-f]+ "virt_timer: start\\n"\)/m);
    expect(gdb.stdout).to.match(/^0x[0-9a-f]+:\s+"virt_timer: start\\n"$/m);
    expect(gdb.stdout).to.match(/^Hardware watchpoint 3: ticks\n\nOld value = 0\nNew value = 1$/m);
    expect(gdb.stdout).to.contain('[Inferior 1 (process 1) detached]');
    expect(run.stdout).to.equal('Timer: start\ncntfrq ok\ntimer irq 27 x3 ok\nvirt_timer: done\n');
    expect(run.status, run.stderr).to.equal(0);
  });

  it('gdb_mmu at high virtual addresses over extended-remote: watch, write, Ctrl-C a spinning guest, detach and attach, power-off', async () => {
    const socket = join(dir, 'gdb.sock');
    const elf = firmwarePath('gdb_mmu');
    const armvirt = await startArmvirt(['-kernel', elf, '-gdb', `unix:${socket}`]);
    const gdb = await runGdb(
      elf,
      `target extended-remote ${socket}`,
      [
        'break main',
        'continue',
        'p/x $pc',
        'x/s message',
        'p/x $SCTLR_EL1 & 1',
        'p *(long *)0x80000000',
        'watch counter',
        'continue',
        'p counter',
        'delete',
        'break report',
        'continue',
        'set $x1 = 0x1234',
        "set var message[0] = 'J'",
        'set var hold = 1',
        'delete',
        'echo spinning\\n',
        'continue',
        'p hold',
        'p spins > 0',
        // extended-remote keeps gdb connected after a detach: the guest spins on until gdb attaches again
        'detach',
        'attach 1',
        'p spins > 0',
        'set var hold = 0',
        'continue',
      ],
      { interruptAfter: 'spinning' },
    );
    const run = await armvirt.done;
    expect(gdb.stdout).to.match(/^Breakpoint 1, main \(dtb=\d+\) at tests\/gdb_mmu\.c:\d+$/m);
    const [pc, ...rest] = values(gdb);
    expect(pc).to.match(/^0xffffff80400[0-9a-f]{5}$/);
    expect(rest).to.deep.equal(['0x1', '10', '1', '1', '1']);
    expect(gdb.stdout).to.match(/<message>:\s+"hello from the high half\\n"$/m);
    expect(gdb.stderr).to.contain('Cannot access memory at address 0x80000000');
    expect(gdb.stdout).to.match(/^Hardware watchpoint 2: counter\n\nOld value = 0\nNew value = 10\nmain \(dtb=<optimized out>\) at tests\/gdb_mmu\.c:\d+$/m);
    expect(gdb.stdout).to.match(/^Breakpoint 3, report \(what=.*"counter ", value=30\)/m);
    expect(gdb.stdout).to.match(/^Program received signal SIGINT, Interrupt\.$/m);
    // What QEMU prints too when it is attached again after a Ctrl-C.
    expect(gdb.stdout).to.match(
      /^\[Inferior 1 \(process 1\) detached\]\n\nProgram stopped\.\n(0x[0-9a-f]+ in )?main \(dtb=<optimized out>\) at tests\/gdb_mmu\.c:\d+$/m,
    );
    expect(gdb.stdout).to.contain('[Inferior 1 (process 1) exited normally]');
    expect(run.stdout).to.equal('gdb_mmu: start\nrunning in the high half\ncounter 0x1234\nJello from the high half\ngdb_mmu: done\n');
    expect(run.status, run.stderr).to.equal(0);
  });

  it('prints what QEMU prints for the same session with the MMU on (gdb against qemu-system-aarch64 -s -S)', async () => {
    const elf = firmwarePath('gdb_mmu');
    const commands = [
      'break main',
      'continue',
      'p/x $pc',
      'x/s message',
      'info registers x1 sp',
      'stepi',
      'p/x $pc',
      'watch counter',
      'continue',
      'p/x $pc',
      'continue',
      'delete',
      'break report',
      'continue',
      'bt',
      'finish',
      'continue',
    ];
    const session = async (start: (socket: string) => Promise<{ done: Promise<Transcript> }>, name: string) => {
      const socket = join(dir, `${name}.sock`);
      const server = await start(socket);
      const gdb = await runGdb(elf, `target remote ${socket}`, commands);
      const run = await server.done;
      // Where the two differ by design: x0 holds the DTB address on armvirt (0 on QEMU for an ELF).
      // QEMU may exit before it tells gdb, so the last line is compared apart.
      const text = gdb.stdout.replace(/dtb=\d+/g, 'dtb=N').replace(/^\[Inferior 1 .* exited normally\]\n/m, '');
      return { text, exit: gdb.stdout, run };
    };
    const armvirt = await session((socket) => startArmvirt(['-kernel', elf, '-gdb', `unix:${socket}`]), 'armvirt');
    const qemu = await session((socket) => startQemu(elf, socket), 'qemu');
    expect(armvirt.text).to.equal(qemu.text);
    expect(armvirt.text).to.match(/^#1 {2}0xffffff80400[0-9a-f]{5} in main /m);
    expect(armvirt.exit).to.contain('[Inferior 1 (process 1) exited normally]');
    expect(armvirt.run.stdout).to.equal(qemu.run.stdout);
  });

  it('listens on TCP (localhost unless a host is given), and gdb kill ends armvirt', async () => {
    const port = await freePort();
    const elf = firmwarePath('virt_timer');
    const armvirt = await startArmvirt(['-kernel', elf, '-gdb', `tcp::${port}`]);
    expect(armvirt.stderr).to.contain(`waiting for gdb on localhost:${port} before starting the guest (-S)`);
    const gdb = await runGdb(elf, `target remote localhost:${port}`, ['break main', 'continue', 'kill']);
    const run = await armvirt.done;
    expect(gdb.stdout)
      .to.match(/^Breakpoint 1, main /m)
      .and.contain('[Inferior 1 (process 1) killed]');
    expect(run.stderr).to.contain('armvirt: killed by the debugger, exit code 0');
    expect(run.status).to.equal(0);

    const other = await freePort();
    const explicit = await startArmvirt(['-kernel', elf, '-gdb', `tcp:127.0.0.1:${other}`]);
    const toEnd = await runGdb(elf, `target remote 127.0.0.1:${other}`, ['continue']);
    expect(toEnd.stdout).to.contain('[Inferior 1 (process 1) exited normally]');
    expect((await explicit.done).stdout).to.contain('virt_timer: done');
  });

  it('names the address it cannot listen on, without a stack trace, as bad input (exit 2)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, 'localhost', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const r = spawnSync(process.execPath, [armvirtCli, '-kernel', firmwarePath('virt_timer'), '-gdb', `tcp::${port}`], { encoding: 'utf8', timeout: 20_000 });
      expect(r.stderr).to.equal(`armvirt: gdb server: cannot listen on 'localhost:${port}': the address is in use\n`);
      expect(r.status).to.equal(2);
    } finally {
      taken.close();
    }
    const dir = mkdtempSync(join(tmpdir(), 'armvirt-gdb-'));
    try {
      const path = join(dir, 'missing', 'gdb.sock');
      const r = spawnSync(process.execPath, [armvirtCli, '-kernel', firmwarePath('virt_timer'), '-gdb', `unix:${path}`], { encoding: 'utf8', timeout: 20_000 });
      expect(r.stderr).to.match(new RegExp(`^armvirt: gdb server: cannot listen on 'unix:${path}': [^\n]*\n$`));
      expect(r.status).to.equal(2);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
