/*
 * foundation.elf: the first guest program of the armvirt tests. Uses the test harness device at
 * 0x0a000000 (see common/lib.h) and prints, in order:
 *
 *   foundation: start
 *   echo ok             (or "echo FAIL got=0x...")
 *   irq ok              (or "irq FAIL")
 *   mask ok             (or "mask FAIL")
 *   timer ok            (or "timer FAIL")
 *   foundation: done
 *
 * then writes the number of IRQs it handled (3 on success) to IRQ_COUNT_SEEN and exits through
 * PSCI SYSTEM_OFF with code 0 (1 if any check failed).
 */
#include "lib.h"

/* Generous bound for "wait for an interrupt" spin loops; the host test's timeout is the real limit. */
#define SPIN_LIMIT 100000000UL
#define MASK_SPINS 1000UL
#define TIMER_NS   1000000u /* 1 ms of virtual time */

static volatile unsigned long line_irqs;  /* IRQs caused by a write of 1 to IRQ_LINE */
static volatile unsigned long timer_irqs; /* IRQs caused by the one-shot timer (STATUS bit0) */

/* Runs with IRQs masked (exception entry). Always leaves the IRQ line low. */
void irq_handler(void)
{
    if (harness_read(HARNESS_STATUS) & HARNESS_STATUS_TIMER) {
        harness_write(HARNESS_STATUS, HARNESS_STATUS_TIMER); /* W1C */
        harness_write(HARNESS_IRQ_LINE, 0);
        timer_irqs = timer_irqs + 1;
    } else {
        harness_write(HARNESS_IRQ_LINE, 0);
        line_irqs = line_irqs + 1;
    }
}

/* Spins (IRQs enabled) until line_irqs reaches `want`; returns 0 on timeout. */
static int wait_line_irqs(unsigned long want)
{
    for (unsigned long i = 0; i < SPIN_LIMIT; i++)
        if (line_irqs >= want)
            return 1;
    return line_irqs >= want;
}

int main(unsigned long dtb)
{
    int failures = 0;
    u32 got;

    (void)dtb;
    puts("foundation: start\n");

    /* 1. MMIO round trip through a real device. */
    harness_write(HARNESS_ECHO, 0x12345678u);
    got = harness_read(HARNESS_ECHO);
    if (got == 0xedcba987u) {
        puts("echo ok\n");
    } else {
        puts("echo FAIL got=");
        put_hex(got);
        putc('\n');
        failures++;
    }

    /* 2. A level IRQ raised by the guest itself; the handler lowers it. */
    irq_enable();
    harness_write(HARNESS_IRQ_LINE, 1);
    if (wait_line_irqs(1) && line_irqs == 1) {
        puts("irq ok\n");

        /* PSTATE.I masks it: nothing may be taken while masked, it is taken once unmasked. */
        int mask_ok = 1;
        irq_disable();
        harness_write(HARNESS_IRQ_LINE, 1);
        for (unsigned long i = 0; i < MASK_SPINS; i++)
            if (line_irqs != 1)
                mask_ok = 0;
        irq_enable();
        if (!wait_line_irqs(2) || line_irqs != 2)
            mask_ok = 0;
        if (mask_ok) {
            puts("mask ok\n");
        } else {
            harness_write(HARNESS_IRQ_LINE, 0);
            puts("mask FAIL\n");
            failures++;
        }
    } else {
        harness_write(HARNESS_IRQ_LINE, 0);
        puts("irq FAIL\n");
        failures++;
    }

    /*
     * 3. The one-shot virtual timer, waited for with WFI. The flag is checked with IRQs masked and
     * WFI executed still masked (WFI wakes on a pending IRQ whatever PSTATE.I says), then IRQs are
     * unmasked so the handler runs: an IRQ arriving between the check and the WFI cannot be lost.
     */
    harness_write(HARNESS_TIMER_NS, TIMER_NS);
    unsigned long wakeups = 0;
    for (;;) {
        irq_disable();
        if (timer_irqs != 0 || wakeups >= SPIN_LIMIT)
            break;
        wfi();
        irq_enable();
        wakeups++;
    }
    irq_enable();
    if (timer_irqs == 1) {
        puts("timer ok\n");
    } else {
        puts("timer FAIL\n");
        failures++;
    }

    /* 4. Report, and power off. */
    harness_write(HARNESS_IRQ_COUNT_SEEN, (u32)(line_irqs + timer_irqs));
    puts("foundation: done\n");
    firmware_exit(failures ? 1 : 0);
}
