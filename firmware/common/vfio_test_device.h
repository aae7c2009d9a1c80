/* Register map of the fake VFIO host's "test-device" (src/vfio/fake/models/test-device.ts), for guest
 * programs that drive it through vfio-platform. src/vfio/fake/models/test-device-regs.ts holds the same
 * numbers; a test checks that the two agree. Defines only.
 *
 * Region 0 (4 KiB, page aligned: mmap-able, the guest reaches it directly): identification, scratch
 * registers and the DMA buffer. Region 1 (0x100 bytes: not mmap-able, every access is trapped): IRQ and
 * DMA control, whose W1C status needs per-access semantics.
 */
#ifndef VFIO_TEST_DEVICE_H
#define VFIO_TEST_DEVICE_H

/* Region 0 */
#define VFIO_TEST_REGION0_SIZE  0x1000
#define VFIO_TEST_ID            0x000      /* RO */
#define VFIO_TEST_ID_VALUE      0x56464954 /* "TIFV" */
#define VFIO_TEST_VERSION       0x004      /* RO */
#define VFIO_TEST_VERSION_VALUE 0x00010000
#define VFIO_TEST_SCRATCH0      0x010 /* RW, VFIO_TEST_SCRATCH_COUNT words */
#define VFIO_TEST_SCRATCH_COUNT 4
#define VFIO_TEST_BUFFER        0x800 /* DMA buffer */
#define VFIO_TEST_BUFFER_SIZE   0x800

/* Region 1 */
#define VFIO_TEST_REGION1_SIZE      0x100
#define VFIO_TEST_IRQ_RAISE         0x00 /* WO: a 1 in bit n raises IRQ source n */
#define VFIO_TEST_STATUS            0x04 /* W1C */
#define VFIO_TEST_ENABLE            0x08 /* RW: same bits as STATUS */
#define VFIO_TEST_REPEAT            0x0c /* RW: raises of the level source left after acks */
#define VFIO_TEST_DMA_IOVA_LO       0x10
#define VFIO_TEST_DMA_IOVA_HI       0x14
#define VFIO_TEST_DMA_BUF_OFFSET    0x18 /* offset in the DMA buffer */
#define VFIO_TEST_DMA_LENGTH        0x1c
#define VFIO_TEST_DMA_CTRL          0x20
#define VFIO_TEST_DMA_STATUS        0x24 /* RO view of STATUS.DMA_DONE/DMA_FAULT */
#define VFIO_TEST_DMA_FAULT_IOVA_LO 0x28 /* RO */
#define VFIO_TEST_DMA_FAULT_IOVA_HI 0x2c /* RO */

/* STATUS, ENABLE and IRQ_RAISE bits. IRQ 0 (level) is asserted while STATUS & ENABLE & VFIO_TEST_IRQ0_SOURCES;
 * IRQ 1 (edge) fires once per raise of VFIO_TEST_SRC_EDGE while enabled. */
#define VFIO_TEST_SRC_LEVEL     (1u << 0)
#define VFIO_TEST_SRC_EDGE      (1u << 1)
#define VFIO_TEST_SRC_DMA_DONE  (1u << 2)
#define VFIO_TEST_SRC_DMA_FAULT (1u << 3)
#define VFIO_TEST_IRQ0_SOURCES  0xd

/* DMA_CTRL: START runs the copy at once; FROM_IOVA copies memory into the buffer, else the buffer to memory. */
#define VFIO_TEST_DMA_CTRL_START     (1u << 0)
#define VFIO_TEST_DMA_CTRL_FROM_IOVA (1u << 1)
#define VFIO_TEST_DMA_STATUS_DONE    (1u << 0)
#define VFIO_TEST_DMA_STATUS_FAULT   (1u << 1)

/* IRQ indices of the device */
#define VFIO_TEST_IRQ_INDEX_LEVEL 0
#define VFIO_TEST_IRQ_INDEX_EDGE  1

#endif
