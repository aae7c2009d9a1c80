// How `npm run fuzz` drives the PL061: guest accesses, input pins driven from outside and power-down
// requests (virt's power button on pin 3). Invariants: GPIOINTR = (GPIORIS & GPIOIE) != 0 and GPIOMIS reads
// the same; GPIODATA shows the driven level of every input pin; an input pin at the level its interrupt
// senses has its GPIORIS bit set.
import { hex } from '../src/util/hex.js';
import { DeviceHarness } from '../src/testing/device-harness.js';
import { levelMismatch, registerFuzzProfile } from '../src/testing/fuzz/profile.js';
import type { Recorder } from '../src/testing/fuzz/target.js';
import { Pl061, PINS, POWER_BUTTON_PIN } from './pl061.js';

registerFuzzProfile('pl061', (typeName, rng, options) => {
  const powerButton = rng.chance(0.5);
  const harness = DeviceHarness.create(typeName, { ...options, properties: { 'power-button': powerButton ? 'on' : 'off' } }).as(Pl061);
  const gpio = harness.device;
  let lines = 0;
  // The button's release comes from the device's own timer: its pin is left out of the GPIODATA check.
  const tracked = powerButton ? PINS & ~(1 << POWER_BUTTON_PIN) : PINS;
  return {
    harness,
    invariant:
      'GPIOINTR = (GPIORIS & GPIOIE) != 0; GPIOMIS = GPIORIS & GPIOIE; GPIODATA reads the driven level of each input pin; a level-sensed input at its level has GPIORIS set',
    actions: [
      {
        weight: 4,
        run: (rng, record) => {
          const pin = rng.below(8);
          const level = rng.chance(0.5);
          record?.(`pin ${pin} driven ${level ? 'high' : 'low'}`);
          gpio.setInput(pin, level);
          lines = level ? lines | (1 << pin) : lines & ~(1 << pin);
          return 0;
        },
      },
      ...(powerButton
        ? [{ weight: 1, run: (_rng: unknown, record: Recorder): number => (record?.('power-down request'), harness.requestPowerDown(), 0) }]
        : []),
    ],
    check: () => {
      const ris = gpio.regs.get('GPIORIS');
      const ie = gpio.regs.get('GPIOIE');
      const dir = gpio.regs.get('GPIODIR');
      const mis = gpio.regs.read(0x418, 4);
      if (mis !== (ris & ie)) return `GPIOMIS reads ${hex(mis)}, not GPIORIS ${hex(ris)} & GPIOIE ${hex(ie)}`;
      const data = gpio.regs.read(0x3fc, 4);
      if ((data & ~dir & tracked) !== (lines & ~dir & tracked)) return `GPIODATA reads ${hex(data)} on inputs ${hex(~dir & tracked)}, driven ${hex(lines)}`;
      const atLevel = ~(data ^ gpio.regs.get('GPIOIEV')) & gpio.regs.get('GPIOIS') & ~dir & PINS;
      if ((atLevel & ~ris) !== 0) return `inputs ${hex(atLevel)} are at the level they sense, but GPIORIS is ${hex(ris)}`;
      return levelMismatch(0, harness.irq(0).level, (ris & ie) !== 0, () => `GPIORIS ${hex(ris)} & GPIOIE ${hex(ie)}`);
    },
  };
});
