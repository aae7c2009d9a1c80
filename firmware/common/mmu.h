/*
 * Stage 1 translation tables for EL1&0 (TTBR0_EL1), for programs built with GRANULE_SHIFT 12 (4 KiB pages,
 * 39-bit VAs, levels 1-3) or 16 (64 KiB pages, 42-bit VAs, levels 2-3). Tables come from a static pool;
 * mappings are one page at a time. Arm ARM D8 (VMSAv8-64).
 */
#ifndef ARMVIRT_FIRMWARE_MMU_H
#define ARMVIRT_FIRMWARE_MMU_H

#include "lib.h"

#ifndef GRANULE_SHIFT
#error "build with -DGRANULE_SHIFT=12 or 16"
#endif

#define PAGE_SIZE (1UL << GRANULE_SHIFT)
#define VA_BITS   (GRANULE_SHIFT == 12 ? 39 : 42)

/* Lower and upper attributes of a page descriptor. */
#define PTE_VALID     (3UL << 0) /* a page (level 3) or table descriptor */
#define PTE_NORMAL    (0UL << 2) /* MAIR index 0: normal write-back memory */
#define PTE_DEVICE    (1UL << 2) /* MAIR index 1: Device-nGnRnE */
#define PTE_AP_EL1_RW (0UL << 6)
#define PTE_AP_RW     (1UL << 6) /* EL1 and EL0 read/write (implies PXN) */
#define PTE_AP_EL1_RO (2UL << 6)
#define PTE_AP_RO     (3UL << 6) /* EL1 and EL0 read-only */
#define PTE_AP_MASK   (3UL << 6)
#define PTE_SH_INNER  (3UL << 8)
#define PTE_AF        (1UL << 10)
#define PTE_PXN       (1UL << 53)
#define PTE_UXN       (1UL << 54)
#define PTE_ADDR_MASK (((1UL << 48) - 1) & ~(PAGE_SIZE - 1))

/* Maps the page at `va` to `pa` with `attrs` (PTE_VALID is added). */
void mmu_map(u64 va, u64 pa, u64 attrs);
/* The level-3 descriptor of `va`, or 0 when a table on the way is missing. */
u64 *mmu_pte(u64 va);
/* Invalidates the TLB entries of `va` at EL1&0 and synchronizes: after changing its descriptor. */
void mmu_flush(u64 va);
/* Programs MAIR, TCR and TTBR0_EL1 and turns the MMU on (caches stay as they are). */
void mmu_enable(void);
/* A zeroed page from a pool in free RAM (above the image), for page-fault handlers. */
u64 mmu_alloc_page(void);

#endif
