// How `npm run fuzz` drives the SP805: guest accesses (the lock register often open, so writes land) and
// time steps at a clock fast enough for expiries to happen. Invariants: WDOGINT = WdogRIS while INTEN is
// set, WdogMIS reads the same, and a reset is asked for only by an expiry with RESEN set and the interrupt
// still raised.
import { hex } from '../src/util/hex.js';
import { DeviceHarness } from '../src/testing/device-harness.js';
import { levelMismatch, registerFuzzProfile } from '../src/testing/fuzz/profile.js';
import { CONTROL_INTEN as INTEN, CONTROL_RESEN as RESEN, Sp805, UNLOCK } from './sp805.js';

registerFuzzProfile('sp805', (typeName, rng, options) => {
  const hz = rng.chance(0.5) ? rng.between(1_000, 100_000_000) : 1_000_000_000;
  const harness = DeviceHarness.create(typeName, { ...options, properties: { 'clock-frequency': String(hz) } }).as(Sp805);
  const wdt = harness.device;
  let resets = 0;
  return {
    harness,
    invariant: 'WDOGINT = WdogRIS && INTEN; WdogMIS reads the same; a reset request only from an expiry with RESEN set and WdogRIS still 1',
    // WdogLoad, WdogControl, WdogIntClr and WdogLock: the lock's key is among the values picked only by chance.
    hotOffsets: [[0x000, 0x008, 0x00c, 0xc00]],
    actions: [
      {
        weight: 2,
        run: (_rng, record) => {
          record?.('write32 WdogLock <- 0x1acce551');
          wdt.regs.write(0xc00, 4, UNLOCK);
          return 1;
        },
      },
    ],
    check: () => {
      const ris = wdt.regs.get('WdogRIS');
      const control = wdt.regs.get('WdogControl');
      const mis = wdt.regs.read(0x014, 4);
      if (mis !== (ris & control & INTEN)) return `WdogMIS reads ${hex(mis)}, not WdogRIS ${hex(ris)} & INTEN of WdogControl ${hex(control)}`;
      if (harness.resetRequests.length !== resets) {
        resets = harness.resetRequests.length;
        if (!(control & RESEN) || ris !== 1) return `a reset was asked for with WdogControl ${hex(control)} and WdogRIS ${ris}`;
      }
      return levelMismatch(0, harness.irq(0).level, ris === 1 && (control & INTEN) !== 0, () => `WdogRIS ${ris}, WdogControl ${hex(control)}`);
    },
  };
});
