/*
 * GICv2 helpers for the passthrough test programs (see gic.h). Registers are accessed as whole words: the
 * byte-wide fields (priority, targets) by read-modify-write.
 */
#include "gic.h"

#define PRIORITY 0x80
#define CPU0     0x01

/* Sets the `bits`-wide field of `intid` in a distributor register array starting at `array`. */
static void set_field(unsigned long array, u32 intid, u32 bits, u32 value)
{
    unsigned long reg = array + 4 * (intid * bits / 32);
    u32 shift = intid * bits % 32;
    u32 mask = (bits == 32 ? ~0u : (1u << bits) - 1) << shift;
    gicd_write(reg, (gicd_read(reg) & ~mask) | (value << shift));
}

void gic_init(void)
{
    gicd_write(GICD_CTLR, 1);
    gicc_write(GICC_PMR, 0xf0);
    gicc_write(GICC_CTLR, 1);
}

void gic_enable_spi(u32 intid, int edge)
{
    set_field(GICD_IPRIORITYR, intid, 8, PRIORITY);
    set_field(GICD_ITARGETSR, intid, 8, CPU0);
    set_field(GICD_ICFGR(0), intid, 2, edge ? 2 : 0); /* Int_config[1]: 1 edge-triggered, 0 level-sensitive */
    gicd_set_bit(GICD_ISENABLER(0), intid);
}

void gic_disable(u32 intid) { gicd_set_bit(GICD_ICENABLER(0), intid); }

int gic_pending(u32 intid) { return (int)gicd_bit(GICD_ISPENDR(0), intid); }

u32 gic_ack(void) { return gicc_read(GICC_IAR); }

void gic_eoi(u32 iar) { gicc_write(GICC_EOIR, iar); }
