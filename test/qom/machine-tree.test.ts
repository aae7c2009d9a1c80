// The machine tree and the context its devices are made with: the same for a machine and a device test.
import { expect } from 'chai';
import { ManualClock } from '../../src/core/clock.js';
import { AddressSpace } from '../../src/memory/address-space.js';
import { MemoryRegion } from '../../src/memory/region.js';
import { ContextExtensions, ContextKey, Device, MachineTree, type MachineContextParts } from '../../src/qom/index.js';
import { expectError } from '../fdt/expect-error.js';
import { SampleUart, SampleVfioPlatform, sampleRegistry } from './sample-devices.js';

const NOTE = new ContextKey<string>('a note');

function parts(requests: string[] = [], extensions = new ContextExtensions()): MachineContextParts {
  return {
    clock: new ManualClock(),
    log: () => {},
    guestError: () => {},
    dma: new AddressSpace('memory', MemoryRegion.container('system', 0x1000)),
    requestReset: (reason) => void requests.push(`reset: ${reason}`),
    requestPowerOff: (reason) => void requests.push(`power-off: ${reason}`),
    extension: (key) => extensions.get(key),
  };
}

describe('machine tree', () => {
  it('makes a device with the machine context at /machine/NAME, typed by the class asked for', () => {
    const requests: string[] = [];
    const tree = new MachineTree(parts(requests, new ContextExtensions().with(NOTE, 'offered')), sampleRegistry());
    const uart: SampleUart = tree.add(SampleUart, 'uart0', { chardev: 'null' });
    expect(uart.path).to.equal('/machine/uart0');
    expect(uart.realized).to.equal(true);
    expect(uart.getString('chardev')).to.equal('null');
    uart.context.requestReset('the watchdog ran out');
    uart.context.requestPowerOff('asked to');
    expect(requests).to.deep.equal(['reset: the watchdog ran out', 'power-off: asked to']);
    expect(uart.context.extension(NOTE)).to.equal('offered');
    expect(uart.context.extension(new ContextKey<string>('another note'))).to.equal(undefined);
  });

  it('tells the devices listening that the machine is asked to power down, until they stop listening', () => {
    const tree = new MachineTree(parts(), sampleRegistry());
    const uart = tree.add('pl011', 'uart0');
    let presses = 0;
    const stop = uart.context.onPowerDownRequest(() => presses++);
    tree.requestPowerDown();
    tree.requestPowerDown();
    stop();
    tree.requestPowerDown();
    expect(presses).to.equal(2);
  });

  it('leaves nothing in the tree when a device fails to realize, and unrealizes the rest last first', () => {
    const tree = new MachineTree(parts(), sampleRegistry());
    expectError(
      () => tree.add(SampleVfioPlatform, 'eth0', { host: 'fff52000.dma' }),
      'vfio fff52000.dma: no such host device: /sys/bus/platform/devices/fff52000.dma',
    );
    expect([...tree.machine.children.keys()]).to.deep.equal([]);
    const first = tree.add(SampleUart, 'uart0');
    const second = tree.addFromOptions('pl011,id=uart1');
    expect(second.context).to.equal(first.context);
    expect(tree.realizedDevices()).to.deep.equal([first, second]);
    const order: string[] = [];
    tree.unrealizeAll((device, error) => order.push(`${device.label()}: ${String(error)}`));
    expect(order).to.deep.equal([]);
    expect(tree.realizedDevices()).to.deep.equal([]);
  });

  it('refuses a device made outside a machine its context, naming it', () => {
    const uart = sampleRegistry().create(SampleUart);
    expect(uart).to.be.instanceOf(Device);
    expectError(() => uart.context, "'pl011' (type pl011) was made outside a machine: it has no clock or log");
  });
});
