// How `npm run fuzz` drives the PL011: guest accesses, bytes arriving from the host (a memory backend) and
// resets; the invariant is UARTINTR = (UARTRIS & UARTIMSC) != 0, and UARTMIS reading the same.
import { MemoryChardev } from '../src/chardev/memory.js';
import { hex } from '../src/util/hex.js';
import { DeviceHarness } from '../src/testing/device-harness.js';
import { levelMismatch, registerFuzzProfile } from '../src/testing/fuzz/profile.js';
import { Pl011 } from './pl011.js';

registerFuzzProfile('pl011', (typeName, _rng, options) => {
  const harness = DeviceHarness.create(typeName, { ...options, properties: { chardev: 'memory' } }).as(Pl011);
  const uart = harness.device;
  const input = uart.chardev;
  if (!(input instanceof MemoryChardev)) throw new Error(`${uart.label()}: chardev=memory gave no memory backend`);
  return {
    harness,
    invariant: 'UARTINTR = (UARTRIS & UARTIMSC) != 0; UARTMIS = UARTRIS & UARTIMSC',
    actions: [
      {
        weight: 4,
        run: (rng, record) => {
          const text = String.fromCharCode(...Array.from({ length: rng.between(1, 20) }, () => rng.below(0x80)));
          record?.(`host sends ${JSON.stringify(text)}`);
          input.inject(text);
          return 0;
        },
      },
    ],
    check: () => {
      const ris = uart.regs.get('UARTRIS');
      const imsc = uart.regs.get('UARTIMSC');
      const mis = uart.regs.read(0x040, 4);
      if (mis !== (ris & imsc)) return `UARTMIS reads ${hex(mis)}, not UARTRIS ${hex(ris)} & UARTIMSC ${hex(imsc)}`;
      return levelMismatch(0, harness.irq(0).level, (ris & imsc) !== 0, () => `UARTRIS ${hex(ris)} & UARTIMSC ${hex(imsc)}`);
    },
  };
});
