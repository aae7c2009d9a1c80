/*
 * virt machine test: synchronous exceptions taken to EL1, MMU off. EL0 system calls with x0..x7 in and out,
 * BRK and UDF at EL1 and EL0, a privileged MRS and trapped CTR_EL0 and DC ZVA at EL0, an SVC inside an IRQ
 * handler, and an IRQ that becomes pending as an SVC is taken. Each line states what the handler saw, so
 * armvirt's UART output must equal QEMU's.
 */
#include "gic.h"
#include "trap.h"

#define SGI_TEST  1
#define RAM_START 0x40000000UL

static volatile u64 seen_esr, seen_elr, seen_from, seen_spsr;
static volatile int syncs;
static char events[16];
static volatile int n_events;

static void event(char c)
{
    if (n_events < (int)sizeof events - 1)
        events[n_events++] = c;
}

/* ---- EL0 code and data ------------------------------------------------------------------------- */
EL0_DATA static u64 el0_stack[512] __attribute__((aligned(16)));
EL0_DATA static u64 el0_results[8];

/* Makes `svc #7` with x0..x7 = arg, 1..7 and keeps what comes back. */
EL0_TEXT static u64 el0_syscall(u64 arg)
{
    register u64 x0 __asm__("x0") = arg;
    register u64 x1 __asm__("x1") = 1, x2 __asm__("x2") = 2, x3 __asm__("x3") = 3, x4 __asm__("x4") = 4;
    register u64 x5 __asm__("x5") = 5, x6 __asm__("x6") = 6, x7 __asm__("x7") = 7;
    __asm__ volatile("svc #7" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7) : : "memory");
    el0_results[0] = x0;
    el0_results[1] = x1;
    el0_results[7] = x7;
    register u64 y0 __asm__("x0") = x0;
    __asm__ volatile("svc #0x1234" : "+r"(y0) : : "memory");
    return y0;
}

EL0_TEXT static u64 el0_brk(u64 arg)
{
    __asm__ volatile("brk #0x42");
    return arg + 1;
}

EL0_TEXT static u64 el0_udf(u64 arg)
{
    __asm__ volatile("udf #0x99");
    return arg + 2;
}

EL0_TEXT static u64 el0_mrs_sctlr(u64 arg)
{
    u64 v;
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(v));
    return arg + (v & 0);
}

/* SCTLR_EL1.UCT is clear after reset: CTR_EL0 is trapped at EL0. */
EL0_TEXT static u64 el0_mrs_ctr(u64 arg)
{
    u64 v;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(v));
    return arg + (v & 0);
}

/* SCTLR_EL1.DZE is clear after reset: DC ZVA is trapped at EL0. */
EL0_TEXT static u64 el0_dc_zva(u64 arg)
{
    __asm__ volatile("dc zva, %0" : : "r"(el0_results) : "memory");
    return arg + 3;
}

/* ---- handlers ----------------------------------------------------------------------------------- */
void handle_sync(struct trap_frame *f, u64 from)
{
    u32 ec = esr_ec(f->esr);
    if (ec == EC_SVC64 && (f->esr & 0xffff) == SVC_EL0_EXIT)
        el0_return(f->x[0]);
    seen_esr = f->esr;
    seen_elr = f->elr;
    seen_from = from;
    seen_spsr = f->spsr;
    syncs++;
    if (ec == EC_SVC64) {
        event('S');
        u64 imm = f->esr & 0xffff;
        u64 sum = 0;
        for (int i = 0; i < 8; i++)
            sum += f->x[i];
        f->x[0] = imm * 1000 + sum; /* the "system call": returns in x0, and doubles x1..x7 */
        for (int i = 1; i < 8; i++)
            f->x[i] *= 2;
        return; /* ELR is the instruction after the SVC already */
    }
    if (f->elr < RAM_START) {
        f->elr = f->x[30]; /* a call to an address outside RAM: back to its caller */
        return;
    }
    f->elr += 4; /* BRK, UDF, a trapped instruction: carry on after it */
}

static volatile int svc_inside_irq;

void handle_irq(struct trap_frame *f)
{
    (void)f;
    u32 iar = gicc_read(GICC_IAR);
    event('I');
    if ((iar & 0x3ff) == SGI_TEST && svc_inside_irq) {
        u64 elr_before;
        __asm__ volatile("mrs %0, elr_el1" : "=r"(elr_before));
        __asm__ volatile("svc #0x77" : : : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "memory");
        puts("svc inside irq: esr ");
        put_hex(seen_esr);
        puts(" from ");
        put_hex(seen_from);
        puts(seen_spsr & (1u << 7) ? " with I masked" : " with I clear");
        u64 elr_after;
        __asm__ volatile("mrs %0, elr_el1" : "=r"(elr_after));
        puts(elr_after == seen_elr ? ", ELR_EL1 now the SVC's\n" : ", ELR_EL1 FAIL\n");
        (void)elr_before;
    }
    gicc_write(GICC_EOIR, iar);
}

/* ---- tests --------------------------------------------------------------------------------------- */
static void report(const char *what, const void *fn)
{
    puts(what);
    puts(": esr ");
    put_hex(seen_esr);
    puts(" from ");
    put_hex(seen_from);
    puts(" at +");
    put_hex(offset_in(seen_elr, fn));
    puts("\n");
}

static u64 run_el0(u64 (*fn)(u64), u64 arg) { return el0_call(fn, arg, el0_stack + sizeof el0_stack / sizeof el0_stack[0]); }

static void el1_faults(void)
{
    __asm__ volatile("svc #0x12" : : : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "memory");
    puts("el1 svc #0x12: esr ");
    put_hex(seen_esr);
    puts(" from ");
    put_hex(seen_from);
    puts("\n");
    u64 here;
    __asm__ volatile("adr %0, 1f\n1: brk #0x34" : "=r"(here));
    puts(seen_elr == here ? "el1 brk #0x34: esr " : "el1 brk ELR FAIL: esr ");
    put_hex(seen_esr);
    puts("\n");
    __asm__ volatile("adr %0, 1f\n1: udf #0x56" : "=r"(here));
    puts(seen_elr == here ? "el1 udf #0x56: esr " : "el1 udf ELR FAIL: esr ");
    put_hex(seen_esr);
    puts("\n");
}

/* Fetches QEMU's bus cannot answer abort; a device's registers are fetched like memory. */
static void calls_outside_ram(void)
{
    ((void (*)(void))0x0b000000UL)();
    puts("call to unmapped 0xb000000: esr ");
    put_hex(seen_esr);
    puts(seen_elr == 0x0b000000UL ? " at the target\n" : " ELR FAIL\n");
    ((void (*)(void))0x09000000UL)();
    puts("call to the PL011's data register: esr ");
    put_hex(seen_esr);
    puts(seen_elr == 0x09000000UL ? " at the target\n" : " ELR FAIL\n");
}

static void el0_faults(void)
{
    u64 r = run_el0(el0_syscall, 100);
    puts("el0 svc #7 (x0 = 100, x1..x7 = 1..7): x0 ");
    put_dec(el0_results[0]);
    puts(" x1 ");
    put_dec(el0_results[1]);
    puts(" x7 ");
    put_dec(el0_results[7]);
    puts(", then svc #0x1234: ");
    put_dec(r);
    puts(" from ");
    put_hex(seen_from);
    puts("\n");

    r = run_el0(el0_brk, 10);
    report("el0 brk #0x42", el0_brk);
    r += run_el0(el0_udf, 10);
    report("el0 udf #0x99", el0_udf);
    r += run_el0(el0_mrs_sctlr, 10);
    report("el0 mrs sctlr_el1", el0_mrs_sctlr);
    r += run_el0(el0_mrs_ctr, 10);
    report("el0 mrs ctr_el0", el0_mrs_ctr);
    r += run_el0(el0_dc_zva, 10);
    report("el0 dc zva", el0_dc_zva);
    puts("el0 functions returned ");
    put_dec(r);
    puts("\n");
}

static void irq_interplay(void)
{
    n_events = 0;
    gic_enable();
    gicd_write8(GICD_IPRIORITYR + SGI_TEST, 0x80);
    gicd_set_bit(GICD_ISENABLER(0), SGI_TEST);
    irq_enable();

    svc_inside_irq = 1;
    gicd_write(GICD_SGIR, (1u << 16) | SGI_TEST); /* to this CPU */
    for (int spins = 0; spins < 1000 && n_events == 0; spins++)
        __asm__ volatile("isb");
    svc_inside_irq = 0;
    puts("events: ");
    puts(events);
    puts("\n");

    n_events = 0;
    __asm__ volatile("str %w0, [%1]\n svc #0x78"
                     :
                     : "r"((1u << 16) | SGI_TEST), "r"(GICD_BASE + GICD_SGIR)
                     : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "memory");
    for (int spins = 0; spins < 1000 && n_events < 2; spins++)
        __asm__ volatile("isb");
    events[n_events] = 0;
    puts("an sgi pending as svc #0x78 is taken: ");
    puts(events);
    puts("\n");
    irq_disable();
}

int main(unsigned long dtb)
{
    (void)dtb;
    puts("virt_exceptions: start\n");
    use_trap_vectors();
    el1_faults();
    calls_outside_ram();
    el0_faults();
    irq_interplay();
    puts("virt_exceptions: done\n");
    firmware_exit(0);
}
