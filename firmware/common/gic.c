/*
 * GICv2 helpers for the test programs (see gic.h). Registers are accessed as whole words: the byte-wide
 * fields (priority, targets) by read-modify-write.
 */
#include "gic.h"

#define GICD_BASE        0x08000000UL
#define GICC_BASE        0x08010000UL
#define GICD_CTLR        0x000
#define GICD_ISENABLER   0x100
#define GICD_ICENABLER   0x180
#define GICD_ISPENDR     0x200
#define GICD_IPRIORITYR  0x400
#define GICD_ITARGETSR   0x800
#define GICD_ICFGR       0xc00
#define GICC_CTLR        0x000
#define GICC_PMR         0x004
#define GICC_IAR         0x00c
#define GICC_EOIR        0x010

#define PRIORITY         0x80
#define CPU0             0x01

/* Sets the `bits`-wide field of `intid` in a distributor register array starting at `array`. */
static void set_field(unsigned long array, u32 intid, u32 bits, u32 value)
{
    unsigned long reg = GICD_BASE + array + 4 * (intid * bits / 32);
    u32 shift = intid * bits % 32;
    u32 mask = (bits == 32 ? ~0u : (1u << bits) - 1) << shift;
    mmio_write32(reg, (mmio_read32(reg) & ~mask) | (value << shift));
}

void gic_init(void)
{
    mmio_write32(GICD_BASE + GICD_CTLR, 1);
    mmio_write32(GICC_BASE + GICC_PMR, 0xf0);
    mmio_write32(GICC_BASE + GICC_CTLR, 1);
}

void gic_enable_spi(u32 intid, int edge)
{
    set_field(GICD_IPRIORITYR, intid, 8, PRIORITY);
    set_field(GICD_ITARGETSR, intid, 8, CPU0);
    set_field(GICD_ICFGR, intid, 2, edge ? 2 : 0); /* Int_config[1]: 1 edge-triggered, 0 level-sensitive */
    mmio_write32(GICD_BASE + GICD_ISENABLER + 4 * (intid / 32), 1u << (intid % 32));
}

void gic_disable(u32 intid)
{
    mmio_write32(GICD_BASE + GICD_ICENABLER + 4 * (intid / 32), 1u << (intid % 32));
}

int gic_pending(u32 intid)
{
    return (mmio_read32(GICD_BASE + GICD_ISPENDR + 4 * (intid / 32)) >> (intid % 32)) & 1;
}

u32 gic_ack(void)
{
    return mmio_read32(GICC_BASE + GICC_IAR);
}

void gic_eoi(u32 iar)
{
    mmio_write32(GICC_BASE + GICC_EOIR, iar);
}
