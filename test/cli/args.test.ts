import { expect } from 'chai';
import { parseCommandLine, usage, UsageError } from '../../src/cli/args.js';

const parse = (...argv: string[]) => parseCommandLine(argv);

describe('armvirt command line', () => {
  it('maps QEMU flags onto machine config keys, remembering which flag set each', () => {
    const line = parse(
      '-M',
      'virt',
      '-m',
      '512M',
      '-kernel',
      'Image',
      '-initrd',
      'rd.img',
      '-append',
      'console=ttyAMA0 earlycon',
      '-dtb',
      'x.dtb',
      '-serial',
      'file:out.txt',
      '-nographic',
      '-cpu',
      'cortex-a72',
    );
    expect(line.command).to.equal('run');
    expect(line.flags).to.deep.equal({
      machine: 'virt',
      memory: '512M',
      kernel: 'Image',
      initrd: 'rd.img',
      append: 'console=ttyAMA0 earlycon',
      dtb: 'x.dtb',
      serial: 'file:out.txt',
    });
    expect(line.flagOf).to.include({ memory: '-m', kernel: '-kernel', serial: '-serial' });
  });

  it('takes one or two dashes and FLAG=VALUE, and repeats -device and -trace in order', () => {
    const line = parse(
      '--kernel=a.elf',
      '-device',
      'pl031,id=rtc1',
      '--device=pl011,chardev=null',
      '-trace',
      'pl011_*',
      '-trace',
      'enable=gic_*',
      '-d',
      'guest_errors,trace:pl031_*',
    );
    expect(line.flags.kernel).to.equal('a.elf');
    expect(line.flags.devices).to.deep.equal(['pl031,id=rtc1', 'pl011,chardev=null']);
    expect(line.flags.trace).to.deep.equal(['pl011_*', 'gic_*', 'pl031_*']);
  });

  it('reads machine options: dumpdtb switches to the dumpdtb command, platform bus size and node name', () => {
    const line = parse('-M', 'virt,gic-version=2,dumpdtb=out.dtb,platform-bus-size=64M,platform-bus-node=platform-bus');
    expect(line.command).to.equal('dumpdtb');
    expect(line.dtbOutput).to.equal('out.dtb');
    expect(line.flags.platformBus).to.deep.equal({ size: '64M', nodeName: 'platform-bus' });
    expect(line.flagOf.platformBus).to.equal('-M virt,platform-bus-node');
  });

  it("takes QEMU's debugger flags: -s is -gdb tcp::1234, -S waits for it", () => {
    expect(parse('-s', '-S').flags).to.deep.equal({ gdb: 'tcp::1234', waitForDebugger: true });
    const line = parse('-gdb', 'unix:/tmp/vm.sock');
    expect(line.flags.gdb).to.equal('unix:/tmp/vm.sock');
    expect(line.flagOf.gdb).to.equal('-gdb');
  });

  it('takes a command and a config file, or a config file alone for run', () => {
    expect(parse('run', 'vm.json')).to.include({ command: 'run', configPath: 'vm.json' });
    expect(parse('vm.json', '--clock', 'deterministic')).to.include({ command: 'run', configPath: 'vm.json' });
    expect(parse('dumpdtb', '--dts')).to.include({ command: 'dumpdtb', dts: true }).and.not.have.property('configPath');
    expect(parse('dumpdtb', 'vm.json', '-o', 'x.dtb')).to.include({ command: 'dumpdtb', configPath: 'vm.json', dtbOutput: 'x.dtb' });
  });

  it('collects help requests instead of failing on them', () => {
    const line = parse('-device', 'help', '-device', 'pl011,help', '-trace', 'help', '-M', 'help', '-d', 'help', '-cpu', 'help', '-h');
    expect(line.helpFor).to.deep.equal({ devices: ['help', 'pl011,help'], trace: true, machines: true, debug: true, cpus: true });
    expect(line.help).to.equal(true);
  });

  it('names the argument at fault', () => {
    for (const [argv, message] of [
      [['--bogus'], "unknown option '--bogus'; see armvirt --help"],
      [['-kernal', 'x'], "unknown option '-kernal' (did you mean '-kernel'?); see armvirt --help"],
      [['-dev', 'pl031'], "unknown option '-dev' (did you mean '-device'?); see armvirt --help"],
      [['-kernel'], '-kernel needs a value: -kernel FILE'],
      [['-nographic=1'], '-nographic takes no value'],
      [['-M', 'sbsa-ref'], "-M 'sbsa-ref': unknown machine type (accepted: virt, foundation; '-M help' describes them)"],
      [
        ['-M', 'virt,highmem=off'],
        "-M virt: unknown option 'highmem=off' (accepted: dumpdtb=FILE, platform-bus-size=SIZE, platform-bus-node=platform|platform-bus, gic-version=2)",
      ],
      [
        ['-M', 'virt,gic-version=3'],
        "-M virt: unknown option 'gic-version=3' (accepted: dumpdtb=FILE, platform-bus-size=SIZE, platform-bus-node=platform|platform-bus, gic-version=2)",
      ],
      [['-cpu', 'cortex-a53'], "-cpu 'cortex-a53': unknown CPU model (accepted: cortex-a72)"],
      [['-d', 'in_asm'], "-d 'in_asm': unknown log item (accepted: trace:GLOB, guest_errors, unimp, help)"],
      [['--timeout', '-1'], "--timeout '-1' is not a positive number of seconds"],
      [['--host-timeout', 'soon'], "--host-timeout 'soon' is not a positive number of seconds"],
      [['a.json', 'b.json'], "unexpected argument 'b.json': give one machine config file"],
    ] as const) {
      expect(() => parse(...argv), argv.join(' ')).to.throw(UsageError, message);
    }
  });

  it('documents every flag and the exit codes in --help', () => {
    const text = usage();
    for (const flag of [
      '-M, -machine',
      '-m SIZE',
      '-kernel FILE',
      '-device TYPE',
      '-trace GLOB',
      '--timeout SECONDS',
      '--host-timeout SECONDS',
      '--unmapped-access',
    ]) {
      expect(text).to.contain(flag);
    }
    expect(text).to.match(/Exit codes: 0 guest powered off.*2 bad command line/s);
  });
});
