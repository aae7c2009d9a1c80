/*
 * virt machine test: demand paging with the MMU on, built for the 4 KiB (GRANULE_SHIFT=12) and the 64 KiB
 * (GRANULE_SHIFT=16) granule. Translation, permission and access-flag faults at EL1 and EL0, each fixed by
 * the handler and retried after its TLBI; instruction aborts on an unmapped and on an execute-never page;
 * alignment faults once SCTLR_EL1.A is set. Each line states what the handler saw, so armvirt's UART output
 * must equal QEMU's for the same ELF.
 */
#include "mmu.h"
#include "trap.h"

#define UART_PAGE  0x09000000UL
#define DEMAND_EL1 0x80000000UL /* nothing mapped: pages appear on first touch */
#define DEMAND_EL0 0x90000000UL /* the same for EL0, mapped EL0 read/write */
#define NO_CODE    0xa0000000UL /* never mapped */
#define GRANTABLE  0xc0000000UL /* from here on, a permission fault on a write is fixed by granting it */
#define RO_EL1     0xc0000000UL
#define RO_EL0     0xc1000000UL
#define NO_AF_EL1  0xd0000000UL
#define NO_AF_EL0  0xd1000000UL
#define CODE_PXN   0xe0000000UL /* a page holding `ret`, execute-never at EL1 */
#define CODE_EL1   0xe1000000UL /* the same page, executable at EL1 */
#define CODE_UXN   0xe2000000UL /* the same page, execute-never at EL0 */

extern char __text_start[], __el0_text_start[], __el0_text_end[], __data_start[], __data_end[];
extern char __el0_data_start[], __el0_data_end[], __end[];

static volatile u64 seen_esr, seen_far, seen_from;
static volatile int faults;

/* ---- EL0 code and data ------------------------------------------------------------------------- */
EL0_DATA static u64 el0_stack[512] __attribute__((aligned(16)));

EL0_TEXT static u64 el0_touch_demand(u64 pages)
{
    u64 sum = 0;
    for (u64 i = 0; i < pages; i++) {
        volatile u64 *p = (volatile u64 *)(DEMAND_EL0 + i * PAGE_SIZE + 8 * i);
        *p = 0x100 + i;
        sum += *p;
    }
    return sum;
}

EL0_TEXT static u64 el0_write(u64 address)
{
    *(volatile u64 *)address = 0x5a;
    return *(volatile u64 *)address;
}

EL0_TEXT static u64 el0_read(u64 address) { return *(volatile u64 *)address; }

EL0_TEXT static u64 el0_call_address(u64 address)
{
    ((void (*)(void))address)();
    return 7;
}

/* ---- the fault handler --------------------------------------------------------------------------- */
void handle_sync(struct trap_frame *f, u64 from)
{
    u32 ec = esr_ec(f->esr);
    if (ec == EC_SVC64 && (f->esr & 0xffff) == SVC_EL0_EXIT)
        el0_return(f->x[0]);
    seen_esr = f->esr;
    seen_far = f->far;
    seen_from = from;
    faults++;
    u64 page = f->far & ~(PAGE_SIZE - 1);
    u32 kind = esr_fsc(f->esr) & 0x3c;
    if (ec == EC_DABT_SAME || ec == EC_DABT_LOWER) {
        if (kind == 0x04 && (page >= DEMAND_EL0 && page < NO_CODE)) { /* translation fault: demand paging */
            mmu_map(page, mmu_alloc_page(), PTE_NORMAL | PTE_SH_INNER | PTE_AF | PTE_AP_RW | PTE_PXN | PTE_UXN);
        } else if (kind == 0x04 && page >= DEMAND_EL1 && page < DEMAND_EL0) {
            mmu_map(page, mmu_alloc_page(), PTE_NORMAL | PTE_SH_INNER | PTE_AF | PTE_AP_EL1_RW | PTE_UXN);
        } else if (kind == 0x08) { /* access flag */
            *mmu_pte(page) |= PTE_AF;
        } else if (kind == 0x0c && page >= GRANTABLE) { /* permission: grant the write */
            u64 *pte = mmu_pte(page);
            *pte = (*pte & ~PTE_AP_MASK) | ((*pte & PTE_AP_MASK) == PTE_AP_RO ? PTE_AP_RW : PTE_AP_EL1_RW);
        } else {
            f->elr += 4; /* not ours to fix: skip the access */
            return;
        }
        mmu_flush(page);
        return; /* retry the access */
    }
    if (ec == EC_IABT_SAME || ec == EC_IABT_LOWER) {
        f->elr = f->x[30]; /* back to whoever branched there */
        return;
    }
    f->elr += 4;
}

void handle_irq(struct trap_frame *f) { (void)f; }

/* ---- set-up -------------------------------------------------------------------------------------- */
static void map_range(char *start, char *end, u64 attrs)
{
    for (u64 va = (u64)start; va < (u64)end; va += PAGE_SIZE)
        mmu_map(va, va, attrs);
}

static void build_tables(void)
{
    u64 normal = PTE_NORMAL | PTE_SH_INNER | PTE_AF;
    map_range(__text_start, __el0_text_start, normal | PTE_AP_EL1_RO | PTE_UXN);
    map_range(__el0_text_start, __el0_text_end, normal | PTE_AP_RO);
    map_range(__data_start, __data_end, normal | PTE_AP_EL1_RW | PTE_PXN | PTE_UXN);
    map_range(__el0_data_start, __el0_data_end, normal | PTE_AP_RW | PTE_PXN | PTE_UXN);
    map_range(__end, __end + 64 * PAGE_SIZE, normal | PTE_AP_EL1_RW | PTE_PXN | PTE_UXN); /* the page pool */
    mmu_map(UART_PAGE, UART_PAGE, PTE_DEVICE | PTE_AF | PTE_AP_EL1_RW | PTE_PXN | PTE_UXN);
}

static void report(const char *what)
{
    puts(what);
    puts(": esr ");
    put_hex(seen_esr);
    puts(" far ");
    put_hex(seen_far);
    puts(" from ");
    put_hex(seen_from);
    puts("\n");
}

static u64 run_el0(u64 (*fn)(u64), u64 arg) { return el0_call(fn, arg, el0_stack + sizeof el0_stack / sizeof el0_stack[0]); }

static void set_alignment_check(int on)
{
    u64 sctlr;
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    sctlr = on ? sctlr | (1UL << 1) : sctlr & ~(1UL << 1);
    __asm__ volatile("msr sctlr_el1, %0\n isb" : : "r"(sctlr) : "memory");
}

/* ---- tests --------------------------------------------------------------------------------------- */
static void data_faults(void)
{
    volatile u64 *p = (volatile u64 *)(DEMAND_EL1 + 0x128);
    *p = 0x1234;
    report("el1 write to an unmapped page");
    puts(*p == 0x1234 ? "  mapped by the handler, retried: read back ok\n" : "  read back FAIL\n");
    int before = faults;
    u64 sum = 0;
    for (int i = 1; i <= 4; i++)
        sum += *(volatile u64 *)(DEMAND_EL1 + i * PAGE_SIZE);
    report("el1 reads of 4 more pages");
    puts("  faults ");
    put_dec(faults - before);
    puts(", sum ");
    put_dec(sum);
    puts("\n");

    u64 r = run_el0(el0_touch_demand, 3);
    report("el0 writes to 3 unmapped pages");
    puts("  el0 read back sum ");
    put_dec(r);
    puts("\n");

    mmu_map(RO_EL1, mmu_alloc_page(), PTE_NORMAL | PTE_SH_INNER | PTE_AF | PTE_AP_EL1_RO | PTE_PXN | PTE_UXN);
    *(volatile u64 *)(RO_EL1 + 0x10) = 0x77;
    report("el1 write to a read-only page");
    puts(*(volatile u64 *)(RO_EL1 + 0x10) == 0x77 ? "  write granted, retried: ok\n" : "  FAIL\n");

    mmu_map(RO_EL0, mmu_alloc_page(), PTE_NORMAL | PTE_SH_INNER | PTE_AF | PTE_AP_RO | PTE_PXN | PTE_UXN);
    r = run_el0(el0_write, RO_EL0 + 0x20);
    report("el0 write to a read-only page");
    puts(r == 0x5a ? "  write granted, retried: ok\n" : "  FAIL\n");

    before = faults;
    r = run_el0(el0_read, (u64)&seen_esr);
    report("el0 read of an el1-only page");
    puts(faults == before + 1 ? "  skipped by the handler\n" : "  FAIL\n");

    mmu_map(NO_AF_EL1, mmu_alloc_page(), PTE_NORMAL | PTE_SH_INNER | PTE_AP_EL1_RW | PTE_PXN | PTE_UXN);
    r = *(volatile u64 *)(NO_AF_EL1 + 0x30);
    report("el1 read of a page without the access flag");
    mmu_map(NO_AF_EL0, mmu_alloc_page(), PTE_NORMAL | PTE_SH_INNER | PTE_AP_RW | PTE_PXN | PTE_UXN);
    r = run_el0(el0_write, NO_AF_EL0 + 0x40);
    report("el0 write to a page without the access flag");
    puts(r == 0x5a ? "  flag set, retried: ok\n" : "  FAIL\n");
}

static void instruction_aborts(void)
{
    ((void (*)(void))NO_CODE)();
    report("el1 call to an unmapped address");

    u64 page = mmu_alloc_page();
    *(volatile u32 *)page = 0xd65f03c0; /* ret */
    __asm__ volatile("dc cvau, %0\n dsb ish\n ic iallu\n dsb ish\n isb" : : "r"(page) : "memory");
    mmu_map(CODE_PXN, page, PTE_NORMAL | PTE_SH_INNER | PTE_AF | PTE_AP_EL1_RO | PTE_PXN | PTE_UXN);
    mmu_map(CODE_EL1, page, PTE_NORMAL | PTE_SH_INNER | PTE_AF | PTE_AP_EL1_RO | PTE_UXN);
    mmu_map(CODE_UXN, page, PTE_NORMAL | PTE_SH_INNER | PTE_AF | PTE_AP_RO | PTE_UXN);
    int before = faults;
    ((void (*)(void))CODE_EL1)();
    puts(faults == before ? "el1 call to an executable page: returned\n" : "el1 call to an executable page: FAIL\n");
    ((void (*)(void))CODE_PXN)();
    report("el1 call to an execute-never page");
    u64 r = run_el0(el0_call_address, CODE_UXN);
    report("el0 call to an execute-never page");
    r += run_el0(el0_call_address, NO_CODE);
    report("el0 call to an unmapped address");
    puts("  el0 carried on: ");
    put_dec(r);
    puts("\n");
}

static void report_alignment(const char *what, int faults_before, u64 loaded)
{
    if (faults == faults_before) {
        puts(what);
        puts(": no fault, loaded ");
        put_hex(loaded);
        puts("\n");
    } else {
        report(what);
    }
}

static void alignment_faults(void)
{
    u64 base = DEMAND_EL1 + 0x100; /* mapped by now */
    *(volatile u64 *)base = 0x1122334455667788UL;
    *(volatile u64 *)(base + 8) = 0x99aabbccddeeff00UL;
    u64 v;
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(base + 3) : "memory");
    report_alignment("el1 unaligned load with SCTLR_EL1.A clear", faults, v);
    set_alignment_check(1);
    int before = faults;
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(base + 3) : "memory");
    report_alignment("el1 unaligned load with SCTLR_EL1.A set", before, v);
    before = faults;
    v = run_el0(el0_read, (u64)el0_stack + 4);
    report_alignment("el0 unaligned load with SCTLR_EL1.A set", before, v);
    set_alignment_check(0);
}

int main(unsigned long dtb)
{
    (void)dtb;
    puts(GRANULE_SHIFT == 12 ? "virt_paging (4 KiB granule): start\n" : "virt_paging (64 KiB granule): start\n");
    use_trap_vectors();
    build_tables();
    mmu_enable();
    puts("mmu on\n");
    data_faults();
    instruction_aborts();
    puts("faults taken: ");
    put_dec(faults);
    puts("\n");
    alignment_faults();
    puts("virt_paging: done\n");
    firmware_exit(0);
}
