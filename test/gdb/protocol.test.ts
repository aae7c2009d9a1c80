import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootVirt } from '../../machines/virt/boot.js';
import { VirtMachine } from '../../machines/virt/virt-machine.js';
import type { MemoryChardev } from '../../src/chardev/index.js';
import { firmwarePath } from '../../src/firmware-path.js';
import { encodePacket, RspReader } from '../../src/gdb/packets.js';
import { GdbStub, type FinalExit } from '../../src/gdb/stub.js';
import { writeLinuxImage } from '../support/linux-image.js';

/** A symbol's address in a firmware ELF, as gdb would find it. */
function symbol(elf: string, name: string): bigint {
  const line = execFileSync('aarch64-linux-gnu-nm', [elf], { encoding: 'utf8' })
    .split('\n')
    .find((l) => l.endsWith(` ${name}`));
  if (!line) throw new Error(`${name} is not in ${elf}`);
  return BigInt(`0x${line.split(' ')[0]}`);
}

/** The gdb side of the protocol, by hand: acknowledged packets and their replies. */
class RawGdb {
  private readonly reader = new RspReader();
  private readonly events: { kind: string; body?: Buffer }[] = [];
  private wake: (() => void) | undefined;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.events.push(...this.reader.feed(chunk));
      this.wake?.();
    });
  }

  static open(path: string): Promise<RawGdb> {
    return new Promise((resolve, reject) => {
      const socket = connect(path, () => resolve(new RawGdb(socket)));
      socket.once('error', reject);
    });
  }

  send(body: string | Buffer): void {
    this.socket.write(encodePacket(body));
  }

  /** A packet whose body is sent as is (gdb escapes binary data itself). */
  sendRaw(body: Buffer): void {
    const sum = body.reduce((a, b) => (a + b) & 0xff, 0);
    this.socket.write(Buffer.concat([Buffer.from('$'), body, Buffer.from(`#${sum.toString(16).padStart(2, '0')}`)]));
  }

  /** Runs the guest to a breakpoint at `address` (then removes it). */
  async runTo(address: bigint): Promise<void> {
    expect(await this.request(`Z0,${address.toString(16)},4`)).to.equal('OK');
    this.send('c');
    expect((await this.next()).kind).to.equal('ack');
    expect(await this.reply()).to.equal('T05thread:1;swbreak:;');
    expect(await this.request(`z0,${address.toString(16)},4`)).to.equal('OK');
  }

  /** The next event: '+', '-', or a packet (acknowledged). */
  async next(timeoutMs = 10_000): Promise<{ kind: string; body?: Buffer }> {
    const limit = Date.now() + timeoutMs;
    while (this.events.length === 0) {
      if (Date.now() > limit) throw new Error('no reply from the gdb server');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    const event = this.events.shift()!;
    if (event.kind === 'packet') this.socket.write('+');
    return event;
  }

  /** Sends a packet and returns the reply's text (after the server's '+'). */
  async request(body: string | Buffer): Promise<string> {
    this.send(body);
    expect((await this.next()).kind).to.equal('ack');
    return this.reply();
  }

  async reply(): Promise<string> {
    const event = await this.next();
    expect(event.kind).to.equal('packet');
    return event.body!.toString('latin1');
  }
}

describe('gdb remote protocol (packets against the server)', function () {
  this.timeout(30_000);
  let dir: string;
  let vm: VirtMachine;
  let stub: GdbStub;
  let running: Promise<FinalExit>;
  let gdb: RawGdb;
  const elf = firmwarePath('gdb_mmu');
  const logs: string[] = [];

  /** A machine running `kernel` with a gdb server, the guest held (-S) or running, and a raw gdb connected. */
  async function start(waitForDebugger: boolean, kernel = elf): Promise<void> {
    dir = mkdtempSync(join(tmpdir(), 'armvirt-gdb-'));
    vm = new VirtMachine({ clock: 'deterministic', log: () => {} });
    bootVirt(vm, { kernel: kernel === elf ? elf : writeLinuxImage(join(dir, 'Image'), kernel) });
    stub = await GdbStub.listen(vm, { listen: { kind: 'unix', path: join(dir, 'gdb.sock') }, waitForDebugger, log: (m) => logs.push(m) });
    running = stub.run(Infinity);
    if (!waitForDebugger) await new Promise((resolve) => setTimeout(resolve, 200));
    gdb = await RawGdb.open(join(dir, 'gdb.sock'));
  }

  beforeEach(async function () {
    if (!this.currentTest?.title.includes('running guest')) await start(true);
  });

  afterEach(async () => {
    gdb.socket.destroy();
    vm.loop.stop('test over', 0);
    await running;
    await stub.finish(0);
    vm.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes the target as QEMU does and answers the queries gdb starts with', async () => {
    expect(await gdb.request('qSupported:swbreak+;hwbreak+;xmlRegisters=i386')).to.equal(
      'PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+',
    );
    expect(await gdb.request('?')).to.equal('T05thread:1;');
    // With gdb's multiprocess extension, as QEMU takes it, the thread is p1.1 of process 1.
    expect(await gdb.request('qSupported:multiprocess+;swbreak+')).to.match(/;multiprocess\+$/);
    expect(await gdb.request('?')).to.equal('T05thread:p1.1;');
    expect(await gdb.request('qC')).to.equal('QCp1.1');
    expect(await gdb.request('qSupported:swbreak+')).to.not.contain('multiprocess');
    expect(await gdb.request('qAttached')).to.equal('1');
    expect(await gdb.request('qfThreadInfo')).to.equal('m1');
    expect(await gdb.request('vCont?')).to.equal('vCont;c;C;s;S');
    expect(await gdb.request('qNoSuchThing')).to.equal('');
    const head = await gdb.request('qXfer:features:read:target.xml:0,40');
    expect(head)
      .to.match(/^m<\?xml version="1.0"\?>/)
      .and.have.length(0x41);
    const whole = await gdb.request('qXfer:features:read:target.xml:0,3000');
    expect(whole).to.match(/^l/).and.contain('<architecture>aarch64</architecture>').and.contain('<xi:include href="system-registers.xml"/>');
    const fpu = await gdb.request('qXfer:features:read:aarch64-fpu.xml:0,3000');
    expect(fpu).to.contain('<feature name="org.gnu.gdb.aarch64.fpu">').and.contain('<reg name="v31" bitsize="128" regnum="65" type="aarch64v"/>');
    const sys = await gdb.request('qXfer:features:read:system-registers.xml:0,3000');
    expect(sys).to.contain('<reg name="SCTLR_EL1" bitsize="64" regnum="68" group="cp_regs"/>');
    expect(await gdb.request('qXfer:features:read:nonesuch.xml:0,10')).to.equal('E00');
  });

  it('reads and writes registers by number and all of the core ones at once', async () => {
    const g = await gdb.request('g');
    expect(g).to.have.length(2 * (31 * 8 + 8 + 8 + 4));
    expect(g.slice(2 * 32 * 8, 2 * 33 * 8)).to.equal('0000004000000000'); // pc, little-endian: the entry
    expect(await gdb.request('p20')).to.equal('0000004000000000');
    expect(await gdb.request('P5=1122334455667788')).to.equal('OK');
    expect(vm.vcpu.readRegister('x5')).to.equal(0x8877_6655_4433_2211n);
    expect(await gdb.request(`P22=${'ab'.repeat(16)}`)).to.equal('OK'); // v0
    expect(vm.vcpu.debug.readVector(0).toString('hex')).to.equal('ab'.repeat(16));
    expect(await gdb.request('p44')).to.equal(Buffer.from('3808c50000000000', 'hex').toString('hex')); // SCTLR_EL1
    expect(await gdb.request('P44=0000000000000000')).to.equal('E22'); // system registers are read-only
    expect(await gdb.request('pff')).to.equal('E22');
    expect(await gdb.request('G00')).to.equal('E22');
  });

  it('reads and writes memory at virtual addresses, refusing unmapped space and device registers', async () => {
    expect(await gdb.request('m40000000,4')).to.match(/^[0-9a-f]{8}$/);
    expect(await gdb.request('m20000000,4')).to.equal('E14'); // nothing there
    expect(await gdb.request('m9000000,4')).to.equal('E14'); // the PL011's registers
    expect(await gdb.request('M40100000,3:0a0b0c')).to.equal('OK');
    // X carries binary data with $ # } * escaped as 0x7d followed by the byte ^ 0x20.
    gdb.sendRaw(Buffer.concat([Buffer.from('X40100003,4:', 'latin1'), Buffer.from([0x7d, 0x24 ^ 0x20, 0x01, 0x7d, 0x7d ^ 0x20, 0x02])]));
    expect((await gdb.next()).kind).to.equal('ack');
    expect(await gdb.reply()).to.equal('OK');
    expect(await gdb.request('m40100000,7')).to.equal('0a0b0c24017d02');
    expect(await gdb.request('M20000000,1:00')).to.equal('E14');
    // A read running into unmapped space returns what it could read.
    const ramEnd = 0x4000_0000 + 128 * 2 ** 20;
    expect(await gdb.request(`m${(ramEnd - 2).toString(16)},4`)).to.have.length(4);
  });

  it('stops at breakpoints (software, hardware) and watchpoints with the reason, translating the MMU-on addresses', async () => {
    const main = symbol(elf, 'main');
    const counter = symbol(elf, 'counter');
    expect(await gdb.request(`m${counter.toString(16)},8`)).to.equal('E14'); // the MMU is not on yet
    expect(await gdb.request(`Z0,${main.toString(16)},4`)).to.equal('OK');
    gdb.send('vCont;c');
    expect((await gdb.next()).kind).to.equal('ack');
    expect(await gdb.reply()).to.equal('T05thread:1;swbreak:;');
    expect(vm.vcpu.readRegister('pc')).to.equal(main);
    expect(await gdb.request(`m${counter.toString(16)},8`)).to.equal('0000000000000000');
    expect(await gdb.request(`z0,${main.toString(16)},4`)).to.equal('OK');
    expect(await gdb.request(`Z2,${counter.toString(16)},8`)).to.equal('OK');
    gdb.send('c');
    expect((await gdb.next()).kind).to.equal('ack');
    expect(await gdb.reply()).to.equal(`T05thread:1;watch:${counter.toString(16)};`);
    expect(await gdb.request(`m${counter.toString(16)},8`)).to.equal('0a00000000000000');
    expect(await gdb.request(`z2,${counter.toString(16)},8`)).to.equal('OK');
    const report = symbol(elf, 'report');
    expect(await gdb.request(`Z1,${report.toString(16)},4`)).to.equal('OK');
    gdb.send('c');
    expect((await gdb.next()).kind).to.equal('ack');
    expect(await gdb.reply()).to.equal('T05thread:1;hwbreak:;');
    expect(await gdb.request('Z2,80000000,4')).to.equal('E14'); // not mapped: cannot be watched
  });

  it('stops a spinning guest on Ctrl-C, and lets it run on when gdb detaches', async () => {
    const hold = symbol(elf, 'hold');
    await gdb.runTo(symbol(elf, 'main'));
    expect(await gdb.request(`M${hold.toString(16)},4:01000000`)).to.equal('OK');
    gdb.send('c');
    expect((await gdb.next()).kind).to.equal('ack');
    await new Promise((resolve) => setTimeout(resolve, 200));
    gdb.socket.write(Buffer.from([0x03]));
    expect(await gdb.reply()).to.equal('T02thread:1;');
    expect(vm.vcpu.readRegister('SCTLR_EL1') & 1n).to.equal(1n); // stopped in the spin loop, MMU on
    expect(await gdb.request(`M${hold.toString(16)},4:00000000`)).to.equal('OK');
    expect(await gdb.request('D')).to.equal('OK');
    expect(await running).to.deep.equal({ kind: 'stopped', reason: 'guest powered off (PSCI SYSTEM_OFF)', exitCode: 0 });
    expect((vm.uart.chardev as MemoryChardev).output).to.contain('gdb_mmu: done');
  });

  it('holds a running guest when a debugger connects, as QEMU does', async () => {
    await start(false, 'mov x1, #0\n spin: add x1, x1, #1\n b spin');
    expect(await gdb.request('?')).to.equal('T05thread:1;');
    const spinning = vm.vcpu.readRegister('x1');
    expect(spinning > 0n).to.equal(true);
    expect(await gdb.request('p1')).to.equal(Buffer.from(new BigUint64Array([spinning]).buffer).toString('hex'));
    expect(await gdb.request('D')).to.equal('OK');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(vm.vcpu.readRegister('x1') > spinning).to.equal(true); // it runs on
  });

  it('asks again for a packet with a bad checksum, and turns a second debugger away', async () => {
    gdb.socket.write('$g#00');
    expect((await gdb.next()).kind).to.equal('nak');
    const other = await RawGdb.open(join(dir, 'gdb.sock'));
    await new Promise((resolve) => other.socket.once('close', resolve));
    expect(logs).to.include('gdb server: a debugger is already attached; refusing another connection');
    expect(await gdb.request('?')).to.equal('T05thread:1;');
  });

  it('shows a guest fault as a signal and ends the run with it when gdb continues', async () => {
    vm.vcpu.unmappedAccess = 'stop';
    expect(await gdb.request('P0=0000000200000000')).to.equal('OK'); // x0 = 0x2_0000_0000: nothing there
    const ldr = Buffer.from([0x00, 0x00, 0x40, 0xf9]); // ldr x0, [x0]
    expect(await gdb.request(`M40000000,4:${ldr.toString('hex')}`)).to.equal('OK');
    gdb.send('c');
    expect((await gdb.next()).kind).to.equal('ack');
    expect(await gdb.reply()).to.equal('T0athread:1;'); // SIGBUS
    gdb.send('c');
    expect((await running).kind).to.equal('unmapped-access');
  });
});
