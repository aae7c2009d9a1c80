import { expect } from 'chai';
import { ArmObject } from '../../src/qom/index.js';
import { expectError } from '../fdt/expect-error.js';
import { sampleRegistry } from './sample-devices.js';
import { at } from '../../src/util/at.js';

/** `/`, `/machine`, `/machine/peripheral` and `/machine/unattached`, as QEMU builds them. */
function objectTree() {
  const registry = sampleRegistry();
  const container = () => registry.create('container');
  const root = container();
  const machine = container();
  root.addChild('machine', machine);
  const peripheral = container();
  const unattached = container();
  machine.addChild('peripheral', peripheral);
  machine.addChild('unattached', unattached);
  return { registry, root, machine, peripheral, unattached };
}

describe('object tree', () => {
  it('gives each object a canonical path from the root', () => {
    const { registry, root, machine, peripheral } = objectTree();
    const uart = registry.create('pl011');
    peripheral.addChild('uart0', uart);
    expect(root.path).to.equal('/');
    expect(machine.path).to.equal('/machine');
    expect(uart.path).to.equal('/machine/peripheral/uart0');
    expect(uart.name).to.equal('uart0');
    expect(uart.parent).to.equal(peripheral);
    expect(uart.root).to.equal(root);
    expect([...peripheral.children.keys()]).to.deep.equal(['uart0']);
  });

  it('names [*] children with the first free index, like /machine/unattached/device[3]', () => {
    const { registry, unattached } = objectTree();
    const devices = [0, 1, 2, 3].map(() => registry.create('arm-gic'));
    const names = devices.map((device) => unattached.addChild('device[*]', device));
    expect(names).to.deep.equal(['device[0]', 'device[1]', 'device[2]', 'device[3]']);
    expect(at(devices, 3).path).to.equal('/machine/unattached/device[3]');
    at(devices, 1).unparent();
    expect(unattached.addChild('device[*]', registry.create('arm-gic'))).to.equal('device[1]');
  });

  it('resolves absolute paths from the root and relative paths from the object', () => {
    const { registry, root, machine, peripheral } = objectTree();
    const uart = registry.create('pl011');
    peripheral.addChild('uart0', uart);
    expect(uart.resolvePath('/machine/peripheral/uart0')).to.equal(uart);
    expect(uart.resolvePath('/')).to.equal(root);
    expect(machine.resolvePath('peripheral/uart0')).to.equal(uart);
    expect(machine.resolvePath('/machine/peripheral/uart1')).to.equal(undefined);
    expect(machine.resolvePath('')).to.equal(undefined);
  });

  it('refuses a duplicate child name', () => {
    const { registry, peripheral } = objectTree();
    peripheral.addChild('uart0', registry.create('pl011'));
    expectError(() => peripheral.addChild('uart0', registry.create('pl011')), "object '/machine/peripheral' already has a child named 'uart0'");
  });

  it('refuses a child that already has a parent, a bad name, or an ancestor', () => {
    const { registry, root, machine, peripheral } = objectTree();
    const uart: ArmObject = registry.create('pl011');
    peripheral.addChild('uart0', uart);
    expectError(() => machine.addChild('uart', uart), "cannot add a pl011 to '/machine' as 'uart': it is already '/machine/peripheral/uart0'");
    expectError(() => machine.addChild('a/b', registry.create('pl011')), "object '/machine': child name 'a/b' must be non-empty and contain no '/'");
    expectError(() => peripheral.addChild('loop', root), "cannot add a container below its own descendant '/machine/peripheral'");
  });

  it('lets an object leave the tree and become a root', () => {
    const { registry, peripheral } = objectTree();
    const uart = registry.create('pl011');
    peripheral.addChild('uart0', uart);
    uart.unparent();
    expect(uart.path).to.equal('/');
    expect(peripheral.children.size).to.equal(0);
  });
});
