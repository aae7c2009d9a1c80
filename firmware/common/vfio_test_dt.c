/*
 * The vfio-platform test device's resources, from the guest device tree (see vfio_test_dt.h).
 */
#include "vfio_test_dt.h"
#include "gic.h"

static int fail(const char *what)
{
    puts("vfio test device: ");
    puts(what);
    putc('\n');
    return -1;
}

static int gic_irq_decode(const u32 *cells, struct gic_irq *irq)
{
    if (cells[0] > 1)
        return -1;
    irq->spi = cells[0] == 0;
    irq->number = cells[1];
    irq->intid = cells[1] + (irq->spi ? GIC_SPI_BASE : 16);
    irq->edge = (cells[2] & 0x3) != 0;
    return 0;
}

int vfio_test_find(unsigned long dtb, struct vfio_test_dev *dev)
{
    int err = fdt_find_compatible((const void *)dtb, VFIO_TEST_COMPATIBLE, &dev->node);
    if (err)
        return fail(fdt_strerror(err));
    if (dev->node.nregs != 2 || dev->node.regs[0].size < VFIO_TEST_REGION0_SIZE ||
        dev->node.regs[1].size < VFIO_TEST_REGION1_SIZE)
        return fail("reg does not describe the two regions");
    if (dev->node.nirqs != 2 || dev->node.irq_cells != 3)
        return fail("interrupts is not two 3-cell GIC specifiers");
    if (gic_irq_decode(dev->node.irqs[0], &dev->level) || gic_irq_decode(dev->node.irqs[1], &dev->edge))
        return fail("an interrupt is neither SPI nor PPI");
    dev->main = (unsigned long)dev->node.regs[0].address;
    dev->control = (unsigned long)dev->node.regs[1].address;
    return 0;
}
