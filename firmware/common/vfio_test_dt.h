/*
 * Finds the vfio-platform test device (compatible "armvirt,vfio-test-device", vfio_test_device.h) in the
 * guest device tree: its two regions' physical addresses and its two interrupts as GIC INTIDs.
 */
#ifndef ARMVIRT_FIRMWARE_VFIO_TEST_DT_H
#define ARMVIRT_FIRMWARE_VFIO_TEST_DT_H

#include "fdt.h"
#include "vfio_test_device.h"

#define VFIO_TEST_COMPATIBLE "armvirt,vfio-test-device"

/* One interrupt from a 3-cell GIC specifier (the binding's type, number, flags). */
struct gic_irq {
    u32 intid;
    int edge;   /* flags IRQ_TYPE_EDGE_* (1, 2) rather than IRQ_TYPE_LEVEL_* (4, 8) */
    int spi;    /* type 0 (SPI), else 1 (PPI) */
    u32 number; /* the SPI or PPI number as the specifier gives it */
};

struct vfio_test_dev {
    struct fdt_device node;
    unsigned long main;    /* region 0 */
    unsigned long control; /* region 1 */
    struct gic_irq level;  /* IRQ index 0 */
    struct gic_irq edge;   /* IRQ index 1 */
};

/* Fills `dev` from the DTB at `dtb`; on failure prints why ("vfio test device: ...") and returns -1. */
int vfio_test_find(unsigned long dtb, struct vfio_test_dev *dev);

static inline u32 vfio_test_control_read(const struct vfio_test_dev *dev, u32 reg) { return mmio_read32(dev->control + reg); }

static inline void vfio_test_control_write(const struct vfio_test_dev *dev, u32 reg, u32 value)
{
    mmio_write32(dev->control + reg, value);
}

static inline u32 vfio_test_main_read(const struct vfio_test_dev *dev, u32 reg) { return mmio_read32(dev->main + reg); }

static inline void vfio_test_main_write(const struct vfio_test_dev *dev, u32 reg, u32 value)
{
    mmio_write32(dev->main + reg, value);
}

#endif
