// How `npm run fuzz` drives the GICv2: any number of SPIs, random input lines and deactivation notifiers
// (a VFIO resampler lowers its line there), guest accesses biased to the CPU interface's registers. The
// invariant is the GIC's contract with the CPU, worked out afresh from the interrupt state and the
// registers after every operation: the IRQ (or FIQ) output is high exactly when the highest-priority
// pending, enabled, inactive interrupt beats the priority mask and the running priority, and its group is
// enabled in both frames (Arm IHI 0048B §3.3; the choices gic-cpu-interface.ts lists).
import { DeviceHarness } from '../../src/testing/device-harness.js';
import { levelMismatch, registerFuzzProfile } from '../../src/testing/fuzz/profile.js';
import { GicDevice } from './gic-device.js';
import type { GicInterruptState } from './gic-state.js';
import type { MemoryOps } from '../../src/memory/region.js';
import { at } from '../../src/util/at.js';

const SPI_COUNTS = [0, 32, 64, 96, 256, 960];
const GICD_HOT = [0x000, 0x004, 0x080, 0x100, 0x104, 0x180, 0x184, 0x200, 0x204, 0x280, 0x300, 0x380, 0x400, 0x41c, 0xc00, 0xc04, 0xc08, 0xf00, 0xf10, 0xf20];
const GICC_HOT = [0x00, 0x04, 0x08, 0x0c, 0x0c, 0x0c, 0x10, 0x10, 0x10, 0x14, 0x18, 0x1c, 0x20, 0x24, 0x28, 0xd0, 0xd4, 0xe0, 0xfc, 0x1000, 0x1000];
/** Deactivation notifiers a run registers at most. */
const MAX_NOTIFIERS = 8;

registerFuzzProfile('arm-gic', (typeName, rng, options) => {
  const harness = DeviceHarness.create(typeName, { ...options, properties: { 'num-spis': String(rng.pick(SPI_COUNTS)) } }).as(GicDevice);
  const gic = harness.device.model;
  let notifiers = 0;
  return {
    harness,
    invariant:
      'IRQ/FIQ outputs = the highest-priority pending, enabled, inactive interrupt beats GICC_PMR and the running priority, its group enabled in GICD_CTLR and GICC_CTLR; SGIs stay enabled and edge-triggered',
    hotOffsets: [GICD_HOT, GICC_HOT],
    actions: [
      {
        weight: 15,
        run: (rng, record) => {
          const intid = pickInput(rng, gic.numIrqs);
          const level = rng.chance(0.5);
          record?.(`input ${intid} ${level ? 'high' : 'low'}`);
          gic.setInput(intid, level);
          return 0;
        },
      },
      {
        // What a driver does first (both frames on, a priority mask, a few interrupts enabled), so that runs
        // reach signalling often rather than waiting for random values to line up.
        weight: 0.3,
        run: (rng, record) => {
          const intids = Array.from({ length: rng.between(1, 6) }, () => (rng.chance(0.3) ? rng.below(16) : pickInput(rng, gic.numIrqs)));
          record?.(`guest set-up: GICD_CTLR 3, GICC_CTLR 3, GICC_PMR 0xf0, enable ${intids.join(' ')}`);
          gic.distributor.write(0x000, 4, 3);
          gic.cpuInterface.write(0x00, 4, 3);
          gic.cpuInterface.write(0x04, 4, 0xf0);
          for (const intid of intids) gic.distributor.write(0x100 + 4 * (intid >> 5), 4, 1 << (intid & 31));
          return 3 + intids.length;
        },
      },
      {
        weight: 0.5,
        run: (rng, record) => {
          if (notifiers >= MAX_NOTIFIERS) return 0;
          notifiers++;
          const intid = pickInput(rng, gic.numIrqs);
          record?.(`deactivation of ${intid} lowers its input`);
          gic.onDeactivate(intid, () => gic.setInput(intid, false));
          return 0;
        },
      },
    ],
    check: () => {
      const expected = expectedOutput(gic.state, gic.distributor, gic.cpuInterface);
      const why = () => `the interrupt to signal is ${expected === undefined ? 'none' : `an ${expected.toUpperCase()}`}; ${gic.describe().trimEnd()}`;
      return (
        levelMismatch(0, harness.irq(0).level, expected === 'irq', why) ??
        levelMismatch(1, harness.irq(1).level, expected === 'fiq', why) ??
        sgiRules(gic.state)
      );
    },
  };
});

/** A PPI or SPI, half the time among the first few SPIs, which the guest is likelier to have enabled. */
function pickInput(rng: { chance(p: number): boolean; between(a: number, b: number): number }, count: number): number {
  return rng.chance(0.5) && count > 40 ? rng.between(16, 40) : rng.between(16, count - 1);
}

/** Which CPU input should be high, from the state and the registers alone. */
function expectedOutput(s: GicInterruptState, gicd: MemoryOps, gicc: MemoryOps): 'irq' | 'fiq' | undefined {
  const dctlr = gicd.read(0x000, 4);
  const cctlr = gicc.read(0x00, 4);
  if ((dctlr & 3) === 0 || (cctlr & 3) === 0) return undefined;
  let best = -1;
  for (let intid = 0; intid < s.count; intid++) {
    if (!s.enabled[intid] || s.active[intid]) continue;
    const pending = intid < 16 ? s.sgiSources[intid] !== 0 : s.latch[intid] !== 0 || (s.edge[intid] === 0 && s.line[intid] !== 0);
    if (pending && (best < 0 || at(s.priority, intid) < at(s.priority, best))) best = intid;
  }
  if (best < 0 || at(s.priority, best) >= gicc.read(0x04, 4)) return undefined;
  const group = at(s.group, best);
  // Group priority: the bits above the binary point (GICC_ABPR's, one lower, for Group 1 unless CBPR).
  const binaryPoint = group === 1 && !(cctlr & 0x10) ? gicc.read(0x1c, 4) - 1 : gicc.read(0x08, 4);
  const groupPriority = at(s.priority, best) & (0xff << (binaryPoint + 1)) & 0xff;
  if (groupPriority >= runningPriority(gicc)) return undefined;
  if (!(dctlr & (1 << group)) || !(cctlr & (1 << group))) return undefined;
  return group === 0 && cctlr & 0x8 ? 'fiq' : 'irq';
}

/** The lowest active preemption level in GICC_APR0..3 and GICC_NSAPR0..3, as a priority; 0x100 when idle. */
function runningPriority(gicc: MemoryOps): number {
  let running = 0x100;
  for (const base of [0xd0, 0xe0]) {
    for (let word = 0; word < 4; word++) {
      const bits = gicc.read(base + 4 * word, 4);
      if (bits !== 0) {
        running = Math.min(running, (word * 32 + 31 - Math.clz32(bits & -bits)) << 1);
        break;
      }
    }
  }
  return running;
}

/** SGIs are always enabled and edge-triggered (GIC-400, §4.3.13). */
function sgiRules(s: GicInterruptState): string | undefined {
  for (let intid = 0; intid < 16; intid++) {
    if (!s.enabled[intid] || !s.edge[intid]) return `SGI ${intid} is ${s.enabled[intid] ? '' : 'disabled '}${s.edge[intid] ? '' : 'level-sensitive'}`;
  }
  return undefined;
}
