import { expect } from 'chai';
import { ArmObject, createDeviceFromOptions, deviceHelp, parseDeviceOptions, prop, type TypeRegistry } from '../../src/qom/index.js';
import { expectError } from '../fdt/expect-error.js';
import { SampleVfioPlatform, sampleRegistry } from './sample-devices.js';

/** A registry and a `/machine` to create devices under. */
function machineSetup(): { registry: TypeRegistry; machine: ArmObject } {
  const registry = sampleRegistry();
  const machine = registry.create('container');
  registry.create('container').addChild('machine', machine);
  return { registry, machine };
}

describe('-device options', () => {
  describe('parsing', () => {
    it('reads TYPE then prop=value pairs, with id= set apart', () => {
      expect(parseDeviceOptions('vfio-platform,host=fff51000.ethernet,id=eth0,x-irqfd=off')).to.deep.equal({
        type: 'vfio-platform',
        id: 'eth0',
        props: { host: 'fff51000.ethernet', 'x-irqfd': 'off' },
      });
      expect(parseDeviceOptions('pl011')).to.deep.equal({ type: 'pl011', props: {} });
    });

    it("reads ',,' as a literal comma and keeps '=' after the first in the value", () => {
      expect(parseDeviceOptions('pl011,chardev=a,,b,,,,c,id=u0')).to.deep.equal({
        type: 'pl011',
        id: 'u0',
        props: { chardev: 'a,b,,c' },
      });
      expect(parseDeviceOptions('pl011,chardev=x=y,,,baudrate=')).to.deep.equal({
        type: 'pl011',
        props: { chardev: 'x=y,', baudrate: '' },
      });
    });

    it('recognises help requests', () => {
      expect(parseDeviceOptions('help')).to.deep.equal({ help: 'types' });
      expect(parseDeviceOptions('pl011,help')).to.deep.equal({ help: 'properties', type: 'pl011' });
    });

    it('rejects malformed options, quoting the option text', () => {
      expectError(() => parseDeviceOptions(''), '-device : expected a device type first: TYPE[,prop=value...]');
      expectError(() => parseDeviceOptions('host=x,pl011'), '-device host=x,pl011: expected a device type first: TYPE[,prop=value...]');
      expectError(() => parseDeviceOptions('pl011,trace'), "-device pl011,trace: expected prop=value, found 'trace'");
      expectError(() => parseDeviceOptions('pl011,'), "-device pl011,: expected prop=value, found ''");
      expectError(() => parseDeviceOptions('pl011,=1'), "-device pl011,=1: expected prop=value, found '=1'");
      expectError(() => parseDeviceOptions('pl011,baudrate=1,baudrate=2'), "-device pl011,baudrate=1,baudrate=2: 'baudrate' is given more than once");
      expectError(
        () => parseDeviceOptions('pl011,id=0uart'),
        "-device pl011,id=0uart: invalid id '0uart': an id starts with a letter and holds only letters, digits, '-', '.' and '_'",
      );
    });
  });

  describe('help', () => {
    it('-device help lists the user-creatable devices with descriptions', () => {
      expect(deviceHelp('help', sampleRegistry())).to.equal(
        [
          'Devices (-device TYPE,help lists the properties of one):',
          '  pl011          ARM PrimeCell PL011 UART',
          '  vfio-platform  Host platform device assigned through VFIO',
        ].join('\n'),
      );
    });

    it('-device TYPE,help lists the properties, sorted, with type, description and default', () => {
      expect(deviceHelp('vfio-platform,help', sampleRegistry())).to.equal(
        [
          'vfio-platform options:',
          '  host=<str>                - Host device name',
          '  mmap-timeout-ms=<uint32>  - Slow-path time after an interrupt (default: 1100)',
          '  sysfsdev=<str>            - Host device sysfs path',
          '  x-irqfd=<bool>            - Inject interrupts without leaving the kernel model (default: true)',
          '  x-no-mmap=<bool>          - Trap every region access (default: false)',
        ].join('\n'),
      );
    });

    it('-device TYPE,help shows sizes with suffixes, enums by their values, links by target, and required ones', () => {
      const registry = sampleRegistry();
      registry.register({
        name: 'platform-bus',
        parent: 'device',
        userCreatable: true,
        properties: [
          prop.size('window', { description: 'Window size', default: 32n << 20n }),
          prop.enum('irq-mode', ['level', 'edge'], { description: 'Trigger' }),
          prop.link('gic', 'arm-gic', { description: 'Interrupt controller', required: true }),
        ],
      });
      expect(deviceHelp('platform-bus,help', registry)).to.equal(
        [
          'platform-bus options:',
          '  gic=<link<arm-gic>>    - Interrupt controller (required)',
          '  irq-mode=<level|edge>  - Trigger (default: level)',
          '  window=<size>          - Window size (default: 32M)',
        ].join('\n'),
      );
    });

    it('says so when a device has no properties, and gives no help for a plain device option', () => {
      const registry = sampleRegistry();
      registry.register({ name: 'pl031', parent: 'device', userCreatable: true });
      expect(deviceHelp('pl031,help', registry)).to.equal('There are no options for pl031.');
      expect(deviceHelp('pl031', registry)).to.equal(undefined);
    });

    it('refuses help for types users cannot create', () => {
      expectError(
        () => deviceHelp('arm-gic,help', sampleRegistry()),
        "-device arm-gic,help: type 'arm-gic' is not a user-creatable device; user-creatable devices: pl011, vfio-platform",
      );
    });
  });

  describe('creating the device', () => {
    it('configures and realizes it under /machine/peripheral/ID', () => {
      const { registry, machine } = machineSetup();
      const device = createDeviceFromOptions('vfio-platform,id=eth0,host=fff51000.ethernet,mmap-timeout-ms=0x10', {
        machine,
        registry,
      }) as SampleVfioPlatform;
      expect(device.path).to.equal('/machine/peripheral/eth0');
      expect(device.id).to.equal('eth0');
      expect(device.realized).to.equal(true);
      expect(device.attached).to.equal('fff51000.ethernet');
      expect(device.getUint32('mmap-timeout-ms')).to.equal(16);
    });

    it('puts devices without an id under /machine/peripheral-anon/device[N]', () => {
      const { registry, machine } = machineSetup();
      const first = createDeviceFromOptions('pl011', { machine, registry });
      const second = createDeviceFromOptions('pl011,chardev=serial0', { machine, registry });
      expect([first.path, second.path]).to.deep.equal(['/machine/peripheral-anon/device[0]', '/machine/peripheral-anon/device[1]']);
      expect(second.label()).to.equal('/machine/peripheral-anon/device[1]');
    });

    it('resolves link properties against the machine tree', () => {
      const { registry, machine } = machineSetup();
      registry.register({
        name: 'gic-user',
        parent: 'device',
        userCreatable: true,
        properties: [prop.link('gic', 'arm-gic', { description: 'Interrupt controller' })],
      });
      machine.addChild('gic', registry.create('arm-gic'));
      const device = createDeviceFromOptions('gic-user,gic=/machine/gic', { machine, registry });
      expect(device.getLink('gic')).to.equal(machine.resolvePath('gic'));
    });

    const failures: [string, string][] = [
      ['xyz,id=a', "unknown type 'xyz'; known user-creatable types: pl011, vfio-platform"],
      ['arm-gic', "type 'arm-gic' is not a user-creatable device; user-creatable devices: pl011, vfio-platform"],
      [
        'vfio-platform,host=fff51000.ethernet,mmap-timeout-ms=abc',
        "vfio-platform: property 'mmap-timeout-ms' does not take 'abc': expected an unsigned 32-bit integer (0 to 4294967295)",
      ],
      ['vfio-platform,id=eth0,foo=1', "vfio-platform: no property 'foo'; properties are: host, sysfsdev, x-no-mmap, mmap-timeout-ms, x-irqfd"],
      ['vfio-platform,host=fff52000.dma', 'vfio fff52000.dma: no such host device: /sys/bus/platform/devices/fff52000.dma'],
      ['pl011,help', 'this asks for help, not for a device: use deviceHelp()'],
    ];
    for (const [option, message] of failures) {
      it(`reports '${option}' with the option text and leaves nothing in the tree`, () => {
        const { registry, machine } = machineSetup();
        expectError(() => createDeviceFromOptions(option, { machine, registry }), `-device ${option}: ${message}`);
        for (const container of machine.children.values()) expect(container.children.size).to.equal(0);
      });
    }

    it('refuses a second device with the same id', () => {
      const { registry, machine } = machineSetup();
      createDeviceFromOptions('pl011,id=uart0', { machine, registry });
      expectError(
        () => createDeviceFromOptions('pl011,id=uart0', { machine, registry }),
        "-device pl011,id=uart0: object '/machine/peripheral' already has a child named 'uart0'",
      );
    });
  });
});
