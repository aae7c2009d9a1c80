import { expect } from 'chai';
import { endianness } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { native } from '../../../src/cpu/native.js';
import { LinuxVfioBackend } from '../../../src/vfio/linux/backend.js';
import { encodeIrqSet } from '../../../src/vfio/linux/marshal.js';
import { VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_IRQ_SET_DATA_EVENTFD } from '../../../src/vfio/uapi.js';
import { expectVfioError } from './expect-vfio-error.js';

/** A backend attached to a sink that counts kicks and lets a test await the next one. */
function attachedBackend() {
  const backend = new LinuxVfioBackend();
  let kicks = 0;
  let waiter: (() => void) | undefined;
  backend.attach({
    kick() {
      kicks++;
      waiter?.();
    },
  });
  const nextKick = () => new Promise<void>((resolve) => (waiter = resolve));
  return { backend, nextKick, kicks: () => kicks };
}

describe('linux event notifiers (real eventfds)', () => {
  let backend: LinuxVfioBackend;
  afterEach(() => backend?.close());

  it('delivers coalesced signals once, from dispatch, after the event loop kicked the run loop', async () => {
    const t = attachedBackend();
    backend = t.backend;
    const notifier = backend.createEventNotifier();
    let calls = 0;
    notifier.setHandler(() => calls++);

    const kicked = t.nextKick();
    notifier.signal();
    notifier.signal();
    native.eventfdWrite(notifier.fd, 5); // as the kernel's eventfd_signal would
    expect(calls, 'nothing runs before the event loop').to.equal(0);
    await kicked;
    expect(t.kicks()).to.equal(1);
    expect(calls, 'nothing runs before dispatch').to.equal(0);

    backend.dispatch();
    expect(calls).to.equal(1);
    backend.dispatch();
    expect(calls, 'the counter was read back to zero').to.equal(1);

    const again = t.nextKick();
    notifier.signal();
    await again;
    backend.dispatch();
    expect(calls).to.equal(2);
  });

  it('keeps a signal that arrives without a handler until one is set', async () => {
    const t = attachedBackend();
    backend = t.backend;
    const notifier = backend.createEventNotifier();
    notifier.signal();
    await sleep(20);
    expect(t.kicks(), 'no handler: not polled').to.equal(0);

    let calls = 0;
    const kicked = t.nextKick();
    notifier.setHandler(() => calls++);
    await kicked;
    backend.dispatch();
    expect(calls).to.equal(1);
  });

  it('runs no handler that was removed after the kick, and delivers to the next one', async () => {
    const t = attachedBackend();
    backend = t.backend;
    const notifier = backend.createEventNotifier();
    const calls: string[] = [];
    notifier.setHandler(() => calls.push('first'));
    const kicked = t.nextKick();
    notifier.signal();
    await kicked;
    notifier.setHandler(undefined);
    backend.dispatch();
    expect(calls).to.deep.equal([]);

    const rekicked = t.nextKick();
    notifier.setHandler(() => calls.push('second'));
    await rekicked;
    backend.dispatch();
    expect(calls).to.deep.equal(['second']);
  });

  it('keeps other notifiers pending when a handler throws', async () => {
    const t = attachedBackend();
    backend = t.backend;
    const failing = backend.createEventNotifier();
    const other = backend.createEventNotifier();
    let otherCalls = 0;
    failing.setHandler(() => {
      throw new Error('device model failed');
    });
    other.setHandler(() => otherCalls++);
    failing.signal();
    await t.nextKick();
    other.signal();
    await sleep(20);
    expect(() => backend.dispatch()).to.throw('device model failed');
    backend.dispatch();
    expect(otherCalls).to.equal(1);
  });

  it('puts the real eventfd number into VFIO_DEVICE_SET_IRQS', () => {
    backend = new LinuxVfioBackend();
    const notifier = backend.createEventNotifier();
    const bytes = encodeIrqSet({ flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, index: 0, start: 0, count: 1, data: [notifier] });
    expect(new DataView(bytes.buffer).getInt32(native.vfioLayout().offset['irq_set.data']!, endianness() === 'LE')).to.equal(notifier.fd);
  });

  it('is EBADF once closed, and backend.close() closes the rest', () => {
    backend = new LinuxVfioBackend();
    const closed = backend.createEventNotifier();
    const open = backend.createEventNotifier();
    closed.close();
    expectVfioError(() => closed.signal(), 'EBADF', /eventfd \d+ signal: .*the notifier is closed/);
    backend.close();
    expectVfioError(() => open.setHandler(() => {}), 'EBADF');
  });
});
