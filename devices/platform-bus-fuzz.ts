// How `npm run fuzz` drives the platform bus: a window and line count of its own, some PL011s and PL031s
// linked into it as -device would, and guest accesses across the window (to the devices or to nothing),
// host bytes to the UARTs and time steps. Invariant: each bus line follows the output of the device linked
// to it, and every linked device sits wholly inside the window.
import { MemoryChardev } from '../src/chardev/memory.js';
import type { SysBusDevice } from '../src/qom/sys-bus-device.js';
import { DeviceHarness } from '../src/testing/device-harness.js';
import { registerFuzzProfile } from '../src/testing/fuzz/profile.js';
import { registerOffsets } from '../src/testing/fuzz/device-target.js';
import { PlatformBus } from './platform-bus.js';
import { Pl011 } from './pl011.js';
import { Pl031 } from './pl031.js';
import { at } from '../src/util/at.js';

const WINDOW_SIZES = ['0x10000', '0x100000', '0x2000000'];

registerFuzzProfile('platform-bus-device', (typeName, rng, options) => {
  const harness = DeviceHarness.create(typeName, {
    ...options,
    properties: { 'mmio-size': rng.pick(WINDOW_SIZES), 'num-irqs': String(rng.between(1, 16)) },
  }).as(PlatformBus);
  const bus = harness.device;
  const linked: SysBusDevice[] = [];
  const uarts: MemoryChardev[] = [];
  const count = rng.between(0, 6);
  for (let i = 0; i < count; i++) {
    const type = rng.pick(['pl011', 'pl031']);
    const device = type === 'pl011' ? harness.tree.add(Pl011, `pl011[${i}]`, { chardev: 'memory' }) : harness.tree.add(Pl031, `pl031[${i}]`);
    try {
      bus.link(device);
    } catch {
      device.unrealize(); // the window or the lines are full: what a -device that does not fit gets
      device.unparent();
      continue;
    }
    linked.push(device);
    if (device instanceof Pl011 && device.chardev instanceof MemoryChardev) uarts.push(device.chardev);
  }
  const hot = linked.flatMap((device) => {
    const base = bus.mmioOffset(device, 0);
    return base === undefined ? [] : registerOffsets(device.mmio(0)).map((offset) => base + offset);
  });
  return {
    harness,
    invariant: 'each bus line = the output of the device linked to it; linked devices lie inside the window',
    hotOffsets: [hot],
    actions: [
      {
        weight: uarts.length ? 3 : 0,
        run: (rng, record) => {
          const uart = rng.below(uarts.length);
          const text = String.fromCharCode(rng.below(0x80));
          record?.(`host sends ${JSON.stringify(text)} to UART ${uart}`);
          at(uarts, uart).inject(text);
          return 0;
        },
      },
    ],
    check: () => {
      for (const device of linked) {
        const line = bus.irqLine(device, 0);
        if (line === undefined) return `${device.label()} has no bus line`;
        if (harness.irq(line).level !== device.irq(0).level) {
          return `bus line ${line} is ${harness.irq(line).level ? 'high' : 'low'} but ${device.label()}'s output is ${device.irq(0).level ? 'high' : 'low'}`;
        }
        const offset = bus.mmioOffset(device, 0);
        if (offset === undefined) return `${device.label()} is not in the window`;
        if (offset + device.mmio(0).size > bus.mmioSize)
          return `${device.label()} at 0x${offset.toString(16)} does not fit the 0x${bus.mmioSize.toString(16)}-byte window`;
      }
      return undefined;
    },
  };
});
