// Every failure `npm run fuzz` found, as the operations that caused it and as the fuzz run (target, seed,
// accesses) that found it, which must now hold its invariants.
import { expect } from 'chai';
import { describeFailure, fuzz } from '../../src/testing/fuzz/engine.js';
import * as R from '../../src/vfio/fake/models/test-device-regs.js';
import { VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_IRQ_SET_ACTION_UNMASK, VFIO_IRQ_SET_DATA_EVENTFD, regionOffset } from '../../src/vfio/uapi.js';
import { loadFuzzTargets } from '../../stress/fuzz-targets.js';
import { TEST_DEVICE, openDevice } from '../vfio/fake/fake-host-fixture.js';

/** A fuzz run that once failed: it must now run to the end. */
function refuzz(target: string, seed: number, accesses: number): void {
  it(`${target}, seed ${seed}, ${accesses} accesses: holds`, async function () {
    this.timeout(60_000);
    const factory = (await loadFuzzTargets()).get(target);
    expect(factory, `fuzz target ${target}`).to.not.equal(undefined);
    const outcome = fuzz(target, factory!, { seed, accesses });
    expect(outcome.failure, describeFailure(outcome)).to.equal(undefined);
  });
}

describe('fuzz regressions', () => {
  describe("fake host: one eventfd as a level IRQ's trigger and unmask recursed until the stack overflowed", () => {
    // Unmasking a still-asserted level IRQ refires it, which signals the trigger, which is the unmask
    // eventfd again. The kernel's eventfd never signals from inside its own wake-up; the count now waits.
    it('fires once per signal from outside, and keeps the inner signal in the count', () => {
      const { host, device } = openDevice();
      try {
        const both = host.createEventNotifier();
        device.setIrqs({ flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, index: 0, start: 0, count: 1, data: [both] });
        device.setIrqs({ flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK, index: 0, start: 0, count: 1, data: [both] });
        const irq = host.device(TEST_DEVICE).irqs[0]!;
        irq.setLevel(true); // fires: masks, signals `both`, whose unmask refires once and leaves one signal counted
        expect(irq.isMasked).to.equal(true);
        expect(both.count).to.equal(1);
        both.signal(); // the VMM's write: one more round
        expect(irq.isMasked).to.equal(true);
        expect(both.count).to.equal(1);
      } finally {
        host.close();
      }
    });
    refuzz('fake-host-test-device', 80, 1800);
  });

  describe("fake host: the test device's DMA fault register threw on an IOVA near 2^64", () => {
    // DMA_IOVA_HI:LO = 0xffffffff:ffffffff is 2^64 - 1, which a JS number rounds to 2^64: its high word,
    // 2^32, fits no 32-bit register. The first faulting address is now reported as the guest wrote it.
    it('reports the IOVA as written', () => {
      const { host, device } = openDevice();
      try {
        const control = (offset: number, value: number) =>
          device.write(regionOffset(1) + offset, Uint8Array.from(new Uint8Array(new Uint32Array([value]).buffer)));
        const read = (offset: number) => new DataView(device.read(regionOffset(1) + offset, 4).buffer).getUint32(0, true);
        control(R.VFIO_TEST_DMA_IOVA_LO, 0xffff_ffff);
        control(R.VFIO_TEST_DMA_IOVA_HI, 0xffff_ffff);
        control(R.VFIO_TEST_DMA_LENGTH, 16);
        control(R.VFIO_TEST_DMA_CTRL, R.VFIO_TEST_DMA_CTRL_START);
        expect(read(R.VFIO_TEST_DMA_STATUS)).to.equal(R.VFIO_TEST_DMA_STATUS_FAULT);
        expect([read(R.VFIO_TEST_DMA_FAULT_IOVA_HI), read(R.VFIO_TEST_DMA_FAULT_IOVA_LO)]).to.deep.equal([0xffff_ffff, 0xffff_ffff]);
      } finally {
        host.close();
      }
    });
    refuzz('fake-host-test-device', 3, 78_983);
  });
});
