import { expect } from 'chai';
import { HostMemory } from '../../../src/cpu/host-memory.js';
import { MemoryTraceSink, traceRegistry } from '../../../src/trace/index.js';
import type { FakeVfioHost } from '../../../src/vfio/fake/index.js';
import type { FakeDevice } from '../../../src/vfio/fake/device.js';
import type { FakeContainer } from '../../../src/vfio/fake/container.js';
import { TestDeviceModel } from '../../../src/vfio/fake/models/test-device.js';
import * as R from '../../../src/vfio/fake/models/test-device-regs.js';
import {
  VFIO_DMA_MAP_FLAG_READ,
  VFIO_DMA_MAP_FLAG_WRITE,
  VFIO_IRQ_SET_ACTION_TRIGGER,
  VFIO_IRQ_SET_ACTION_UNMASK,
  VFIO_IRQ_SET_DATA_EVENTFD,
  VFIO_IRQ_SET_DATA_NONE,
  regionOffset,
} from '../../../src/vfio/uapi.js';
import { TEST_DEVICE, openDevice, readU32, u32 } from './fake-host-fixture.js';
import { at } from '../../../src/util/at.js';

const CONTROL = regionOffset(1);

describe('fake VFIO host: the test device model', () => {
  let host: FakeVfioHost;
  let device: FakeDevice;
  let container: FakeContainer;
  let log: string[];
  let deliveries: number[];

  const control = (offset: number, value: number) => device.write(CONTROL + offset, u32(value));
  const controlRead = (offset: number) => readU32(device, CONTROL + offset);
  const unmask = () => device.setIrqs({ flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, index: 0, start: 0, count: 1 });
  const fired = (index: number) => {
    host.dispatch();
    return deliveries[index];
  };

  beforeEach(() => {
    ({ host, device, container, log } = openDevice());
    deliveries = [0, 0];
    for (const index of [0, 1]) {
      const trigger = host.createEventNotifier();
      trigger.setHandler(() => void (deliveries[index] = at(deliveries, index) + 1));
      device.setIrqs({ flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, index, start: 0, count: 1, data: [trigger] });
    }
  });
  afterEach(() => host.close());

  it('raises level IRQ 0 from IRQ_RAISE only while the source is enabled', () => {
    control(R.VFIO_TEST_IRQ_RAISE, R.VFIO_TEST_SRC_LEVEL);
    expect(fired(0)).to.equal(0);
    expect(controlRead(R.VFIO_TEST_STATUS)).to.equal(R.VFIO_TEST_SRC_LEVEL);
    control(R.VFIO_TEST_ENABLE, R.VFIO_TEST_SRC_LEVEL);
    expect(fired(0)).to.equal(1);
  });

  it('never fires a spurious second level IRQ when the guest acks STATUS and then EOIs', () => {
    control(R.VFIO_TEST_ENABLE, R.VFIO_TEST_SRC_LEVEL);
    control(R.VFIO_TEST_IRQ_RAISE, R.VFIO_TEST_SRC_LEVEL);
    expect(fired(0)).to.equal(1);
    control(R.VFIO_TEST_STATUS, R.VFIO_TEST_SRC_LEVEL); // W1C ack
    expect(controlRead(R.VFIO_TEST_STATUS)).to.equal(0);
    unmask();
    expect(fired(0)).to.equal(1);
  });

  it('fires again after an EOI without an ack, as a level IRQ must', () => {
    control(R.VFIO_TEST_ENABLE, R.VFIO_TEST_SRC_LEVEL);
    control(R.VFIO_TEST_IRQ_RAISE, R.VFIO_TEST_SRC_LEVEL);
    expect(fired(0)).to.equal(1);
    unmask();
    expect(fired(0)).to.equal(2);
  });

  it('re-raises the level source after each ack until REPEAT is used up', () => {
    control(R.VFIO_TEST_ENABLE, R.VFIO_TEST_SRC_LEVEL);
    control(R.VFIO_TEST_REPEAT, 2);
    control(R.VFIO_TEST_IRQ_RAISE, R.VFIO_TEST_SRC_LEVEL);
    const counts = [];
    for (let i = 0; i < 4; i++) {
      counts.push(fired(0));
      control(R.VFIO_TEST_STATUS, R.VFIO_TEST_SRC_LEVEL);
      unmask();
    }
    expect(counts).to.deep.equal([1, 2, 3, 3]);
    expect(controlRead(R.VFIO_TEST_REPEAT)).to.equal(0);
  });

  it('pulses edge IRQ 1 once per raise', () => {
    control(R.VFIO_TEST_ENABLE, R.VFIO_TEST_SRC_EDGE);
    control(R.VFIO_TEST_IRQ_RAISE, R.VFIO_TEST_SRC_EDGE);
    expect(fired(1)).to.equal(1);
    control(R.VFIO_TEST_IRQ_RAISE, R.VFIO_TEST_SRC_EDGE);
    expect(fired(1)).to.equal(2);
    expect(fired(0), 'the edge source does not drive IRQ 0').to.equal(0);
  });

  it('shows guest stores through the mapping to the device-fd side once synced, and model state to the guest', () => {
    const main = device.mmap(regionOffset(0), R.VFIO_TEST_REGION0_SIZE);
    main.view.setUint32(R.VFIO_TEST_SCRATCH0 + 8, 0x600dcafe, true);
    expect(readU32(device, R.VFIO_TEST_SCRATCH0 + 8)).to.equal(0x600dcafe);
    expect(host.model(TEST_DEVICE, TestDeviceModel).regions[0]!.view.getUint32(R.VFIO_TEST_SCRATCH0 + 8, true)).to.equal(0x600dcafe);
    device.write(R.VFIO_TEST_SCRATCH0 + 12, u32(0xabad1dea));
    expect(main.view.getUint32(R.VFIO_TEST_SCRATCH0 + 12, true)).to.equal(0xabad1dea);
  });

  it('lets the model catch up with guest stores before an unmask from the unmask eventfd', () => {
    const main = device.mmap(regionOffset(0), R.VFIO_TEST_REGION0_SIZE);
    const resample = host.createEventNotifier();
    device.setIrqs({ flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK, index: 0, start: 0, count: 1, data: [resample] });
    main.view.setUint32(R.VFIO_TEST_ID, 0, true);
    resample.signal();
    expect(main.view.getUint32(R.VFIO_TEST_ID, true), 'sync() ran: the read-only ID is restored').to.equal(R.VFIO_TEST_ID_VALUE);
  });

  describe('DMA', () => {
    const RW = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
    let ram: HostMemory;
    let main: HostMemory;
    const startDma = (iova: number, offset: number, length: number, ctrl: number) => {
      control(R.VFIO_TEST_DMA_IOVA_LO, iova % 2 ** 32);
      control(R.VFIO_TEST_DMA_IOVA_HI, Math.floor(iova / 2 ** 32));
      control(R.VFIO_TEST_DMA_BUF_OFFSET, offset);
      control(R.VFIO_TEST_DMA_LENGTH, length);
      control(R.VFIO_TEST_DMA_CTRL, ctrl | R.VFIO_TEST_DMA_CTRL_START);
    };

    beforeEach(() => {
      ram = new HostMemory(0x4000);
      main = device.mmap(regionOffset(0), R.VFIO_TEST_REGION0_SIZE);
      container.mapDma({ memory: ram, offset: 0x1000, iova: 0x1_0000_0000, size: 0x2000, flags: RW });
    });

    it('copies the buffer to IOVA space through the container mapping, across a page, and reports DONE', () => {
      main.bytes.set([1, 2, 3, 4, 5, 6], R.VFIO_TEST_BUFFER + 0x10);
      control(R.VFIO_TEST_ENABLE, R.VFIO_TEST_SRC_DMA_DONE);
      startDma(0x1_0000_0ffd, 0x10, 6, 0);
      expect([...ram.bytes.subarray(0x1ffd, 0x2003)]).to.deep.equal([1, 2, 3, 4, 5, 6]);
      expect(controlRead(R.VFIO_TEST_DMA_STATUS)).to.equal(R.VFIO_TEST_DMA_STATUS_DONE);
      expect(controlRead(R.VFIO_TEST_DMA_CTRL) & R.VFIO_TEST_DMA_CTRL_START, 'START clears itself').to.equal(0);
      expect(fired(0)).to.equal(1);
    });

    it('copies IOVA space into the buffer', () => {
      ram.bytes.set([9, 8, 7], 0x1100);
      startDma(0x1_0000_0100, 0x20, 3, R.VFIO_TEST_DMA_CTRL_FROM_IOVA);
      expect([...main.bytes.subarray(R.VFIO_TEST_BUFFER + 0x20, R.VFIO_TEST_BUFFER + 0x23)]).to.deep.equal([9, 8, 7]);
    });

    it('reports a fault on an unmapped IOVA in FAULT_IOVA, the log and a trace event, without throwing', () => {
      const sink = new MemoryTraceSink();
      traceRegistry.addSink(sink);
      traceRegistry.enable('vfio_fake_dma_fault');
      try {
        control(R.VFIO_TEST_ENABLE, R.VFIO_TEST_SRC_DMA_FAULT);
        startDma(0x1_0000_1f00, 0, 0x200, 0);
      } finally {
        traceRegistry.enable('-vfio_fake_dma_fault');
        traceRegistry.removeSink(sink);
      }
      expect(controlRead(R.VFIO_TEST_DMA_STATUS)).to.equal(R.VFIO_TEST_DMA_STATUS_FAULT);
      expect(controlRead(R.VFIO_TEST_DMA_FAULT_IOVA_HI)).to.equal(1);
      expect(controlRead(R.VFIO_TEST_DMA_FAULT_IOVA_LO)).to.equal(0x2000);
      expect(log).to.deep.equal([`${TEST_DEVICE}: DMA write of 512 bytes at iova 0x100001f00 faults at 0x100002000: no mapping`]);
      expect(sink.records.map((r) => r.name)).to.deep.equal(['vfio_fake_dma_fault']);
      expect(fired(0)).to.equal(1);
    });

    it('faults when the device writes to a read-only mapping', () => {
      container.mapDma({ memory: ram, offset: 0, iova: 0x2000_0000, size: 0x1000, flags: VFIO_DMA_MAP_FLAG_READ });
      startDma(0x2000_0000, 0, 4, 0);
      expect(controlRead(R.VFIO_TEST_DMA_STATUS)).to.equal(R.VFIO_TEST_DMA_STATUS_FAULT);
      expect(log[0]).to.match(/mapping is not writable$/);
    });
  });

  it('logs an access to an unknown control register instead of failing', () => {
    expect(controlRead(0x80)).to.equal(0);
    expect(log).to.have.length(1);
    expect(log[0]).to.contain('unknown register at offset 0x80');
  });
});
