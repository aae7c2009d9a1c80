import { expect } from 'chai';
import { ArmObject, cast, Device, prop, TypeRegistry } from '../../src/qom/index.js';
import { expectError } from '../fdt/expect-error.js';
import { sampleRegistry } from './sample-devices.js';

/** A device with one property of each kind, in a registry that also has a GIC to link to. */
function propsDevice(): { device: Device; registry: TypeRegistry } {
  const registry = sampleRegistry();
  registry.register({
    name: 'props-dev',
    parent: 'device',
    properties: [
      prop.string('label', { description: 'Free text', default: 'none' }),
      prop.bool('enabled', { description: 'Switch' }),
      prop.uint32('count', { description: 'A 32-bit count', default: 7 }),
      prop.uint64('base', { description: 'A 64-bit address' }),
      prop.size('window', { description: 'Window size', default: 32n << 20n }),
      prop.enum('mode', ['level', 'edge'], { description: 'Trigger mode' }),
      prop.link('gic', 'arm-gic', { description: 'Interrupt controller' }),
    ],
  });
  return { device: cast(registry.create('props-dev'), Device), registry };
}

const UINT32 = 'expected an unsigned 32-bit integer (0 to 4294967295)';
const UINT64 = 'expected an unsigned 64-bit integer (0 to 18446744073709551615)';
const SIZE = 'expected a size in bytes, with an optional suffix B, K, M, G, T, P or E (e.g. 4096, 0x1000, 4K, 512M, 1.5G)';

describe('properties', () => {
  it('start at their defaults; without one, bool is false, integers 0, enum its first value, string and link unset', () => {
    const { device } = propsDevice();
    expect(device.getString('label')).to.equal('none');
    expect(device.getBool('enabled')).to.equal(false);
    expect(device.getUint32('count')).to.equal(7);
    expect(device.getUint64('base')).to.equal(0n);
    expect(device.getUint64('window')).to.equal(0x200_0000n);
    expect(device.getString('mode')).to.equal('level');
    expect(device.getLink('gic')).to.equal(undefined);
    expect(sampleRegistry().create('pl011').getString('chardev')).to.equal(undefined);
  });

  it('carry a name, kind, help label and description', () => {
    const { device } = propsDevice();
    const mode = device.type.property('mode');
    expect(mode).to.include({ name: 'mode', kind: 'enum', typeLabel: 'level|edge', description: 'Trigger mode' });
    expect(device.type.property('gic')?.typeLabel).to.equal('link<arm-gic>');
  });

  it('are inherited, parent type properties first', () => {
    const registry = sampleRegistry();
    registry.register({
      name: 'xgmac',
      parent: 'vfio-platform',
      properties: [prop.bool('x-fixed-clock', { description: 'Clock is fixed' })],
    });
    const names = registry.get('xgmac').properties.map((p) => p.name);
    expect(names).to.deep.equal(['host', 'sysfsdev', 'x-no-mmap', 'mmap-timeout-ms', 'x-irqfd', 'x-fixed-clock']);
  });

  it('refuse an invalid default when declared', () => {
    expect(() => prop.uint32('irq', { description: 'IRQ', default: -1 })).to.throw(
      "property 'irq': default -1 is not an unsigned 32-bit integer (0 to 4294967295)",
    );
  });

  describe('from -device text', () => {
    const accepts = (name: string, text: string) => {
      const { device } = propsDevice();
      device.setPropertyText(name, text);
      return device.getProperty(name);
    };
    const rejection = (name: string, text: string) => {
      const { device } = propsDevice();
      try {
        device.setPropertyText(name, text);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`${name}=${text} was accepted`);
    };

    it('string: takes any text, even empty', () => {
      expect(accepts('label', 'a,b=c')).to.equal('a,b=c');
      expect(accepts('label', '')).to.equal('');
    });

    it("bool: takes QEMU's on/off, yes/no, true/false and nothing else", () => {
      for (const word of ['on', 'yes', 'true']) expect(accepts('enabled', word)).to.equal(true);
      for (const word of ['off', 'no', 'false']) expect(accepts('enabled', word)).to.equal(false);
      expect(rejection('enabled', '1')).to.equal("props-dev: property 'enabled' does not take '1': expected a boolean (on/off, yes/no, true/false)");
      expect(rejection('enabled', 'ON')).to.match(/does not take 'ON'/);
    });

    it('uint32: takes decimal and 0x hex up to 2^32 - 1', () => {
      expect(accepts('count', '0')).to.equal(0);
      expect(accepts('count', '4294967295')).to.equal(4294967295);
      expect(accepts('count', '0xffffffff')).to.equal(0xffffffff);
      expect(accepts('count', '0X1F')).to.equal(31);
      expect(accepts('count', '010')).to.equal(10);
    });

    it('uint32: rejects words, negatives, fractions, overflow, blanks and suffixes', () => {
      expect(rejection('count', 'abc')).to.equal(`props-dev: property 'count' does not take 'abc': ${UINT32}`);
      for (const bad of ['-1', '1.5', '4294967296', '0x100000000', '', ' 1', '4k', '0x']) {
        expect(rejection('count', bad)).to.equal(`props-dev: property 'count' does not take '${bad}': ${UINT32}`);
      }
    });

    it('uint64: takes the full 64-bit range as a bigint', () => {
      expect(accepts('base', '18446744073709551615')).to.equal(2n ** 64n - 1n);
      expect(accepts('base', '0x40000000')).to.equal(0x4000_0000n);
      expect(rejection('base', '18446744073709551616')).to.equal(`props-dev: property 'base' does not take '18446744073709551616': ${UINT64}`);
      expect(rejection('base', '-0')).to.equal(`props-dev: property 'base' does not take '-0': ${UINT64}`);
    });

    it('size: takes bytes, hex and binary suffixes', () => {
      expect(accepts('window', '512M')).to.equal(512n << 20n);
      expect(accepts('window', '64k')).to.equal(65536n);
      expect(rejection('window', '12 MB')).to.equal(`props-dev: property 'window' does not take '12 MB': ${SIZE}`);
    });

    it('enum: takes exactly one of its values', () => {
      expect(accepts('mode', 'edge')).to.equal('edge');
      expect(rejection('mode', 'Edge')).to.equal("props-dev: property 'mode' does not take 'Edge': expected one of: level, edge");
    });

    it('link: takes the canonical path of an object of the target type', () => {
      const { device, registry } = propsDevice();
      const root = registry.create('container');
      const machine = registry.create('container');
      root.addChild('machine', machine);
      machine.addChild('gic', registry.create('arm-gic'));
      machine.addChild('uart', registry.create('pl011'));
      machine.addChild('dev', device);
      device.setPropertyText('gic', '/machine/gic');
      expect(device.getLink('gic')?.path).to.equal('/machine/gic');
      const expected = 'expected the canonical path of an object of type arm-gic';
      expectError(() => device.setPropertyText('gic', '/machine/uart'), `props-dev: property 'gic' does not take '/machine/uart': ${expected}`);
      expectError(() => device.setPropertyText('gic', '/machine/nothing'), `props-dev: property 'gic' does not take '/machine/nothing': ${expected}`);
    });
  });

  describe('from typed values (config JSON, code)', () => {
    it('accept values of the right type, integers as numbers or bigints', () => {
      const { device, registry } = propsDevice();
      device.setProperty('enabled', true);
      device.setProperty('count', 5n);
      device.setProperty('base', 0x4000_0000);
      device.setProperty('window', 4096n);
      device.setProperty('gic', registry.create('arm-gic'));
      expect(device.getBool('enabled')).to.equal(true);
      expect(device.getUint32('count')).to.equal(5);
      expect(device.getUint64('base')).to.equal(0x4000_0000n);
      expect(device.getUint64('window')).to.equal(4096n);
      expect(device.getLink('gic')?.typeName).to.equal('arm-gic');
    });

    it('reject values of the wrong type or out of range, showing the value', () => {
      const { device, registry } = propsDevice();
      const cases: [string, unknown, string][] = [
        ['enabled', 'on', "'on': expected a boolean (on/off, yes/no, true/false)"],
        ['count', 4294967296, `4294967296: ${UINT32}`],
        ['count', 1.5, `1.5: ${UINT32}`],
        ['count', -1n, `-1: ${UINT32}`],
        ['base', 2 ** 64, `18446744073709552000: ${UINT64}`],
        ['window', '512M', `'512M': ${SIZE}`],
        ['label', 12, '12: expected a string'],
        ['mode', undefined, 'undefined: expected one of: level, edge'],
        ['gic', registry.create('pl011'), "object '/' (type pl011): expected the canonical path of an object of type arm-gic"],
        ['gic', {}, 'an object: expected the canonical path of an object of type arm-gic'],
      ];
      for (const [name, value, message] of cases) {
        expectError(() => device.setProperty(name, value), `props-dev: property '${name}' does not take ${message}`);
      }
    });
  });

  it('name the known properties when asked for an unknown one', () => {
    const registry = sampleRegistry();
    expectError(
      () => registry.create('vfio-platform').setPropertyText('foo', '1'),
      "vfio-platform: no property 'foo'; properties are: host, sysfsdev, x-no-mmap, mmap-timeout-ms, x-irqfd",
    );
    expectError(() => registry.create('arm-gic').getProperty('foo'), "arm-gic: no property 'foo'; it has no properties");
  });

  it('refuse a typed accessor of the wrong kind', () => {
    const { device } = propsDevice();
    expectError(() => device.getBool('count'), "props-dev: property 'count' is a uint32, not a bool");
    expectError(() => device.getUint64('count'), "props-dev: property 'count' is a uint32, not a uint64 or size");
  });

  it('are plain objects: any ArmObject type can have them', () => {
    const registry = new TypeRegistry();
    registry.register({ name: 'memory-backend', properties: [prop.size('size', { description: 'Bytes' })] });
    const backend: ArmObject = registry.create('memory-backend');
    backend.setPropertyText('size', '1G');
    expect(backend.getUint64('size')).to.equal(1n << 30n);
  });
});
