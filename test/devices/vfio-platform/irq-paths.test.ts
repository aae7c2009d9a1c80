import { expect } from 'chai';
import { traceRegistry, type TraceRecord } from '../../../src/trace/index.js';
import * as R from '../../../src/vfio/fake/models/test-device-regs.js';
import {
  acknowledge,
  enableGic,
  endOfInterrupt,
  INTID_EDGE,
  INTID_LEVEL,
  isPending,
  passthrough,
  REGION0,
  REGION1,
  TEST_DEVICE,
  type Passthrough,
} from './passthrough.js';
import type { FakeEventNotifier } from '../../../src/vfio/fake/index.js';

const SPURIOUS = 1023;

function withDevice(options: string, body: (t: Passthrough) => void): void {
  const t = passthrough(options);
  try {
    enableGic(t, [INTID_LEVEL, INTID_EDGE], [INTID_EDGE]);
    t.write32(REGION1 + R.VFIO_TEST_ENABLE, R.VFIO_TEST_SRC_LEVEL | R.VFIO_TEST_SRC_EDGE);
    body(t);
  } finally {
    t.close();
  }
}

/** The device raises `sources` (a trapped write to IRQ_RAISE); the run loop then dispatches host events. */
function raise(t: Passthrough, sources: number): void {
  t.write32(REGION1 + R.VFIO_TEST_IRQ_RAISE, sources);
  t.dispatch();
}

const fastPaths = (t: Passthrough) => t.device.vfioRegions.map((r) => r.fastPathEnabled);
const states = (t: Passthrough) => t.device.vfioIrqs!.intps.map((i) => i.state);

/** Moves virtual time on by `ms` with no guest running and fires the timers due. */
function advanceMs(t: Passthrough, ms: number): void {
  t.vm.vcpu.advanceClock(t.vm.loop.now() + ms * 1e6);
  t.vm.loop.timers.fireDue(t.vm.loop.now());
}

describe('vfio-platform interrupts', () => {
  describe('resample path (x-irqfd=on, the default)', () => {
    it('a level IRQ drives the GIC input; EOI after the W1C ack unmasks and no second IRQ follows', () => {
      withDevice('', (t) => {
        t.write32(REGION1 + R.VFIO_TEST_IRQ_RAISE, R.VFIO_TEST_SRC_LEVEL);
        expect(t.device.irq(0).level).to.equal(true); // at the host's signal, as an irqfd injects: no dispatch needed
        expect(acknowledge(t)).to.equal(INTID_LEVEL);
        t.write32(REGION1 + R.VFIO_TEST_STATUS, R.VFIO_TEST_SRC_LEVEL); // the guest's W1C ack
        endOfInterrupt(t, INTID_LEVEL); // the EOI notifier lowers the input and signals unmask
        t.dispatch();
        expect(t.device.irq(0).level).to.equal(false);
        expect(t.host.device(TEST_DEVICE).irqs[0]!.isMasked).to.equal(false);
        expect(acknowledge(t)).to.equal(SPURIOUS);
        expect(fastPaths(t)).to.deep.equal([true, false]); // never left the fast path
      });
    });

    it('a level IRQ EOId while the device still asserts it comes back at once, as a level line does', () => {
      withDevice('', (t) => {
        raise(t, R.VFIO_TEST_SRC_LEVEL);
        endOfInterrupt(t, acknowledge(t)); // no ack of the device's status
        t.dispatch();
        expect(t.device.irq(0).level).to.equal(true);
        expect(acknowledge(t)).to.equal(INTID_LEVEL);
      });
    });

    it('an edge IRQ is one pulse on the GIC input, latched by the edge-configured SPI', () => {
      withDevice('', (t) => {
        raise(t, R.VFIO_TEST_SRC_EDGE);
        expect(t.device.irq(1).raises).to.equal(1);
        expect(t.device.irq(1).level).to.equal(false);
        expect(acknowledge(t)).to.equal(INTID_EDGE);
        endOfInterrupt(t, INTID_EDGE);
        expect(acknowledge(t)).to.equal(SPURIOUS);
      });
    });

    it('several IRQs are in flight at once: pending together, and a higher-priority one preempts an active one', () => {
      withDevice('', (t) => {
        t.vm.memory.write(0x0800_0400 + INTID_LEVEL, Uint8Array.of(0x80)); // GICD_IPRIORITYRn
        t.vm.memory.write(0x0800_0400 + INTID_EDGE, Uint8Array.of(0x00));
        raise(t, R.VFIO_TEST_SRC_LEVEL | R.VFIO_TEST_SRC_EDGE);
        expect([isPending(t, INTID_LEVEL), isPending(t, INTID_EDGE)]).to.deep.equal([true, true]);
        endOfInterrupt(t, acknowledge(t)); // the edge one, highest priority
        expect(acknowledge(t)).to.equal(INTID_LEVEL); // active, not yet EOId…
        raise(t, R.VFIO_TEST_SRC_EDGE);
        expect(acknowledge(t)).to.equal(INTID_EDGE); // …while the edge one preempts it: two active
        expect(fastPaths(t)).to.deep.equal([true, false]);
      });
    });
  });

  describe('user-side eventfd path (x-irqfd=off)', () => {
    it('says why in a trace event, and starts every IRQ on the user-side path', () => {
      const records: TraceRecord[] = [];
      const sink = { write: (r: TraceRecord) => void records.push(r) };
      traceRegistry.enable('vfio_platform_irqfd_fallback');
      traceRegistry.addSink(sink);
      try {
        withDevice('x-irqfd=off', (t) => {
          expect(t.device.vfioIrqs!.intps.map((i) => i.path)).to.deep.equal(['eventfd', 'eventfd']);
        });
      } finally {
        traceRegistry.removeSink(sink);
        traceRegistry.enable('-vfio_platform_irqfd_fallback');
      }
      expect(records.map((r) => r.message)).to.deep.equal([
        'a0000000.vfio-test: IRQ index 0 on the user-side eventfd path: x-irqfd is off',
        'a0000000.vfio-test: IRQ index 1 on the user-side eventfd path: x-irqfd is off',
      ]);
    });

    it('a trigger drops every region to the slow path; the first trapped access is the EOI; the timer restores the fast path', () => {
      withDevice('x-irqfd=off', (t) => {
        t.write32(REGION1 + R.VFIO_TEST_IRQ_RAISE, R.VFIO_TEST_SRC_LEVEL);
        expect(t.device.irq(0).level).to.equal(false); // the user-side handler runs between slices only
        t.dispatch();
        expect(states(t)).to.deep.equal(['active', 'inactive']);
        expect(t.device.irq(0).level).to.equal(true);
        expect(fastPaths(t)).to.deep.equal([false, false]);
        t.write32(REGION1 + R.VFIO_TEST_STATUS, R.VFIO_TEST_SRC_LEVEL); // the W1C ack, trapped: the EOI
        expect(states(t)).to.deep.equal(['inactive', 'inactive']);
        t.dispatch();
        expect(t.device.irq(0).level).to.equal(false); // acked before the unmask: no second IRQ
        expect(t.read32(REGION0)).to.equal(R.VFIO_TEST_ID_VALUE); // still trapped until the timer
        advanceMs(t, 1099);
        expect(fastPaths(t)).to.deep.equal([false, false]);
        advanceMs(t, 1);
        expect(fastPaths(t)).to.deep.equal([true, false]);
      });
    });

    it("takes any first trapped access as the EOI: one that is not the ack lets a level IRQ fire again (QEMU's heuristic)", () => {
      withDevice('x-irqfd=off', (t) => {
        raise(t, R.VFIO_TEST_SRC_LEVEL);
        t.read32(REGION0 + R.VFIO_TEST_VERSION); // not the ack: EOI and unmask while the device still asserts
        t.dispatch();
        expect(states(t)).to.deep.equal(['active', 'inactive']);
        expect(t.device.irq(0).level).to.equal(true);
      });
    });

    it('one IRQ active at a time: later ones wait PENDING and are injected in FIFO order at each EOI', () => {
      withDevice('x-irqfd=off', (t) => {
        t.host.raiseIrq(TEST_DEVICE, R.VFIO_TEST_IRQ_INDEX_EDGE);
        t.dispatch();
        t.host.raiseIrq(TEST_DEVICE, R.VFIO_TEST_IRQ_INDEX_LEVEL);
        t.dispatch();
        expect(states(t)).to.deep.equal(['pending', 'active']);
        expect(t.device.vfioIrqs!.pendingQueue.map((i) => i.pin)).to.deep.equal([0]);
        expect([t.device.irq(0).level, t.device.irq(1).level]).to.deep.equal([false, true]);
        t.read32(REGION1 + R.VFIO_TEST_STATUS); // EOI of the edge IRQ; the level one is injected
        expect(states(t)).to.deep.equal(['active', 'inactive']);
        expect([t.device.irq(0).level, t.device.irq(1).level]).to.deep.equal([true, false]);
      });
    });

    it('the timer keeps the slow path while an IRQ is active, and mmap-timeout-ms=0 never restores it', () => {
      withDevice('x-irqfd=off', (t) => {
        raise(t, R.VFIO_TEST_SRC_LEVEL);
        advanceMs(t, 5000);
        expect(fastPaths(t)).to.deep.equal([false, false]);
        t.read32(REGION1 + R.VFIO_TEST_STATUS);
        advanceMs(t, 1100);
        expect(fastPaths(t)).to.deep.equal([true, false]);
      });
      withDevice('x-irqfd=off,mmap-timeout-ms=0', (t) => {
        raise(t, R.VFIO_TEST_SRC_LEVEL);
        t.read32(REGION1 + R.VFIO_TEST_STATUS);
        advanceMs(t, 60_000);
        expect(fastPaths(t)).to.deep.equal([false, false]);
      });
    });
  });

  it('unrealize tears the host signalling down and closes the eventfds', () => {
    withDevice('', (t) => {
      const hostIrq = t.host.device(TEST_DEVICE).irqs[0]!;
      expect(hostIrq.triggerFd).to.not.equal(undefined);
      t.device.vfioIrqs!.close();
      expect(hostIrq.triggerFd).to.equal(undefined);
      expect(t.device.vfioIrqs!.intps.map((i) => (i.trigger as FakeEventNotifier).isClosed)).to.deep.equal([true, true]);
    });
  });
});
