/* Stage 1 translation tables: see mmu.h. */
#include "mmu.h"

#define ENTRIES        (PAGE_SIZE / 8)
#define BITS_PER_LEVEL (GRANULE_SHIFT - 3)
/* 4 KiB: levels 1..3 for 39 bits; 64 KiB: levels 2..3 for 42 bits. */
#define START_LEVEL    (GRANULE_SHIFT == 12 ? 1 : 2)
#define TABLE_POOL     (GRANULE_SHIFT == 12 ? 32 : 8)

static u64 tables[TABLE_POOL][ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static int tables_used;
extern char __end[];
static u64 next_free_page;

static u64 *new_table(void)
{
    if (tables_used == TABLE_POOL) {
        puts("mmu: out of tables\n");
        firmware_exit(1);
    }
    return tables[tables_used++];
}

static unsigned index_at(u64 va, int level)
{
    return (unsigned)(va >> (GRANULE_SHIFT + (3 - level) * BITS_PER_LEVEL)) & (ENTRIES - 1);
}

static u64 *root(void)
{
    if (tables_used == 0)
        new_table();
    return tables[0];
}

static u64 *walk(u64 va, int create)
{
    u64 *table = root();
    for (int level = START_LEVEL; level < 3; level++) {
        u64 *entry = &table[index_at(va, level)];
        if (!(*entry & 1)) {
            if (!create)
                return 0;
            *entry = (u64)new_table() | PTE_VALID;
        }
        table = (u64 *)(*entry & PTE_ADDR_MASK);
    }
    return &table[index_at(va, 3)];
}

void mmu_map(u64 va, u64 pa, u64 attrs) { *walk(va, 1) = pa | attrs | PTE_VALID; }

u64 *mmu_pte(u64 va) { return walk(va, 0); }

void mmu_flush(u64 va)
{
    __asm__ volatile("dsb ishst\n tlbi vae1is, %0\n dsb ish\n isb" : : "r"((va >> 12) & ((1UL << 44) - 1)) : "memory");
}

void mmu_enable(void)
{
    u64 mair = 0xffUL | (0x00UL << 8);
    u64 tg0 = GRANULE_SHIFT == 12 ? 0UL : 1UL;
    /* T0SZ, IRGN0/ORGN0 write-back, SH0 inner, TG0, EPD1 (no TTBR1 walks), IPS 40 bits. */
    u64 tcr = (64 - VA_BITS) | (1UL << 8) | (1UL << 10) | (3UL << 12) | (tg0 << 14) | (1UL << 23) | (2UL << 32);
    __asm__ volatile("msr mair_el1, %0\n msr tcr_el1, %1\n msr ttbr0_el1, %2\n isb\n tlbi vmalle1\n dsb ish\n isb"
                     :
                     : "r"(mair), "r"(tcr), "r"(root())
                     : "memory");
    u64 sctlr;
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    sctlr |= 1;
    __asm__ volatile("msr sctlr_el1, %0\n isb" : : "r"(sctlr) : "memory");
}

u64 mmu_alloc_page(void)
{
    if (next_free_page == 0)
        next_free_page = ((u64)__end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    u64 page = next_free_page;
    next_free_page += PAGE_SIZE;
    memset((void *)page, 0, PAGE_SIZE);
    return page;
}
