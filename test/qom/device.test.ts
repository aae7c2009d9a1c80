import { expect } from 'chai';
import { cast, Device, DeviceError, prop } from '../../src/qom/index.js';
import { expectError } from '../fdt/expect-error.js';
import { SampleUart, SampleVfioPlatform, sampleRegistry } from './sample-devices.js';

const newUart = () => sampleRegistry().create('pl011') as SampleUart;
const newVfio = () => sampleRegistry().create('vfio-platform') as SampleVfioPlatform;

describe('devices', () => {
  describe('lifecycle', () => {
    it('go unrealized → realized → unrealized, calling the subclass hooks', () => {
      const uart = newUart();
      expect(uart.state).to.equal('unrealized');
      uart.realize();
      expect(uart.state).to.equal('realized');
      uart.reset();
      uart.unrealize();
      expect(uart.realized).to.equal(false);
      expect(uart.events).to.deep.equal(['realize', 'reset', 'unrealize']);
    });

    it('refuse to realize twice, or to reset or unrealize an unrealized device', () => {
      const uart = newUart();
      uart.id = 'uart0';
      expectError(() => uart.reset(), "device 'uart0' cannot be reset: it is not realized");
      expectError(() => uart.unrealize(), "device 'uart0' cannot be unrealized: it is not realized");
      uart.realize();
      expectError(() => uart.realize(), "device 'uart0' is already realized");
    });

    it('stay unrealized when realize fails, with the error prepended by the device', () => {
      const vfio = newVfio();
      vfio.setPropertyText('host', 'fff52000.dma');
      expectError(() => vfio.realize(), 'vfio fff52000.dma: no such host device: /sys/bus/platform/devices/fff52000.dma');
      expect(vfio.state).to.equal('unrealized');
      expect(vfio.attached).to.equal(undefined);
      vfio.setPropertyText('host', 'fff51000.ethernet');
      vfio.realize();
      expect(vfio.attached).to.equal('fff51000.ethernet');
    });

    it('carry a hint with a realize error', () => {
      const vfio = newVfio();
      expect(() => vfio.realize())
        .to.throw(DeviceError, 'neither host nor sysfsdev is set')
        .with.property('hint', 'give host=NAME or sysfsdev=PATH');
    });

    it('check required properties before realizing', () => {
      const registry = sampleRegistry();
      registry.register({
        name: 'strict-uart',
        parent: 'pl011',
        properties: [
          prop.string('serial', { description: 'Serial number', required: true }),
          prop.link('gic', 'arm-gic', { description: 'Interrupt controller', required: true }),
        ],
      });
      const uart = registry.create('strict-uart') as SampleUart;
      expectError(() => uart.realize(), "strict-uart: required properties 'serial', 'gic' not set");
      uart.setProperty('gic', registry.create('arm-gic'));
      expectError(() => uart.realize(), "strict-uart: required property 'serial' not set");
      expect(uart.events).to.deep.equal([]);
    });
  });

  describe('properties after realize', () => {
    it('cannot be changed, by text or by value', () => {
      const uart = newUart();
      uart.realize();
      const message = "pl011: property 'baudrate' cannot be changed after the device is realized";
      expectError(() => uart.setPropertyText('baudrate', '9600'), message);
      expectError(() => uart.setProperty('baudrate', 9600), message);
      expect(uart.getUint32('baudrate')).to.equal(115200);
    });

    it('can be changed when declared changeable after realize', () => {
      const uart = newUart();
      uart.realize();
      uart.setPropertyText('trace', 'on');
      expect(uart.getBool('trace')).to.equal(true);
    });

    it('can be changed again once the device is unrealized', () => {
      const uart = newUart();
      uart.realize();
      uart.unrealize();
      uart.setProperty('baudrate', 9600);
      expect(uart.getUint32('baudrate')).to.equal(9600);
    });
  });

  it('label themselves by id, else canonical path, else type', () => {
    const registry = sampleRegistry();
    const uart = cast(registry.create('pl011'), Device);
    expect(uart.label()).to.equal('pl011');
    registry.create('container').addChild('uart[*]', uart);
    expect(uart.label()).to.equal('/uart[0]');
    uart.id = 'console';
    expect(uart.label()).to.equal('console');
  });

  it('report whether users may create them', () => {
    const registry = sampleRegistry();
    expect(cast(registry.create('pl011'), Device).userCreatable).to.equal(true);
    expect(cast(registry.create('arm-gic'), Device).userCreatable).to.equal(false);
  });
});

describe('DeviceError', () => {
  it('prepends context and returns itself, to rethrow', () => {
    const error = new DeviceError('failed to open /dev/vfio/12').prepend('group 12: ').prepend('vfio fff51000.ethernet: ');
    expect(error.message).to.equal('vfio fff51000.ethernet: group 12: failed to open /dev/vfio/12');
    expect(error.name).to.equal('DeviceError');
  });

  it('wraps any thrown value so it can be prepended, keeping the original as cause', () => {
    const original = new Error('ENOENT: no such file');
    const wrapped = DeviceError.from(original).prepend('vfio x: ');
    expect(wrapped).to.be.instanceOf(DeviceError);
    expect(wrapped.message).to.equal('vfio x: ENOENT: no such file');
    expect(wrapped.cause).to.equal(original);
    const existing = new DeviceError('as is');
    expect(DeviceError.from(existing)).to.equal(existing);
    expect(DeviceError.from('text').message).to.equal('text');
  });
});
