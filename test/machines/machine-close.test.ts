import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { HostMemory } from '../../src/cpu/host-memory.js';
import { FakeVfioHost } from '../../src/vfio/fake/index.js';
import { VfioSession } from '../../src/vfio/session.js';
import { HOSTS_DIR, passthrough, TEST_DEVICE } from '../devices/vfio-platform/passthrough.js';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { VirtMachine } from '../../machines/virt/virt-machine.js';

describe('closing a machine', () => {
  it("gives back what its devices took: device fd, eventfds, group, container and the fake host's tree", () => {
    const t = passthrough('x-irqfd=off');
    const { host, device } = t;
    expect(host.openResources()).to.include.members([`device ${TEST_DEVICE}`, '/dev/vfio/5', '/dev/vfio/vfio']);
    expect(host.openResources().filter((r) => r.startsWith('eventfd'))).to.have.length(3); // two triggers, one unmask
    t.close();
    expect(device.realized).to.equal(false);
    expect(host.openResources()).to.deep.equal([]);
    expect(existsSync(host.sysfsRoot)).to.equal(false);
    expect(t.logs.filter((line) => /VMM error/.test(line))).to.deep.equal([]);
  });

  it('leaves nothing that keeps it alive: the machine, its guest RAM with it, can be collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collected = (() => {
      const vm = new VirtMachine({ clock: 'deterministic', log: () => {} });
      const refs = [new WeakRef(vm), new WeakRef(vm.ram)];
      vm.close();
      return refs;
    })();
    for (let i = 0; i < 5 && collected.some((ref) => ref.deref()); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(collected.map((ref) => ref.deref() === undefined)).to.deep.equal([true, true]);
  });

  it('reports what a device left open, as a VMM error', () => {
    const host = FakeVfioHost.load(join(HOSTS_DIR, 'test-device.json'), { log: () => {} });
    const left: string[][] = [];
    const session = new VfioSession(host, [{ memory: new HostMemory(0x1_0000), base: 0x4000_0000 }], (what) => left.push(what));
    session.openDevice(TEST_DEVICE, host.device(TEST_DEVICE).description.iommuGroup);
    const eventfd = host.createEventNotifier();
    session.close();
    expect(left).to.deep.equal([[`device ${TEST_DEVICE}`, `eventfd ${eventfd.fd}`]]);
  });
});
