import { expect } from 'chai';
import { ArmObject, cast, Device, defaultRegistry, isA, registerType, TypeRegistry } from '../../src/qom/index.js';
import { expectError } from '../fdt/expect-error.js';
import { SampleGic, SampleUart, SampleVfioPlatform, sampleRegistry } from './sample-devices.js';

describe('type registry', () => {
  it('starts with the base types object, container and device', () => {
    const registry = new TypeRegistry();
    expect(registry.typeNames()).to.deep.equal(['container', 'device', 'object']);
    expect(registry.get('device').abstract).to.equal(true);
    expect(registry.get('device').parent?.name).to.equal('object');
  });

  it('keeps separate registries apart from the default one', () => {
    const registry = sampleRegistry();
    registry.register({ name: 'qom-test-separate-only', parent: 'container' });
    expect(registry.typeNames()).to.include('qom-test-separate-only');
    expect(defaultRegistry.typeNames()).not.to.include('qom-test-separate-only');
  });

  it('registers into the default registry with registerType', () => {
    const type = registerType({ name: 'qom-test-default-registry', parent: 'container' });
    expect(defaultRegistry.get('qom-test-default-registry')).to.equal(type);
  });

  it('creates objects of the registered class, with the type attached', () => {
    const uart = sampleRegistry().create('pl011');
    expect(uart).to.be.instanceOf(SampleUart);
    expect(uart.typeName).to.equal('pl011');
    expect(uart.type.lineage.map((t) => t.name)).to.deep.equal(['object', 'device', 'sys-bus-device', 'pl011']);
  });

  it('lets a type reuse its parent class and inherit its properties', () => {
    const registry = sampleRegistry();
    registry.register({ name: 'calxeda-xgmac', parent: 'vfio-platform', userCreatable: true });
    const xgmac = registry.create('calxeda-xgmac');
    expect(xgmac).to.be.instanceOf(SampleVfioPlatform);
    expect(xgmac.getUint32('mmap-timeout-ms')).to.equal(1100);
  });

  it('runs class init once per type, parent first, on first use; a subtype inherits the class data', () => {
    const registry = new TypeRegistry();
    const log: string[] = [];
    registry.register({
      name: 'base-dev',
      parent: 'device',
      abstract: true,
      classInit: (klass) => {
        log.push(`class ${klass.typeName}`);
        klass.data.set('irqs', 1);
        klass.data.set('compatible', 'base');
      },
    });
    registry.register({
      name: 'leaf-dev',
      parent: 'base-dev',
      classInit: (klass) => {
        log.push(`class ${klass.typeName}`);
        klass.data.set('compatible', 'leaf');
      },
    });
    expect(log).to.deep.equal([]);
    const first = registry.create('leaf-dev');
    registry.create('leaf-dev');
    expect(log).to.deep.equal(['class base-dev', 'class leaf-dev']);
    expect(Object.fromEntries(first.objectClass.data)).to.deep.equal({ irqs: 1, compatible: 'leaf' });
    expect(registry.get('base-dev').objectClass.data.get('compatible')).to.equal('base');
  });

  it('runs instance init on each new object, parent types first, after defaults are set', () => {
    const registry = sampleRegistry();
    const log: string[] = [];
    registry.register<SampleVfioPlatform>({
      name: 'amd-xgbe',
      parent: 'vfio-platform',
      instanceInit: (object) => log.push(`amd-xgbe ${object.getUint32('mmap-timeout-ms')}`),
    });
    registry.register({ name: 'amd-xgbe-v2', parent: 'amd-xgbe', instanceInit: () => log.push('amd-xgbe-v2') });
    registry.create('amd-xgbe-v2');
    registry.create('amd-xgbe-v2');
    expect(log).to.deep.equal(['amd-xgbe 1100', 'amd-xgbe-v2', 'amd-xgbe 1100', 'amd-xgbe-v2']);
  });

  it('lists type names sorted, filtered by ancestor and by user-creatability', () => {
    const registry = sampleRegistry();
    expect(registry.typeNames({ implementing: 'sys-bus-device' })).to.deep.equal(['arm-gic', 'pl011', 'sys-bus-device', 'vfio-platform']);
    expect(registry.typeNames({ userCreatable: true })).to.deep.equal(['pl011', 'vfio-platform']);
    expect(registry.typeNames({ implementing: 'device', userCreatable: false })).to.deep.equal(['arm-gic', 'device', 'sys-bus-device']);
  });

  describe('refuses', () => {
    it('a duplicate name', () => {
      expectError(() => sampleRegistry().register({ name: 'pl011', parent: 'device' }), "type 'pl011' is already registered");
    });

    it('an unknown parent', () => {
      expectError(() => sampleRegistry().register({ name: 'pl031', parent: 'sysbus-device' }), "type 'pl031' names an unknown parent type 'sysbus-device'");
    });

    it('a class that does not extend the parent type class', () => {
      expectError(
        () => sampleRegistry().register({ name: 'odd', parent: 'vfio-platform', cls: SampleGic }),
        "type 'odd': class SampleGic must extend SampleVfioPlatform, the class of 'vfio-platform'",
      );
    });

    it('a type both abstract and user-creatable', () => {
      expectError(
        () => new TypeRegistry().register({ name: 'bus', parent: 'device', abstract: true, userCreatable: true }),
        "type 'bus' cannot be both abstract and user-creatable",
      );
    });

    it('redefining a parent property', () => {
      const registry = sampleRegistry();
      const { properties } = registry.get('pl011');
      expectError(
        () => registry.register({ name: 'pl011-luminary', parent: 'pl011', properties: properties.slice(0, 1) }),
        "type 'pl011-luminary' redefines property 'chardev' of a parent type",
      );
    });

    it('creating an unknown type, listing the user-creatable ones', () => {
      expectError(() => sampleRegistry().create('xyz'), "unknown type 'xyz'; known user-creatable types: pl011, vfio-platform");
      expectError(() => new TypeRegistry().create('xyz'), "unknown type 'xyz'; no type is user-creatable");
    });

    it('creating an abstract type', () => {
      expectError(() => sampleRegistry().create('device'), "type 'device' is abstract and cannot be instantiated");
    });
  });

  describe('isA and cast', () => {
    it('answer whether an object is of a type or descends from it', () => {
      const uart = sampleRegistry().create('pl011');
      expect(isA(uart, 'pl011')).to.equal(true);
      expect(isA(uart, 'device')).to.equal(true);
      expect(isA(uart, 'object')).to.equal(true);
      expect(isA(uart, 'vfio-platform')).to.equal(false);
      expect(isA(uart, 'no-such-type')).to.equal(false);
    });

    it('cast returns the object viewed as the type', () => {
      const object: ArmObject = sampleRegistry().create('pl011');
      const device: Device = cast(object, Device);
      expect(device.realized).to.equal(false);
    });

    it('cast names the object, its type and the type wanted when it fails', () => {
      const registry = sampleRegistry();
      const machine = registry.create('container');
      registry.create('container').addChild('machine', machine);
      const uart = registry.create('pl011');
      machine.addChild('foo', uart);
      expectError(() => cast(uart, SampleVfioPlatform), "object '/machine/foo' (type pl011) is not a SampleVfioPlatform");
    });
  });

  describe('lookup by class and plug rules', () => {
    class Rtc extends SampleUart {}

    it('finds the type a class was registered for, and makes objects typed by it', () => {
      const registry = sampleRegistry();
      registry.register({ name: 'uart-subtype', parent: 'pl011' }); // inherits the class: not found by it
      expect(registry.typeOf(SampleUart).name).to.equal('pl011');
      const uart: SampleUart = registry.create(SampleUart);
      expect(uart.typeName).to.equal('pl011');
      expectError(() => registry.typeOf(Rtc), 'class Rtc is registered for no type');
      registry.register({ name: 'rtc-a', parent: 'pl011', cls: Rtc });
      registry.register({ name: 'rtc-b', parent: 'pl011', cls: Rtc });
      expectError(() => registry.typeOf(Rtc), 'class Rtc is registered for 2 types (rtc-a, rtc-b): name the type');
    });

    it('lists the types a machine takes on its platform bus and those it builds at its places', () => {
      const registry = sampleRegistry();
      registry.register({
        name: 'rtc',
        parent: 'sys-bus-device',
        cls: Rtc,
        userCreatable: true,
        plug: { platformBus: ['virt'], fixed: { virt: { place: 'rtc' } } },
      });
      registry.register({ name: 'board-only', parent: 'sys-bus-device', plug: { fixed: { board: { place: 'misc', properties: { trace: 'on' } } } } });
      expect(registry.platformBusTypes('virt')).to.deep.equal(['rtc']);
      expect(registry.platformBusTypes('board')).to.deep.equal([]);
      expect(registry.fixedTypes('virt').map(({ type, fixed }) => [type.name, fixed])).to.deep.equal([['rtc', { place: 'rtc' }]]);
      expect(registry.fixedTypes('board').map(({ type, fixed }) => [type.name, fixed])).to.deep.equal([
        ['board-only', { place: 'misc', properties: { trace: 'on' } }],
      ]);
    });

    it('refuses plug rules that cannot hold', () => {
      const registry = sampleRegistry();
      expectError(
        () => registry.register({ name: 'hidden', parent: 'sys-bus-device', plug: { platformBus: ['virt'] } }),
        "type 'hidden' may go on a platform bus (-device) but is not user-creatable",
      );
      expectError(
        () => registry.register({ name: 'loose', parent: 'device', userCreatable: true, plug: { platformBus: ['virt'] } }),
        "type 'loose' has a plug rule but is not a sys-bus-device: only memory-mapped devices are plugged",
      );
    });
  });
});
