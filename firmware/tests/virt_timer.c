/*
 * virt machine test: the EL1 virtual timer's interrupt (PPI 11, INTID 27) through the GICv2, printed on
 * the PL011. Timing-independent output, so armvirt's and QEMU's UART output must be equal.
 */
#include "gic.h"

static volatile u32 last_intid = 1023;
static volatile int ticks;

static void vtimer_set(u64 ctl) { __asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(ctl)); }

void irq_handler(void)
{
    u32 iar = gicc_read(GICC_IAR);
    last_intid = iar & 0x3ff;
    if (last_intid == INTID_VTIMER) {
        vtimer_set(0); /* disabled: the level line falls */
        ticks++;
    }
    gicc_write(GICC_EOIR, iar);
}

int main(unsigned long dtb)
{
    (void)dtb;
    puts("virt_timer: start\n");
    u64 freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    puts(freq == 62500000 ? "cntfrq ok\n" : "cntfrq FAIL\n");

    gic_enable();
    gicd_set_bit(GICD_ISENABLER(0), INTID_VTIMER);

    for (int round = 0; round < 3; round++) {
        u64 tval = freq / 1000; /* 1 ms */
        __asm__ volatile("msr cntv_tval_el0, %0" : : "r"(tval));
        vtimer_set(1);
        /*
         * Checked with IRQs masked: an IRQ taken between the check and an unmasked WFI would leave the WFI
         * waiting for a timer that is already off. Masked, the pending IRQ ends WFI and is taken at the unmask.
         */
        for (unsigned long spins = 0; ticks <= round; spins++) {
            if (spins > 100000000UL) {
                puts("timer FAIL\n");
                firmware_exit(1);
            }
            wfi();
            irq_enable();
            irq_disable();
        }
    }
    puts(last_intid == INTID_VTIMER ? "timer irq 27 x3 ok\n" : "timer irq FAIL\n");
    puts("virt_timer: done\n");
    firmware_exit(0);
}
