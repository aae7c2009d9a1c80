/*
 * virt machine test: the EL1 virtual timer's interrupt (PPI 11, INTID 27) through the GICv2, printed on
 * the PL011. Timing-independent output, so armvirt's and QEMU's UART output must be equal.
 */
#include "lib.h"

#define GICD_BASE 0x08000000UL
#define GICC_BASE 0x08010000UL
#define GICD_CTLR 0x000
#define GICD_ISENABLER0 0x100
#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010
#define INTID_VTIMER 27

static volatile u32 last_intid = 1023;
static volatile int ticks;

static void vtimer_set(u64 ctl) { __asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(ctl)); }

void irq_handler(void)
{
    u32 iar = mmio_read32(GICC_BASE + GICC_IAR);
    last_intid = iar & 0x3ff;
    if (last_intid == INTID_VTIMER) {
        vtimer_set(0); /* disabled: the level line falls */
        ticks++;
    }
    mmio_write32(GICC_BASE + GICC_EOIR, iar);
}

int main(unsigned long dtb)
{
    (void)dtb;
    puts("virt_timer: start\n");
    u64 freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    puts(freq == 62500000 ? "cntfrq ok\n" : "cntfrq FAIL\n");

    mmio_write32(GICD_BASE + GICD_CTLR, 1);
    mmio_write32(GICC_BASE + GICC_PMR, 0xf0);
    mmio_write32(GICC_BASE + GICC_CTLR, 1);
    mmio_write32(GICD_BASE + GICD_ISENABLER0, 1u << INTID_VTIMER);

    for (int round = 0; round < 3; round++) {
        u64 tval = freq / 1000; /* 1 ms */
        __asm__ volatile("msr cntv_tval_el0, %0" : : "r"(tval));
        vtimer_set(1);
        irq_enable();
        for (unsigned long spins = 0; ticks <= round; spins++) {
            if (spins > 100000000UL) {
                puts("timer FAIL\n");
                firmware_exit(1);
            }
            wfi();
        }
        irq_disable();
    }
    puts(last_intid == INTID_VTIMER ? "timer irq 27 x3 ok\n" : "timer irq FAIL\n");
    puts("virt_timer: done\n");
    firmware_exit(0);
}
