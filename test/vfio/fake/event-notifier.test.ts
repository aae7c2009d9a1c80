import { expect } from 'chai';
import { loadHost } from './fake-host-fixture.js';

describe('fake VFIO host: eventfds', () => {
  it('deliver signals from dispatch, several signals in one call, as reading a real eventfd does', () => {
    const { host } = loadHost('test-device.json');
    try {
      const notifier = host.createEventNotifier();
      let calls = 0;
      notifier.setHandler(() => calls++);
      notifier.signal();
      notifier.signal();
      expect([calls, notifier.count]).to.deep.equal([0, 2]);
      host.dispatch();
      expect([calls, notifier.count]).to.deep.equal([1, 0]);
      host.dispatch();
      expect(calls).to.equal(1);
    } finally {
      host.close();
    }
  });

  it('an immediate handler (one that only drives interrupt lines) runs at the signal, with nothing left to dispatch', () => {
    const { host } = loadHost('test-device.json');
    try {
      const kicks: number[] = [];
      host.attach({ kick: () => kicks.push(1) });
      const notifier = host.createEventNotifier();
      let calls = 0;
      notifier.setHandler(() => calls++, { immediate: true });
      notifier.signal();
      expect([calls, notifier.count, kicks.length]).to.deep.equal([1, 0, 0]);
      host.dispatch();
      expect(calls).to.equal(1);
      notifier.close();
      notifier.signal();
      expect(calls).to.equal(1); // closed: the host may still count, the VMM hears nothing
    } finally {
      host.close();
    }
  });
});
