// Every failure the device fuzzer found, as the operations that caused it.
import { expect } from 'chai';
import { VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_IRQ_SET_ACTION_UNMASK, VFIO_IRQ_SET_DATA_EVENTFD } from '../../src/vfio/uapi.js';
import { TEST_DEVICE, openDevice } from '../vfio/fake/fake-host-fixture.js';

describe('fuzz regressions', () => {
  describe('fake host: one eventfd as a level IRQ\'s trigger and unmask recursed until the stack overflowed', () => {
    // Unmasking a still-asserted level IRQ refires it, which signals the trigger, which is the unmask
    // eventfd again. The kernel's eventfd never signals from inside its own wake-up; the count now waits.
    it('fires once per signal from outside, and keeps the inner signal in the count', () => {
      const { host, device } = openDevice();
      try {
        const both = host.createEventNotifier();
        device.setIrqs({ flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, index: 0, start: 0, count: 1, data: [both] });
        device.setIrqs({ flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK, index: 0, start: 0, count: 1, data: [both] });
        const irq = host.device(TEST_DEVICE).irqs[0]!;
        irq.setLevel(true); // fires: masks, signals `both`, whose unmask refires once and leaves one signal counted
        expect(irq.isMasked).to.equal(true);
        expect(both.count).to.equal(1);
        both.signal(); // the VMM's write: one more round
        expect(irq.isMasked).to.equal(true);
        expect(both.count).to.equal(1);
      } finally {
        host.close();
      }
    });
  });
});
