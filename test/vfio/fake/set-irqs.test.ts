import { expect } from 'chai';
import type { FakeVfioHost } from '../../../src/vfio/fake/index.js';
import type { FakeDevice } from '../../../src/vfio/fake/device.js';
import type { FakeEventNotifier } from '../../../src/vfio/fake/event-notifier.js';
import type { IrqSet } from '../../../src/vfio/host.js';
import {
  VFIO_IRQ_INFO_AUTOMASKED,
  VFIO_IRQ_INFO_EVENTFD,
  VFIO_IRQ_INFO_MASKABLE,
  VFIO_IRQ_SET_ACTION_MASK,
  VFIO_IRQ_SET_ACTION_TRIGGER,
  VFIO_IRQ_SET_ACTION_UNMASK,
  VFIO_IRQ_SET_DATA_BOOL,
  VFIO_IRQ_SET_DATA_EVENTFD,
  VFIO_IRQ_SET_DATA_NONE,
} from '../../../src/vfio/uapi.js';
import { TEST_DEVICE, expectErrno, loadHost, openDevice } from './fake-host-fixture.js';

const LEVEL = 0;
const EDGE = 1;
const TRIGGER_FD = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;

/** A VMM-side eventfd whose handler counts deliveries. */
function watched(host: FakeVfioHost): { notifier: FakeEventNotifier; deliveries: () => number } {
  const notifier = host.createEventNotifier();
  let count = 0;
  notifier.setHandler(() => count++);
  return { notifier, deliveries: () => count };
}

describe('fake VFIO host: IRQs and VFIO_DEVICE_SET_IRQS', () => {
  let host: FakeVfioHost;
  let device: FakeDevice;
  let trigger: ReturnType<typeof watched>;
  /** Deliveries of the trigger eventfd so far, after a run-loop dispatch. */
  const fired = () => {
    host.dispatch();
    return trigger.deliveries();
  };
  const set = (s: Partial<IrqSet> & { flags: number }) => device.setIrqs({ index: LEVEL, start: 0, count: 1, ...s });

  beforeEach(() => {
    ({ host, device } = openDevice());
    trigger = watched(host);
  });
  afterEach(() => host.close());

  it('reports a level IRQ as EVENTFD|MASKABLE|AUTOMASKED (0x7) and an edge IRQ as EVENTFD (0x1), count 1', () => {
    expect(device.irqInfo(LEVEL)).to.deep.equal({ index: LEVEL, flags: VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED, count: 1 });
    expect(device.irqInfo(EDGE)).to.deep.equal({ index: EDGE, flags: VFIO_IRQ_INFO_EVENTFD, count: 1 });
    expectErrno(() => device.irqInfo(2), 'EINVAL');
  });

  const invalid: [string, IrqSet, 'EINVAL' | 'ENOTTY'][] = [
    ['an unknown flag bit', { flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER | (1 << 6), index: 0, start: 0, count: 1 }, 'EINVAL'],
    ['an index beyond the IRQs', { flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, index: 2, start: 0, count: 1 }, 'EINVAL'],
    ['start + count beyond the IRQs', { flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, index: 0, start: 1, count: 2 }, 'EINVAL'],
    ['a start other than 0', { flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, index: 0, start: 1, count: 1 }, 'EINVAL'],
    ['a count other than 1', { flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, index: 0, start: 0, count: 2 }, 'EINVAL'],
    [
      'two data types',
      { flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER, index: 0, start: 0, count: 1, data: [true] },
      'EINVAL',
    ],
    ['no data type', { flags: VFIO_IRQ_SET_ACTION_TRIGGER, index: 0, start: 0, count: 1 }, 'EINVAL'],
    [
      'DATA_BOOL without its byte (short argsz)',
      { flags: VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER, index: 0, start: 0, count: 1, data: [] },
      'EINVAL',
    ],
    ['DATA_BOOL carrying eventfds', { flags: VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER, index: 0, start: 0, count: 1, data: [null] }, 'EINVAL'],
    ['MASK with count 0', { flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, index: 0, start: 0, count: 0 }, 'EINVAL'],
    ['UNMASK of an edge IRQ (not maskable)', { flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, index: 1, start: 0, count: 1 }, 'EINVAL'],
    ['MASK of an edge IRQ (not maskable)', { flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, index: 1, start: 0, count: 1 }, 'EINVAL'],
    ['two actions', { flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK | VFIO_IRQ_SET_ACTION_UNMASK, index: 0, start: 0, count: 1 }, 'ENOTTY'],
    ['no action', { flags: VFIO_IRQ_SET_DATA_NONE, index: 0, start: 0, count: 1 }, 'ENOTTY'],
  ];
  for (const [what, irqSet, errno] of invalid) {
    it(`refuses ${what} (${errno})`, () => {
      expectErrno(() => device.setIrqs(irqSet), errno);
    });
  }

  it('refuses an eventfd the host did not create (EBADF)', () => {
    const { host: other } = loadHost('test-device.json');
    try {
      expectErrno(() => set({ flags: TRIGGER_FD, data: [other.createEventNotifier()] }), 'EBADF');
    } finally {
      other.close();
    }
  });

  it('signals the trigger eventfd once per level IRQ and automasks it until UNMASK', () => {
    set({ flags: TRIGGER_FD, data: [trigger.notifier] });
    host.setIrqLevel(TEST_DEVICE, LEVEL, true);
    expect(fired()).to.equal(1);
    expect(host.device(TEST_DEVICE).irqs[LEVEL]!.isMasked).to.equal(true);
    host.setIrqLevel(TEST_DEVICE, LEVEL, false);
    host.setIrqLevel(TEST_DEVICE, LEVEL, true);
    expect(fired(), 'masked: no second signal').to.equal(1);
    set({ flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK });
    expect(fired(), 'still asserted at UNMASK: fires again').to.equal(2);
    host.setIrqLevel(TEST_DEVICE, LEVEL, false);
    set({ flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK });
    expect(fired(), 'deasserted at UNMASK: quiet').to.equal(2);
  });

  it('keeps a user-masked level IRQ quiet until UNMASK', () => {
    set({ flags: TRIGGER_FD, data: [trigger.notifier] });
    set({ flags: VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK, data: [true] });
    host.setIrqLevel(TEST_DEVICE, LEVEL, true);
    expect(fired()).to.equal(0);
    set({ flags: VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_UNMASK, data: [false] });
    expect(fired(), 'DATA_BOOL false does nothing').to.equal(0);
    set({ flags: VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_UNMASK, data: [true] });
    expect(fired()).to.equal(1);
  });

  it('loops back a DATA_NONE or DATA_BOOL trigger through the handler, automask included', () => {
    set({ flags: TRIGGER_FD, data: [trigger.notifier] });
    set({ flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER });
    expect(fired()).to.equal(1);
    set({ flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER });
    expect(fired(), 'automasked: the handler returns IRQ_NONE').to.equal(1);
    set({ flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK });
    set({ flags: VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER, data: [false] });
    expect(fired()).to.equal(1);
    set({ flags: VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER, data: [true] });
    expect(fired()).to.equal(2);
  });

  it('loops back an edge IRQ on every DATA_NONE trigger', () => {
    set({ index: EDGE, flags: TRIGGER_FD, data: [trigger.notifier] });
    set({ index: EDGE, flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER });
    expect(fired()).to.equal(1);
    set({ index: EDGE, flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER });
    expect(fired()).to.equal(2);
  });

  it('signals an edge IRQ once per edge, and resends one that came while disabled', () => {
    host.raiseIrq(TEST_DEVICE, EDGE);
    set({ index: EDGE, flags: TRIGGER_FD, data: [trigger.notifier] });
    expect(fired(), 'the pending edge is resent when the IRQ is enabled').to.equal(1);
    host.raiseIrq(TEST_DEVICE, EDGE);
    expect(fired()).to.equal(2);
    host.raiseIrq(TEST_DEVICE, EDGE);
    host.raiseIrq(TEST_DEVICE, EDGE);
    expect(fired(), 'two signals before a read are one eventfd delivery').to.equal(3);
  });

  it('tears the trigger down with DATA_NONE count 0, and with an eventfd of -1', () => {
    set({ flags: TRIGGER_FD, data: [trigger.notifier] });
    set({ flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, count: 0 });
    host.setIrqLevel(TEST_DEVICE, LEVEL, true);
    expect(fired()).to.equal(0);
    set({ flags: TRIGGER_FD, data: [trigger.notifier] });
    expect(fired(), 'the asserted line fires once the IRQ is enabled').to.equal(1);
    set({ flags: TRIGGER_FD, data: [null] });
    set({ flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK });
    expect(fired()).to.equal(1);
  });

  it('unmasks from the unmask eventfd inside the kernel (virqfd), never delivering it to the VMM', () => {
    const unmask = watched(host);
    set({ flags: TRIGGER_FD, data: [trigger.notifier] });
    set({ flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK, data: [unmask.notifier] });
    host.setIrqLevel(TEST_DEVICE, LEVEL, true);
    expect(fired()).to.equal(1);
    unmask.notifier.signal();
    expect(fired(), 'unmasked with the line still asserted').to.equal(2);
    expect(unmask.deliveries()).to.equal(0);
    expect(unmask.notifier.count).to.equal(0);
  });

  it('refuses a second unmask eventfd (EBUSY) until -1 de-assigns the first', () => {
    const first = watched(host);
    const second = watched(host);
    set({ flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK, data: [first.notifier] });
    expectErrno(() => set({ flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK, data: [second.notifier] }), 'EBUSY');
    set({ flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK, data: [null] });
    first.notifier.signal();
    host.dispatch();
    expect(first.deliveries(), 'no longer consumed by the kernel').to.equal(1);
    set({ flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK, data: [second.notifier] });
  });

  it('kicks the attached run loop when a trigger is signalled', () => {
    let kicks = 0;
    host.attach({ kick: () => kicks++ });
    set({ flags: TRIGGER_FD, data: [trigger.notifier] });
    host.setIrqLevel(TEST_DEVICE, LEVEL, true);
    expect(kicks).to.equal(1);
  });

  it('releases triggers at the last close: a reopened device starts with its IRQs disabled', () => {
    set({ flags: TRIGGER_FD, data: [trigger.notifier] });
    device.close();
    host.setIrqLevel(TEST_DEVICE, LEVEL, true);
    expect(fired()).to.equal(0);
    expect(host.device(TEST_DEVICE).irqs[LEVEL]!.triggerFd).to.equal(undefined);
  });
});
