// Register map of the test-device model; firmware/common/vfio_test_device.h publishes the same numbers to
// guest programs (test/vfio/fake/test-device-header.test.ts checks that they agree).

export const VFIO_TEST_COMPATIBLE = 'armvirt,vfio-test-device';

// Region 0: mmap-able (the fast path).
export const VFIO_TEST_REGION0_SIZE = 0x1000;
export const VFIO_TEST_ID = 0x000;
export const VFIO_TEST_ID_VALUE = 0x56464954;
export const VFIO_TEST_VERSION = 0x004;
export const VFIO_TEST_VERSION_VALUE = 0x00010000;
export const VFIO_TEST_SCRATCH0 = 0x010;
export const VFIO_TEST_SCRATCH_COUNT = 4;
export const VFIO_TEST_BUFFER = 0x800;
export const VFIO_TEST_BUFFER_SIZE = 0x800;

// Region 1: trapped (per-access semantics).
export const VFIO_TEST_REGION1_SIZE = 0x100;
export const VFIO_TEST_IRQ_RAISE = 0x00;
export const VFIO_TEST_STATUS = 0x04;
export const VFIO_TEST_ENABLE = 0x08;
export const VFIO_TEST_REPEAT = 0x0c;
export const VFIO_TEST_DMA_IOVA_LO = 0x10;
export const VFIO_TEST_DMA_IOVA_HI = 0x14;
export const VFIO_TEST_DMA_BUF_OFFSET = 0x18;
export const VFIO_TEST_DMA_LENGTH = 0x1c;
export const VFIO_TEST_DMA_CTRL = 0x20;
export const VFIO_TEST_DMA_STATUS = 0x24;
export const VFIO_TEST_DMA_FAULT_IOVA_LO = 0x28;
export const VFIO_TEST_DMA_FAULT_IOVA_HI = 0x2c;

export const VFIO_TEST_SRC_LEVEL = 1 << 0;
export const VFIO_TEST_SRC_EDGE = 1 << 1;
export const VFIO_TEST_SRC_DMA_DONE = 1 << 2;
export const VFIO_TEST_SRC_DMA_FAULT = 1 << 3;
export const VFIO_TEST_IRQ0_SOURCES = VFIO_TEST_SRC_LEVEL | VFIO_TEST_SRC_DMA_DONE | VFIO_TEST_SRC_DMA_FAULT;

export const VFIO_TEST_DMA_CTRL_START = 1 << 0;
export const VFIO_TEST_DMA_CTRL_FROM_IOVA = 1 << 1;
export const VFIO_TEST_DMA_STATUS_DONE = 1 << 0;
export const VFIO_TEST_DMA_STATUS_FAULT = 1 << 1;

export const VFIO_TEST_IRQ_INDEX_LEVEL = 0;
export const VFIO_TEST_IRQ_INDEX_EDGE = 1;
