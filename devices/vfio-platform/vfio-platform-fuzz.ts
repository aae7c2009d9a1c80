// How `npm run fuzz` drives vfio-platform: a device of a shipped fake host passed through, mostly with every
// region trapped (x-no-mmap: the slow path, each access a pread/pwrite of the device fd), on either IRQ path
// (x-irqfd on with end-of-interrupt notifiers, on without them, or off), with the host raising and lowering
// its IRQs, the run loop dispatching host events, the guest ending interrupts and time passing. Invariants:
// - eventfd path: an output is high exactly while its IRQ is ACTIVE; one is active at a time, the others wait
//   PENDING in the queue, and every region is on the slow path while one is active;
// - resample path: a level output is high exactly while the host keeps that IRQ masked (automasked when it
//   fired, unmasked by the EOI that lowers the output); an edge output is a pulse, low between operations.
import { HostMemory } from '../../src/cpu/host-memory.js';
import type { IrqSink } from '../../src/core/irq.js';
import { DeviceHarness } from '../../src/testing/device-harness.js';
import { registerFuzzProfile } from '../../src/testing/fuzz/profile.js';
import { FakeVfioHost } from '../../src/vfio/fake/fake-host.js';
import { shippedHostDescriptions } from '../../src/vfio/fake/shipped-hosts.js';
import { VfioSession } from '../../src/vfio/session.js';
import { VfioPlatform } from './vfio-platform.js';
import { VFIO_SESSION } from './machine-keys.js';
import { ContextExtensions } from '../../src/qom/machine-context.js';
import { at } from '../../src/util/at.js';

const RAM_BASE = 0x4000_0000;

registerFuzzProfile('vfio-platform', (typeName, rng, options) => {
  const { path, description } = rng.pick(shippedHostDescriptions());
  const hostDevice = rng.pick(description.devices);
  const host = FakeVfioHost.load(path, { log: (message) => void message.length });
  const session = new VfioSession(host, [{ memory: new HostMemory(0x1_0000), base: RAM_BASE }]);
  host.attach({ kick: () => {} });
  const irqfd = rng.chance(0.6);
  const eoiNotifiers = new Map<IrqSink, Set<() => void>>();
  const withNotifiers = irqfd && rng.chance(0.8);
  let harness: DeviceHarness<VfioPlatform>;
  try {
    harness = DeviceHarness.create(typeName, {
      ...options,
      properties: {
        host: hostDevice.name,
        'x-no-mmap': rng.chance(0.7) ? 'on' : 'off',
        'x-irqfd': irqfd ? 'on' : 'off',
        'mmap-timeout-ms': String(rng.pick([0, 1, 1100])),
      },
      extensions: new ContextExtensions().with(VFIO_SESSION, session),
      ...(withNotifiers
        ? {
            onEndOfInterrupt: (sink: IrqSink, callback: () => void) => {
              const callbacks = eoiNotifiers.get(sink) ?? new Set();
              eoiNotifiers.set(sink, callbacks.add(callback));
              return () => void callbacks.delete(callback);
            },
          }
        : {}),
    }).as(VfioPlatform);
  } catch (error) {
    session.close();
    throw error;
  }
  const device = harness.device;
  const irqs = device.vfioIrqs;
  if (!irqs) throw new Error(`${device.label()}: realized without its IRQ objects`);
  const intps = irqs.intps;
  const hostIrqs = host.device(hostDevice.name).irqs;
  return {
    harness,
    invariant:
      'eventfd path: output high = IRQ ACTIVE, one at a time, the rest PENDING in order, regions trapped meanwhile; ' +
      'resample path: level output high = host IRQ masked, edge output low between operations',
    actions: [
      {
        weight: hostIrqs.length ? 6 : 0,
        run: (rng, record) => {
          const index = rng.below(hostIrqs.length);
          const irq = at(hostIrqs, index);
          const level = irq.isLevel ? rng.chance(0.6) : true;
          record?.(`host IRQ ${index} ${irq.isLevel ? (level ? 'asserted' : 'deasserted') : 'pulsed'}`);
          if (irq.isLevel) irq.setLevel(level);
          else irq.pulse();
          return 0;
        },
      },
      { weight: 10, run: (_rng, record) => (record?.('run loop dispatches host events'), session.dispatch(), 0) },
      {
        weight: 6,
        run: (rng, record) => {
          // The guest ends an interrupt it took: only a raised output has one to end.
          const n = rng.below(Math.max(intps.length, 1));
          const line = device.irqOutputs[n];
          if (!line?.level) return 0;
          record?.(`guest EOI of IRQ ${n}`);
          const notifiers = line.destination ? eoiNotifiers.get(line.destination) : undefined;
          for (const callback of [...(notifiers ?? [])]) callback();
          return 0;
        },
      },
    ],
    check: () => {
      const active = intps.filter((intp) => intp.state === 'active');
      if (active.length > 1) return `IRQs ${active.map((i) => i.pin).join(', ')} are ACTIVE together`;
      const queue = irqs.pendingQueue;
      const pending = intps.filter((intp) => intp.state === 'pending');
      if (queue.length !== pending.length || !pending.every((intp) => queue.includes(intp))) {
        return `the pending queue holds IRQs ${queue.map((i) => i.pin).join(', ') || 'none'}, but IRQs ${pending.map((i) => i.pin).join(', ') || 'none'} are PENDING`;
      }
      for (const intp of intps) {
        const level = intp.line.level;
        if (intp.path === 'eventfd' && level !== (intp.state === 'active'))
          return `eventfd path: IRQ ${intp.pin} is ${intp.state.toUpperCase()} with its output ${level ? 'high' : 'low'}`;
        if (intp.path === 'resample' && intp.automasked && level !== at(hostIrqs, intp.pin).isMasked) {
          return `resample path: level IRQ ${intp.pin} output is ${level ? 'high' : 'low'} while the host has it ${at(hostIrqs, intp.pin).isMasked ? 'masked' : 'unmasked'}`;
        }
        if (intp.path === 'resample' && !intp.automasked && level) return `resample path: edge IRQ ${intp.pin} output stays high`;
      }
      if (active.length && device.vfioRegions.some((region) => region.fastPathEnabled))
        return `IRQ ${at(active, 0).pin} is ACTIVE with a region on the fast path`;
      return undefined;
    },
    close: () => {
      if (device.realized) device.unrealize();
      session.close();
    },
  };
});
