/*
 * virt machine benchmark: as many EL1 virtual-timer interrupts (PPI 11, INTID 27) as the machine can take.
 * The handler acknowledges, re-arms the timer with TVAL 0 (due at once, so the level line stays high) and
 * ends the interrupt; the host times the lines "storm: start" and "storm: done N".
 *
 * N is the word after the marker "STORM_N=" in the ELF: the host may patch it in a copy of the file, so
 * armvirt and QEMU run the same file with the same count.
 */
#include "gic.h"

static const volatile struct {
    char marker[8];
    u32 count;
} storm_param __attribute__((used)) = { { 'S', 'T', 'O', 'R', 'M', '_', 'N', '=' }, 100000 };

static volatile u32 taken;

void irq_handler(void)
{
    u32 iar = gicc_read(GICC_IAR);
    if ((iar & 0x3ff) == INTID_VTIMER) {
        if (++taken < storm_param.count)
            __asm__ volatile("msr cntv_tval_el0, %0" : : "r"(0UL));
        else
            __asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(0UL)); /* done: the line falls */
    }
    if ((iar & 0x3ff) != INTID_SPURIOUS)
        gicc_write(GICC_EOIR, iar);
}

int main(unsigned long dtb)
{
    (void)dtb;
    u32 count = storm_param.count;
    gic_enable();
    gicd_set_bit(GICD_ISENABLER(0), INTID_VTIMER);
    puts("storm: start\n");
    __asm__ volatile("msr cntv_tval_el0, %0; msr cntv_ctl_el0, %1; isb" : : "r"(0UL), "r"(1UL));
    irq_enable();
    while (taken < count)
        ;
    irq_disable();
    puts("storm: done ");
    put_dec(taken);
    putc('\n');
    return 0;
}
