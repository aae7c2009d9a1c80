// The fake host's test device: a register map designed to exercise everything vfio-platform does. Region 0
// (mmap-able) holds ID/VERSION, scratch registers and a DMA buffer; region 1 (trapped) holds the IRQ and DMA
// controls, whose W1C status needs per-access semantics. IRQ 0 is level (any enabled STATUS source), IRQ 1
// edge (one pulse per raise). REPEAT re-raises the level source after each ack, for IRQ-rate benchmarks.
// Register map: ./test-device-regs.ts and firmware/common/vfio_test_device.h.
import { RegisterBank, type RegisterSpecs } from '../../../regs/index.js';
import { DeviceModel, expectShape, type ModelHost, type ModelRegionSpec } from './device-model.js';
import * as R from './test-device-regs.js';
import { at } from '../../../util/at.js';

const CONTROL = 1;
const MAIN = 0;

export class TestDeviceModel extends DeviceModel {
  private readonly control;
  private lineAsserted = false;

  constructor(host: ModelHost, regions: readonly ModelRegionSpec[], irqs: readonly string[], where: string) {
    expectShape(where, 'test-device', regions, irqs, {
      regions: [
        (r) => (r.size === R.VFIO_TEST_REGION0_SIZE ? undefined : `region 0 is ${R.VFIO_TEST_REGION0_SIZE} bytes`),
        (r) =>
          r.size === R.VFIO_TEST_REGION1_SIZE && !r.mmap
            ? undefined
            : `region 1 is ${R.VFIO_TEST_REGION1_SIZE} bytes and not page aligned (its W1C status must be trapped)`,
      ],
      irqs: ['level', 'edge'],
    });
    super(host, regions);
    const specs = {
      IRQ_RAISE: { offset: R.VFIO_TEST_IRQ_RAISE, size: 4, access: 'WO', onWrite: (v: number) => this.raise(v) },
      STATUS: { offset: R.VFIO_TEST_STATUS, size: 4, access: 'W1C', writeMask: 0xf, onWrite: (now: number, before: number) => this.acked(before & ~now) },
      ENABLE: { offset: R.VFIO_TEST_ENABLE, size: 4, writeMask: 0xf, onWrite: () => this.updateLine() },
      REPEAT: { offset: R.VFIO_TEST_REPEAT, size: 4 },
      DMA_IOVA_LO: { offset: R.VFIO_TEST_DMA_IOVA_LO, size: 4 },
      DMA_IOVA_HI: { offset: R.VFIO_TEST_DMA_IOVA_HI, size: 4 },
      DMA_BUF_OFFSET: { offset: R.VFIO_TEST_DMA_BUF_OFFSET, size: 4 },
      DMA_LENGTH: { offset: R.VFIO_TEST_DMA_LENGTH, size: 4 },
      DMA_CTRL: { offset: R.VFIO_TEST_DMA_CTRL, size: 4, writeMask: 0x3, onWrite: (v: number) => this.dmaControl(v) },
      DMA_STATUS: { offset: R.VFIO_TEST_DMA_STATUS, size: 4, access: 'RO', onRead: (): number => (this.status >>> 2) & 3 },
      DMA_FAULT_IOVA_LO: { offset: R.VFIO_TEST_DMA_FAULT_IOVA_LO, size: 4, access: 'RO' },
      DMA_FAULT_IOVA_HI: { offset: R.VFIO_TEST_DMA_FAULT_IOVA_HI, size: 4, access: 'RO' },
    } satisfies RegisterSpecs;
    this.control = new RegisterBank({ label: () => `${host.label} control`, guestError: (message) => host.log(message()) }, specs);
    this.reset();
  }

  override read(region: number, offset: number, size: 1 | 2 | 4): number {
    return region === CONTROL ? this.control.read(offset, size) : super.read(region, offset, size);
  }

  override write(region: number, offset: number, size: 1 | 2 | 4, value: number): void {
    if (region === CONTROL) this.control.write(offset, size, value);
    else super.write(region, offset, size, value);
  }

  /** ID and VERSION are read-only: a guest store through the mapping is undone here. */
  sync(): void {
    this.set32(MAIN, R.VFIO_TEST_ID, R.VFIO_TEST_ID_VALUE);
    this.set32(MAIN, R.VFIO_TEST_VERSION, R.VFIO_TEST_VERSION_VALUE);
  }

  reset(): void {
    at(this.regions, MAIN).bytes.fill(0);
    this.sync();
    this.control.reset();
    this.updateLine();
  }

  /** IRQ 0 is any enabled level source; IRQ 1 (edge) is pulsed and has no level to expect. */
  override expectedIrqLevel(index: number): boolean | undefined {
    return index === R.VFIO_TEST_IRQ_INDEX_LEVEL ? (this.control.get('STATUS') & this.control.get('ENABLE') & R.VFIO_TEST_IRQ0_SOURCES) !== 0 : undefined;
  }

  /** STATUS as the device holds it, for tests and the monitor. */
  get status(): number {
    return this.control.get('STATUS');
  }

  private raise(bits: number): void {
    this.control.set('STATUS', this.control.get('STATUS') | (bits & 0xf));
    if (bits & R.VFIO_TEST_SRC_EDGE && this.control.get('ENABLE') & R.VFIO_TEST_SRC_EDGE) this.host.pulseIrq(R.VFIO_TEST_IRQ_INDEX_EDGE);
    this.updateLine();
  }

  private acked(cleared: number): void {
    const repeat = this.control.get('REPEAT');
    if (cleared & R.VFIO_TEST_SRC_LEVEL && repeat > 0) {
      this.control.set('REPEAT', repeat - 1);
      this.control.set('STATUS', this.control.get('STATUS') | R.VFIO_TEST_SRC_LEVEL);
    }
    this.updateLine();
  }

  private updateLine(): void {
    const asserted = (this.control.get('STATUS') & this.control.get('ENABLE') & R.VFIO_TEST_IRQ0_SOURCES) !== 0;
    if (asserted === this.lineAsserted) return;
    this.lineAsserted = asserted;
    this.host.setIrqLevel(R.VFIO_TEST_IRQ_INDEX_LEVEL, asserted);
  }

  /** START copies between the buffer and IOVA space at once, then reports DMA_DONE or DMA_FAULT. */
  private dmaControl(value: number): void {
    if (!(value & R.VFIO_TEST_DMA_CTRL_START)) return;
    this.control.set('DMA_CTRL', value & ~R.VFIO_TEST_DMA_CTRL_START);
    const iova = this.control.get('DMA_IOVA_HI') * 2 ** 32 + this.control.get('DMA_IOVA_LO');
    const start = this.control.get('DMA_BUF_OFFSET');
    const length = this.control.get('DMA_LENGTH');
    let fault: number | undefined;
    if (start + length > R.VFIO_TEST_BUFFER_SIZE) {
      this.host.log(`${this.host.label}: DMA of ${length} bytes at buffer offset ${start} overruns the ${R.VFIO_TEST_BUFFER_SIZE}-byte buffer`);
      fault = iova;
    } else {
      const buffer = at(this.regions, MAIN).bytes.subarray(R.VFIO_TEST_BUFFER + start, R.VFIO_TEST_BUFFER + start + length);
      const ok = value & R.VFIO_TEST_DMA_CTRL_FROM_IOVA ? this.host.dmaRead(iova, buffer) : this.host.dmaWrite(iova, buffer);
      if (!ok) fault = this.host.lastFaultIova;
    }
    if (fault === iova) {
      // The first address faulted: report it as the guest wrote it. A JS number holds an IOVA above 2^53
      // only rounded (maybe up to 2^64, which no register holds); a fault further in is below 2^48, exact.
      this.control.set('DMA_FAULT_IOVA_LO', this.control.get('DMA_IOVA_LO'));
      this.control.set('DMA_FAULT_IOVA_HI', this.control.get('DMA_IOVA_HI'));
    } else if (fault !== undefined) {
      this.control.set('DMA_FAULT_IOVA_LO', fault % 2 ** 32);
      this.control.set('DMA_FAULT_IOVA_HI', Math.floor(fault / 2 ** 32));
    }
    this.raise(fault === undefined ? R.VFIO_TEST_SRC_DMA_DONE : R.VFIO_TEST_SRC_DMA_FAULT);
  }
}
