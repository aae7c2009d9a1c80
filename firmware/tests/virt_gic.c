/*
 * virt machine test: the GICv2 seen from the guest (Arm IHI 0048B): identification, SGIs, SPIs pended by
 * software, a level-sensitive PPI, priority ordering, the priority mask, binary point grouping, running
 * priority through nested and preempting interrupts, the enable/pending/active registers, and the two
 * interrupt groups (Group 1 through the aliased registers, Group 0 as FIQ).
 *
 * Every line is timing-independent: register values and the order of events, so armvirt's UART output
 * must equal QEMU's. Values are printed as read (not only checked) so that a difference names the register.
 */
#include "gic.h"

/* SPIs no device of either machine drives (QEMU's virt uses SPIs up to 47 for virtio-mmio). */
#define SPI_A 90
#define SPI_B 91
#define SPI_C 92
#define SPI_D 93

static int failures;

static void check(const char *what, int ok)
{
    puts(what);
    puts(ok ? " ok\n" : " FAIL\n");
    if (!ok)
        failures++;
}

static void show(const char *what, u64 value)
{
    puts(what);
    puts(" = ");
    put_hex(value);
    putc('\n');
}

static void set_priority(u32 intid, u32 priority) { gicd_write8(GICD_IPRIORITYR + intid, priority); }

/* Edge (1) or level (0) in the Int_config[1] bit of the INTID's GICD_ICFGRn field. */
static void set_edge(u32 intid, int edge)
{
    unsigned long reg = GICD_ICFGR(intid / 16);
    u32 bit = 1u << (2 * (intid % 16) + 1);
    gicd_write(reg, edge ? gicd_read(reg) | bit : gicd_read(reg) & ~bit);
}

static void setup_spi(u32 intid, u32 priority)
{
    set_priority(intid, priority);
    gicd_write8(GICD_ITARGETSR + intid, 0x01);
    gicd_set_bit(GICD_ISENABLER(0), intid);
}

/* "pend/act INTID = p a": the pending and active bits of an INTID as the distributor shows them. */
static void show_state(u32 intid)
{
    puts("  intid ");
    put_dec(intid);
    puts(": enabled ");
    put_dec(gicd_bit(GICD_ISENABLER(0), intid));
    puts(" pending ");
    put_dec(gicd_bit(GICD_ISPENDR(0), intid));
    puts(" active ");
    put_dec(gicd_bit(GICD_ISACTIVER(0), intid));
    putc('\n');
}

static u32 ack(void) { return gicc_read(GICC_IAR); }
static void eoi(u32 iar) { gicc_write(GICC_EOIR, iar); }

/* ---- interrupts taken through the vector table, logged as they happen ------------------------------ */

#define LOG_SIZE 16
static volatile u32 log_intid[LOG_SIZE], log_rpr[LOG_SIZE], log_kind[LOG_SIZE];
static volatile int log_len;
static volatile int nest_in_handler;
static volatile int handled;

static void log_event(char kind, u32 intid)
{
    if (log_len < LOG_SIZE) {
        log_kind[log_len] = (u32)kind;
        log_intid[log_len] = intid;
        log_rpr[log_len] = gicc_read(GICC_RPR);
        log_len++;
    }
}

/* Waits (bounded, in iterations not time) for `handled` to reach `count`. */
static int wait_handled(int count)
{
    for (unsigned long spins = 0; spins < 10000000UL; spins++)
        if (handled >= count)
            return 1;
    return 0;
}

void irq_handler(void)
{
    u32 iar = ack();
    u32 intid = iar & 0x3ff;
    if (intid == INTID_SPURIOUS) {
        log_event('S', intid);
        return;
    }
    log_event('E', intid);
    if (intid == SPI_A && nest_in_handler) {
        /* B (higher) must preempt A's handler once IRQs are unmasked; C (lower) must wait for A's EOI. */
        gicd_set_bit(GICD_ISPENDR(0), SPI_C);
        gicd_set_bit(GICD_ISPENDR(0), SPI_B);
        int before = handled;
        irq_enable();
        for (unsigned long spins = 0; handled == before && spins < 10000000UL; spins++)
            ;
        irq_disable(); /* ELR/SPSR of this level were saved on entry; the next must not overwrite them */
    }
    log_event('X', intid);
    handled++;
    eoi(iar);
}

/* FIQ: Group 0 interrupts while GICC_CTLR.FIQEn is set. */
void fiq_handler(void)
{
    u32 iar = ack();
    log_event('F', iar & 0x3ff);
    handled++;
    if ((iar & 0x3ff) != INTID_SPURIOUS)
        eoi(iar);
}

static void print_log(void)
{
    for (int i = 0; i < log_len; i++) {
        puts(log_kind[i] == 'E' ? "  enter " : log_kind[i] == 'X' ? "  leave " : log_kind[i] == 'F' ? "  fiq " : "  spurious ");
        put_dec(log_intid[i]);
        puts(" rpr ");
        put_hex(log_rpr[i]);
        putc('\n');
    }
    log_len = 0;
}

/* ---- the tests ------------------------------------------------------------------------------------ */

static void identification(void)
{
    show("GICD_TYPER", gicd_read(GICD_TYPER));
    show("GICD_IIDR", gicd_read(GICD_IIDR));
    show("GICD_PIDR2", gicd_read(GICD_PIDR2));
    show("GICC_IIDR", gicc_read(GICC_IIDR));
    show("GICC_BPR at reset", gicc_read(GICC_BPR));
    show("GICC_ABPR at reset", gicc_read(GICC_ABPR));
    show("GICC_RPR idle", gicc_read(GICC_RPR));
    show("GICD_ICFGR0 (SGIs)", gicd_read(GICD_ICFGR(0)));
    show("GICD_ISENABLER0 (SGIs)", gicd_read(GICD_ISENABLER(0)) & 0xffff);
}

static void spurious(void)
{
    show("GICC_HPPIR nothing pending", gicc_read(GICC_HPPIR));
    check("IAR nothing pending is 1023", ack() == INTID_SPURIOUS);
}

static void sgis(void)
{
    gicd_write(GICD_SGIR, (2u << 24) | 3); /* TargetListFilter 2: this CPU */
    show("SGI 3 to self: ISPENDR0", gicd_read(GICD_ISPENDR(0)) & 0xffff);
    show("SGI 3 to self: SPENDSGIR0", gicd_read(GICD_SPENDSGIR));
    u32 iar = ack();
    show("SGI 3 to self: IAR", iar);
    check("SGI 3 IAR source CPU id (bits 12:10) is 0", ((iar >> 10) & 7) == 0 && (iar & 0x3ff) == 3);
    show("SGI 3 active: ISACTIVER0", gicd_read(GICD_ISACTIVER(0)) & 0xffff);
    eoi(iar);
    show("SGI 3 after EOI: ISACTIVER0", gicd_read(GICD_ISACTIVER(0)) & 0xffff);

    gicd_write(GICD_SGIR, (0u << 24) | (0x01u << 16) | 5); /* target list: CPU 0 */
    iar = ack();
    show("SGI 5 by target list: IAR", iar);
    eoi(iar);
    gicd_write(GICD_SGIR, (1u << 24) | 6); /* every CPU but this one: nobody */
    show("SGI 6 to others: IAR", ack());
    gicd_write(GICD_SGIR, (3u << 24) | 7); /* reserved filter: QEMU sends it to every CPU */
    iar = ack();
    show("SGI 7 with reserved filter 3: IAR", iar);
    if (iar != INTID_SPURIOUS)
        eoi(iar);
}

static void spi_pending_by_software(void)
{
    for (u32 intid = SPI_A; intid <= SPI_D; intid++)
        setup_spi(intid, 0x80);
    set_edge(SPI_A, 1);
    set_edge(SPI_B, 0);
    show("GICD_ICFGR5 (A edge, B level)", gicd_read(GICD_ICFGR(SPI_A / 16)));
    show("ISENABLER2", gicd_read(GICD_ISENABLER(2)));
    gicd_set_bit(GICD_ISPENDR(0), SPI_A);
    gicd_set_bit(GICD_ISPENDR(0), SPI_B);
    show("ISPENDR2 after ISPENDR", gicd_read(GICD_ISPENDR(2)));
    show("HPPIR", gicc_read(GICC_HPPIR));
    u32 a = ack();
    show("IAR (edge A first: equal priority, lower INTID)", a);
    show_state(SPI_A);
    show("IAR while A active at the same priority", ack());
    eoi(a);
    show_state(SPI_A);
    u32 b = ack();
    show("IAR (level B)", b);
    show_state(SPI_B);
    eoi(b);
    show_state(SPI_B);

    /* ICPENDR takes a software-pended interrupt back. */
    gicd_set_bit(GICD_ISPENDR(0), SPI_B);
    gicd_set_bit(GICD_ICPENDR(0), SPI_B);
    show_state(SPI_B);
    check("IAR after ICPENDR is 1023", ack() == INTID_SPURIOUS);

    /* A disabled interrupt stays pending but is not signalled. */
    gicd_set_bit(GICD_ICENABLER(0), SPI_A);
    gicd_set_bit(GICD_ISPENDR(0), SPI_A);
    show_state(SPI_A);
    show("IAR with A disabled", ack());
    gicd_set_bit(GICD_ISENABLER(0), SPI_A);
    a = ack();
    show("IAR with A enabled again", a);
    eoi(a);
}

/* The virtual timer's PPI is level-sensitive: pending for as long as the timer condition holds. */
static void level_ppi(void)
{
    gicd_set_bit(GICD_ISENABLER(0), INTID_VTIMER);
    set_priority(INTID_VTIMER, 0x80);
    show("GICD_ICFGR1 (PPIs)", gicd_read(GICD_ICFGR(1)));
    __asm__ volatile("msr cntv_tval_el0, %0; msr cntv_ctl_el0, %1; isb" : : "r"(0UL), "r"(1UL));
    u32 iar = ack();
    show("vtimer IAR", iar);
    puts("vtimer active, line still high:\n");
    show_state(INTID_VTIMER);
    __asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(3UL)); /* IMASK: the line falls */
    puts("vtimer active, line low:\n");
    show_state(INTID_VTIMER);
    eoi(iar);
    puts("vtimer after EOI:\n");
    show_state(INTID_VTIMER);
    __asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(0UL));
    gicd_set_bit(GICD_ICENABLER(0), INTID_VTIMER);
}

static void priority_order(void)
{
    set_priority(SPI_A, 0xa0);
    set_priority(SPI_B, 0x40);
    set_priority(SPI_C, 0x80);
    set_priority(SPI_D, 0x40);
    for (u32 intid = SPI_A; intid <= SPI_D; intid++)
        gicd_set_bit(GICD_ISPENDR(0), intid);
    puts("priority order:");
    for (int i = 0; i < 5; i++) {
        u32 iar = ack();
        putc(' ');
        put_dec(iar);
        if (iar != INTID_SPURIOUS)
            eoi(iar);
    }
    putc('\n');

    gicd_write8(GICD_IPRIORITYR + SPI_D, 0xff);
    show("IPRIORITYR byte after writing 0xff", gicd_read8(GICD_IPRIORITYR + SPI_D));
    set_priority(SPI_D, 0x40);
    show("IPRIORITYR word of A..D", gicd_read(GICD_IPRIORITYR + SPI_A - SPI_A % 4));
}

static void running_priority_and_eoi_order(void)
{
    /* A (0xa0) acknowledged, then B (0x40) preempts it; EOIs unwind B then A. */
    gicd_set_bit(GICD_ISPENDR(0), SPI_A);
    u32 a = ack();
    show("RPR with A active", gicc_read(GICC_RPR));
    gicd_set_bit(GICD_ISPENDR(0), SPI_C); /* 0x80: higher than A's 0xa0 */
    gicd_set_bit(GICD_ISPENDR(0), SPI_B); /* 0x40 */
    u32 b = ack();
    show("IAR with A active (B 0x40 and C 0x80 pending)", b);
    show("RPR with A and B active", gicc_read(GICC_RPR));
    show("IAR with B active (C 0x80 pending)", ack());
    show("HPPIR with B active", gicc_read(GICC_HPPIR));
    eoi(b);
    show("RPR after EOI of B", gicc_read(GICC_RPR));
    u32 c = ack();
    show("IAR after EOI of B", c);
    show("RPR with A and C active", gicc_read(GICC_RPR));
    eoi(c);
    eoi(a);
    show("RPR after EOI of C and A", gicc_read(GICC_RPR));
    show("ISACTIVER2 after all EOIs", gicd_read(GICD_ISACTIVER(2)));
}

static void priority_mask(void)
{
    gicc_write(GICC_PMR, 0x80);
    show("GICC_PMR after writing 0x80", gicc_read(GICC_PMR));
    gicd_set_bit(GICD_ISPENDR(0), SPI_C); /* priority 0x80: not below the mask */
    show("IAR with C 0x80 pending and PMR 0x80", ack());
    show("HPPIR with PMR 0x80", gicc_read(GICC_HPPIR));

    /* Taken interrupts: the mask keeps C from the CPU until it is raised. */
    handled = 0;
    irq_enable();
    int taken = wait_handled(1);
    irq_disable();
    check("no interrupt taken through PMR 0x80", !taken && log_len == 0);
    gicc_write(GICC_PMR, 0x90);
    irq_enable();
    taken = wait_handled(1);
    irq_disable();
    check("C taken once PMR is 0x90", taken);
    print_log();
    gicc_write(GICC_PMR, 0xff);
}

static void binary_point(void)
{
    set_priority(SPI_A, 0x48);
    set_priority(SPI_B, 0x40);
    gicc_write(GICC_BPR, 0);
    show("GICC_BPR after writing 0", gicc_read(GICC_BPR));
    for (u32 bpr = 2; bpr <= 3; bpr++) {
        gicc_write(GICC_BPR, bpr);
        gicd_set_bit(GICD_ISPENDR(0), SPI_A);
        u32 a = ack();
        gicd_set_bit(GICD_ISPENDR(0), SPI_B);
        u32 b = ack();
        puts("BPR ");
        put_dec(bpr);
        puts(": A 0x48 active, B 0x40 pending: IAR ");
        put_dec(b);
        puts(", RPR ");
        put_hex(gicc_read(GICC_RPR));
        putc('\n');
        if (b != INTID_SPURIOUS)
            eoi(b);
        eoi(a);
        b = ack(); /* B, if it waited for A */
        if (b != INTID_SPURIOUS)
            eoi(b);
    }
    gicc_write(GICC_BPR, 2);
}

static void nested_interrupts(void)
{
    set_priority(SPI_A, 0xa0);
    set_priority(SPI_B, 0x20);
    set_priority(SPI_C, 0xc0);
    handled = 0;
    nest_in_handler = 1;
    gicd_set_bit(GICD_ISPENDR(0), SPI_A);
    irq_enable();
    int done = wait_handled(3);
    irq_disable();
    nest_in_handler = 0;
    check("three interrupts handled", done);
    puts("nested:\n");
    print_log();
    show("RPR after the handlers", gicc_read(GICC_RPR));
}

static void interrupt_groups(void)
{
    gicd_write(GICD_CTLR, 3);
    show("GICD_CTLR after writing 3", gicd_read(GICD_CTLR));
    gicc_write(GICC_CTLR, 0x3ff);
    show("GICC_CTLR after writing 0x3ff", gicc_read(GICC_CTLR));
    gicc_write(GICC_CTLR, 3); /* both groups, no AckCtl, no FIQEn */
    set_priority(SPI_A, 0x80);
    set_priority(SPI_B, 0x40);
    gicd_write(GICD_IGROUPR(2), 1u << (SPI_B % 32)); /* B in Group 1 */
    show("GICD_IGROUPR2", gicd_read(GICD_IGROUPR(2)));

    gicd_set_bit(GICD_ISPENDR(0), SPI_B);
    show("Group 1 B pending: HPPIR", gicc_read(GICC_HPPIR));
    show("Group 1 B pending: IAR without AckCtl", ack());
    show("Group 1 B pending: AHPPIR", gicc_read(GICC_AHPPIR));
    show("Group 1 B pending: AIAR", gicc_read(GICC_AIAR));

    gicc_write(GICC_CTLR, 3 | (1u << 2)); /* AckCtl: IAR takes Group 1 too */
    u32 b = ack();
    show("Group 1 B pending: IAR with AckCtl", b);
    show("GICC_NSAPR1 with B active", gicc_read(GICC_NSAPR0 + 4));
    show("GICC_RPR with B active", gicc_read(GICC_RPR));
    gicc_write(GICC_AEOIR, b);
    show("ISACTIVER2 after AEOIR", gicd_read(GICD_ISACTIVER(2)));
    eoi(b);
    show("ISACTIVER2 after EOIR", gicd_read(GICD_ISACTIVER(2)));

    gicd_set_bit(GICD_ISPENDR(0), SPI_A);
    show("Group 0 A pending: AIAR", gicc_read(GICC_AIAR));
    gicc_write(GICC_CTLR, 3 | (1u << 3)); /* FIQEn: Group 0 is signalled as FIQ */
    handled = 0;
    __asm__ volatile("msr daifclr, #1" : : : "memory");
    int taken = wait_handled(1);
    __asm__ volatile("msr daifset, #1" : : : "memory");
    check("Group 0 A taken as FIQ", taken);
    print_log();

    gicd_write(GICD_IGROUPR(2), 0);
    gicc_write(GICC_CTLR, 1);
    gicd_write(GICD_CTLR, 1);
}

int main(unsigned long dtb)
{
    (void)dtb;
    puts("virt_gic: start\n");
    identification();
    gic_enable();
    spurious();
    sgis();
    spi_pending_by_software();
    level_ppi();
    priority_order();
    running_priority_and_eoi_order();
    priority_mask();
    binary_point();
    nested_interrupts();
    interrupt_groups();
    puts(failures ? "virt_gic: FAILED\n" : "virt_gic: done\n");
    return failures ? 1 : 0;
}
