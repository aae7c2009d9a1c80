// How `npm run fuzz` drives the PL031: guest accesses and time steps from any start time. Invariants: the
// interrupt is RTCRIS & RTCIMSC, and a time step that carries the counter onto RTCMR raises RTCRIS.
import { hex } from '../src/util/hex.js';
import { DeviceHarness } from '../src/testing/device-harness.js';
import { levelMismatch, registerFuzzProfile } from '../src/testing/fuzz/profile.js';
import { Pl031 } from './pl031.js';

registerFuzzProfile('pl031', (typeName, rng, options) => {
  const harness = DeviceHarness.create(typeName, { ...options, properties: { 'start-time': String(rng.chance(0.5) ? rng.u32() : rng.below(100)) } }).as(Pl031);
  const rtc = harness.device;
  const counter = () => rtc.regs.read(0x00, 4); // RTCDR: reading has no side effect
  let before = { now: harness.clock.now(), counter: counter() };
  return {
    harness,
    invariant: 'RTCINTR = (RTCRIS & RTCIMSC) != 0; time carrying the counter onto RTCMR sets RTCRIS',
    check: () => {
      const ris = rtc.regs.get('RTCRIS');
      const imsc = rtc.regs.get('RTCIMSC');
      const now = { now: harness.clock.now(), counter: counter() };
      const match = rtc.regs.get('RTCMR');
      const last = before;
      before = now;
      // Only time moved (no guest access loaded the counter): did it pass the match value?
      const ahead = (match - last.counter) >>> 0;
      if (now.now !== last.now && ahead !== 0 && ahead <= (now.counter - last.counter) >>> 0 && !(ris & 1)) {
        return `the counter went from ${last.counter} to ${now.counter} past RTCMR ${match}, but RTCRIS is 0`;
      }
      return levelMismatch(0, harness.irq(0).level, (ris & imsc & 1) !== 0, () => `RTCRIS ${hex(ris)} & RTCIMSC ${hex(imsc)}`);
    },
  };
});
