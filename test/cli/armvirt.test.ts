import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printDts } from '../../src/fdt/dts-printer.js';
import { firmwarePath } from '../../src/firmware-path.js';
import { dtcCompile, dtcDecompile } from '../support/dtc.js';
import { POWER_OFF } from '../support/guest.js';
import { writeLinuxImage } from '../support/linux-image.js';
import { userCreatableTypes, virtPlatformBusTypes } from '../support/shipped-types.js';

const cli = fileURLToPath(new URL('../../src/cli/armvirt.js', import.meta.url));
const armvirt = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000 });
const VIRT_TIMER_OUTPUT = 'virt_timer: start\ncntfrq ok\ntimer irq 27 x3 ok\nvirt_timer: done\n';

describe('armvirt launcher', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'armvirt-cli-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the demo config with no arguments: a passed-through device found, driven and DMAing on the fake host, exit 0', () => {
    const r = armvirt();
    const lines = r.stdout.split('\n');
    expect(lines[0]).to.equal('virt_vfio: start');
    expect(lines).to.include.members([
      'dt: found vfio-test@0 (armvirt,vfio-test-device)',
      'id 0x56464954 version 0x10000',
      'level irq: handled 1, spurious 0, status after ack 0x0',
      'edge irq: handled 1, spurious 0, status after ack 0x0',
      'dma: device -> ram status 0x1 (done), 256/256 bytes equal',
      'virt_vfio: done',
    ]);
    expect(r.stderr)
      .to.match(/DMA read of 16 bytes at iova 0x10000000 faults/)
      .and.match(/guest powered off \(PSCI SYSTEM_OFF\), exit code 0\n$/);
    expect(r.status).to.equal(0);
  });

  it("takes QEMU's command line for the same firmware", () => {
    const r = armvirt('-M', 'virt,gic-version=2', '-cpu', 'cortex-a72', '-m', '128M', '-nographic', '-kernel', firmwarePath('virt_timer'));
    expect(r.stdout).to.equal(VIRT_TIMER_OUTPUT);
    expect(r.status).to.equal(0);
  });

  it('runs a config file, with flags overriding its keys (relative paths from the file, or from the working directory for flags)', () => {
    const config = join(dir, 'vm.json');
    writeFileSync(config, JSON.stringify({ machine: 'foundation', kernel: 'missing.elf', clock: 'deterministic' }));
    expect(armvirt('run', config).stderr).to.equal(`armvirt: cannot read ELF image '${join(dir, 'missing.elf')}': no such file\n`);
    const r = armvirt('run', config, '-kernel', firmwarePath('foundation'));
    expect(r.stdout).to.equal('foundation: start\necho ok\nirq ok\nmask ok\ntimer ok\nfoundation: done\n');
    expect(r.status).to.equal(0);
  });

  it('dumpdtb: -M virt,dumpdtb=FILE writes the DTB the guest gets (dtc reads it), --dts prints its source', () => {
    const dtb = join(dir, 'virt.dtb');
    // Deterministic, so the two runs give the same /chosen/rng-seed.
    const written = armvirt('-M', 'virt,dumpdtb=' + dtb, '-m', '256M', '-append', 'console=ttyAMA0', '-device', 'pl031', '--clock', 'deterministic');
    expect(written.status, written.stderr).to.equal(0);
    const source = armvirt('dumpdtb', '--dts', '-m', '256M', '-append', 'console=ttyAMA0', '-device', 'pl031', '--clock', 'deterministic');
    expect(source.stdout).to.equal(printDts(new Uint8Array(readFileSync(dtb))));
    const fromDtc = dtcDecompile(new Uint8Array(readFileSync(dtb)));
    expect(fromDtc.stderr).to.equal('');
    expect(fromDtc.stdout).to.contain('bootargs = "console=ttyAMA0";').and.contain('reg = <0x00 0x40000000 0x00 0x10000000>;').and.contain('pl031@0 {');
  });

  it('-dtb bypasses generation: the guest gets the user DTB as it is, passthrough nodes not added', () => {
    const hosts = fileURLToPath(new URL('../../../machines/hosts/', import.meta.url));
    const user = join(dir, 'user.dtb');
    writeFileSync(user, dtcCompile('/dts-v1/;\n/ {\n\tmodel = "hand-written";\n};\n'));
    const passthrough = ['--vfio-host', `fake:${hosts}test-device.json`, '-device', 'vfio-platform,host=a0000000.vfio-test'];
    const r = armvirt('dumpdtb', '--dts', '-dtb', user, ...passthrough);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('model = "hand-written";').and.not.contain('vfio-test');
    expect(armvirt('dumpdtb', '--dts', ...passthrough).stdout).to.contain('vfio-test@0 {');
  });

  it('prints monitor views of the built machine, -device included', () => {
    const r = armvirt('--info', 'qtree', '-device', 'pl031,id=rtc1');
    expect(r.stdout).to.contain('/machine/gic (arm-gic)').and.contain('/machine/peripheral/rtc1 (pl031)');
    expect(r.status).to.equal(0);
    expect(armvirt('--info', 'mtree', '-M', 'foundation').stdout).to.contain('0000000040000000-0000000040ffffff (prio 0, ram): foundation.ram');
  });

  it('--info vfio shows each passthrough device: host, group, region paths, IRQ paths and states', () => {
    const hosts = fileURLToPath(new URL('../../../machines/hosts/', import.meta.url));
    const r = armvirt('--info', 'vfio', '--vfio-host', `fake:${hosts}test-device.json`, '-device', 'vfio-platform,host=a0000000.vfio-test,id=vt,x-irqfd=off');
    expect(r.stdout).to.equal(
      '/machine/peripheral/vt (vfio-platform): host a0000000.vfio-test, IOMMU group 5, compatible armvirt,vfio-test-device\n' +
        '  region 0: 0x1000 bytes at 0xc000000, fast path\n' +
        '  region 1: 0x100 bytes at 0xc001000, slow path (not mmap-able)\n' +
        '  irq 0: level, eventfd path, inactive, line low, raised 0 times\n' +
        '  irq 1: edge, eventfd path, inactive, line low, raised 0 times\n',
    );
    expect(armvirt('--info', 'pic').stderr).to.equal("armvirt: --info 'pic' is not one of qtree, mtree, mtree-f, irq, vfio\n");
  });

  it('answers help requests: flags, machines, device types and properties, trace events', () => {
    expect(armvirt('--help').stdout).to.contain('usage: armvirt').and.contain('Exit codes:');
    expect(armvirt('-M', 'help').stdout).to.match(/^virt +QEMU's ARM virt memory map/m);
    // The launcher runs from its bundle, which must hold every device file as the module tree does.
    const listed = [...armvirt('-device', 'help').stdout.matchAll(/^ {2}(\S+) /gm)].map((m) => m[1]);
    expect(listed).to.include('pl031').and.to.deep.equal(virtPlatformBusTypes());
    expect(armvirt('-device', 'pl011,help').stdout).to.contain('chardev=<str>');
    expect(armvirt('-trace', 'help').stdout).to.match(/^pl011_\w+ /m);
  });

  it('says what is wrong with bad input, without a stack trace, exit 2', () => {
    const badConfig = join(dir, 'bad.json');
    writeFileSync(badConfig, JSON.stringify({ machine: 'virt', memroy: '1G', memory: '12X', kernel: 5 }));
    const notAKernel = join(dir, 'not-a-kernel');
    writeFileSync(notAKernel, 'hello\n');
    for (const [args, message] of [
      [['--clock', 'fast'], "armvirt: --clock: 'fast' is not one of realtime, deterministic\n"],
      [['--bogus'], "armvirt: unknown option '--bogus'; see armvirt --help\n"],
      [['-m', '12X'], "armvirt: -m: '12X' is not valid: a size in bytes: a number with an optional K, M, G or T suffix (e.g. 512M), or 0x hex\n"],
      [
        [badConfig],
        `armvirt: ${badConfig}: $: unknown key 'memroy' (did you mean 'memory'?)\narmvirt: ${badConfig}: $.memory: '12X' is not valid: a size in bytes: a number with an optional K, M, G or T suffix (e.g. 512M), or 0x hex\narmvirt: ${badConfig}: $.kernel: expected a string, got 5\n`,
      ],
      [['-device', 'nosuch'], `armvirt: -device nosuch: unknown type 'nosuch'; known user-creatable types: ${userCreatableTypes().join(', ')}\n`],
      [['-device', 'pl031,speed=3'], "armvirt: -device pl031,speed=3: pl031: no property 'speed'; properties are: start-time\n"],
      [['-kernel', join(dir, 'nonexistent')], `armvirt: cannot read kernel '${join(dir, 'nonexistent')}': no such file\n`],
      [
        ['-kernel', notAKernel],
        `armvirt: kernel '${notAKernel}' is neither an AArch64 ELF nor a Linux arm64 Image (no ELF magic, no "ARM\\x64" at offset 56)\n`,
      ],
      [['-M', 'foundation'], 'armvirt: the command line: nothing to run: give a kernel (-kernel FILE, or "kernel" in the machine config)\n'],
      [['--info', 'constructor'], "armvirt: --info 'constructor' is not one of qtree, mtree, mtree-f, irq, vfio\n"],
      [
        ['dumpdtb', '-o', join(dir, 'no-dir', 'x.dtb')],
        `armvirt: cannot write the DTB to '${join(dir, 'no-dir', 'x.dtb')}': ENOENT: no such file or directory\n`,
      ],
      [
        ['-kernel', firmwarePath('virt_boot'), '-dtb', notAKernel],
        `armvirt: DTB '${notAKernel}' is not a valid flattened device tree: not a DTB: bad magic 0x68656c6c (expected 0xd00dfeed)\n`,
      ],
    ] as const) {
      const r = armvirt(...args);
      expect(r.stderr, args.join(' ')).to.equal(message);
      expect(r.status, args.join(' ')).to.equal(2);
    }
  });

  describe('exit codes of a run', () => {
    const image = (name: string, source: string) => writeLinuxImage(join(dir, name), source);

    it('an unmapped access reads as zero and is logged with its address, or stops the run (125) when configured', () => {
      const kernel = image('unmapped.img', `ldr x2, =0x0a000000\n ldr w1, [x2]\n ${POWER_OFF}`);
      const logged = armvirt('-kernel', kernel, '-serial', 'null');
      expect(logged.stderr).to.match(/unmapped physical address 0xa000000.*read as zero/);
      expect(logged.status).to.equal(0);
      const stopped = armvirt('-kernel', kernel, '--unmapped-access', 'stop');
      expect(stopped.stderr).to.match(/^armvirt: guest fault: guest read from unmapped physical address 0xa000000/);
      expect(stopped.status).to.equal(125);
    });

    it('PSCI SYSTEM_RESET ends the run with 3, an unhandled exception with 125', () => {
      const reset = armvirt('-kernel', image('reset.img', 'ldr x0, =0x84000009\n hvc #0'));
      expect(reset.stderr).to.equal('armvirt: guest asked for a reset (PSCI SYSTEM_RESET), exit code 3\n');
      expect(reset.status).to.equal(3);
      const fault = armvirt('-kernel', image('udf.img', 'udf #7'));
      expect(fault.stderr).to.match(
        /^armvirt: guest fault: undefined instruction at PC 0x40080040 \(ESR 0x2000000\): no vector table at VBAR_EL1 \(0x0\): taking it faulted again at 0x200$/m,
      );
      expect(fault.status).to.equal(125);
    });

    it('an HVC nothing answers is UNDEFINED in the guest, or with --strict-hvc ends the run with 125', () => {
      const kernel = image('hvc.img', 'hvc #0x55');
      const lenient = armvirt('-kernel', kernel);
      expect(lenient.stderr).to.match(/^armvirt: guest fault: undefined instruction at PC 0x40080040 \(ESR 0x2000000\): no vector table/m);
      const strict = armvirt('-kernel', kernel, '--strict-hvc');
      expect(strict.stderr).to.equal('armvirt: guest fault: unhandled HVC #0x55 at PC 0x40080044\n');
      expect(strict.status).to.equal(125);
    });

    it('a virtual or host timeout ends a guest that never stops with 124', () => {
      const kernel = image('spin.img', '1: b 1b');
      const virtual = armvirt('-kernel', kernel, '--clock', 'deterministic', '--timeout', '0.01');
      expect(virtual.stderr).to.equal('armvirt: timed out after 0.01 s of virtual time\n');
      expect(virtual.status).to.equal(124);
      const host = armvirt('-kernel', kernel, '--host-timeout', '3');
      expect(host.stderr).to.equal('armvirt: timed out after 3 s of host time, exit code 124\n');
      expect(host.status).to.equal(124);
    });

    it('Ctrl-C (SIGINT) stops the run cleanly with 130', async () => {
      const kernel = image(
        'spin-after-print.img',
        `ldr x1, =0x09000000\n mov w0, #0x301\n str w0, [x1, #0x30]\n mov w0, #'R'\n str w0, [x1]\n mov w0, #10\n str w0, [x1]\n 1: b 1b`,
      );
      const child = spawn(process.execPath, [cli, '-kernel', kernel], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(stderr).to.equal('armvirt: interrupted (SIGINT), exit code 130\n');
      expect(code).to.equal(130);
    });
  });
});
