/*
 * Entry of gdb_mmu.elf: turns the MMU on and continues at a kernel-style virtual address.
 *
 * Entered at 0x40000000 (physical, MMU off) at EL1h with x0 = DTB address. Builds 4K-granule tables for
 * 39-bit virtual addresses, sets MAIR/TCR/TTBRs, enables the MMU and caches, and jumps to high_start,
 * linked at VA = PA + 0xffffff8000000000 (tests/gdb_mmu.ld):
 *   TTBR0: level 1 blocks, identity: [0, 1G) device (the PL011), [1G, 2G) normal (this boot code)
 *   TTBR1: level 1 -> level 2 -> level 3: 512 4K pages mapping VA 0xffffff8040000000.. to PA 0x40000000..
 * high_start sets SP, VBAR_EL1 and FP/SIMD access, zeroes .bss and calls main(dtb), then firmware_exit.
 */
#define PAGE            0x1000
#define DEVICE_BLOCK    0x401                   /* AF | block, AttrIndx 0 (device nGnRnE) */
#define NORMAL_BLOCK    0x705                   /* AF | inner shareable | AttrIndx 1 | block */
#define NORMAL_PAGE     0x707                   /* the same as a level 3 page */
#define TABLE           0x3
#define MAIR_VALUE      0xff00                  /* attr0 device nGnRnE, attr1 normal write-back */
/* T0SZ = T1SZ = 25 (39-bit), write-back inner shareable walks, TG0 4K, TG1 4K, IPS 40 bits */
#define TCR_VALUE       (25 | (1 << 8) | (1 << 10) | (3 << 12) | (25 << 16) | (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30) | (2 << 32))
#define SCTLR_MMU_ON    ((1 << 0) | (1 << 2) | (1 << 12))   /* M, C, I */

    .section .text.boot, "ax", %progbits
    .global _start
    .type _start, %function
_start:
    msr     daifset, #0xf
    mov     x19, x0                         // the DTB address, for main

    adr     x1, __tables_start              // zero the four tables
    add     x2, x1, #4 * PAGE
1:  stp     xzr, xzr, [x1], #16
    cmp     x1, x2
    b.lo    1b

    adr     x20, __tables_start             // x20: TTBR0 level 1
    add     x21, x20, #PAGE                 // x21: TTBR1 level 1
    add     x22, x21, #PAGE                 // x22: TTBR1 level 2
    add     x23, x22, #PAGE                 // x23: TTBR1 level 3

    mov     x1, #DEVICE_BLOCK               // TTBR0 [0] = [0, 1G) device
    str     x1, [x20]
    ldr     x1, =(0x40000000 | NORMAL_BLOCK) // TTBR0 [1] = [1G, 2G) normal
    str     x1, [x20, #8]
    orr     x1, x22, #TABLE                 // TTBR1 level 1 [1] -> level 2
    str     x1, [x21, #8]
    orr     x1, x23, #TABLE                 // TTBR1 level 2 [0] -> level 3
    str     x1, [x22]
    ldr     x1, =(0x40000000 | NORMAL_PAGE)  // level 3 [i] = PA 0x40000000 + i * 4K
    mov     x2, #0
2:  str     x1, [x23, x2, lsl #3]
    add     x1, x1, #PAGE
    add     x2, x2, #1
    cmp     x2, #512
    b.lo    2b

    ldr     x1, =MAIR_VALUE
    msr     mair_el1, x1
    ldr     x1, =TCR_VALUE
    msr     tcr_el1, x1
    msr     ttbr0_el1, x20
    msr     ttbr1_el1, x21
    dsb     sy
    isb
    tlbi    vmalle1
    dsb     sy
    isb
    mrs     x1, sctlr_el1
    ldr     x2, =SCTLR_MMU_ON
    orr     x1, x1, x2
    msr     sctlr_el1, x1
    isb

    ldr     x1, =high_start                 // a virtual address through TTBR1
    br      x1
    .size _start, . - _start
    .ltorg

    .text
    .type high_start, %function
high_start:
    ldr     x1, =__stack_top
    mov     sp, x1
    ldr     x1, =exception_vectors
    msr     vbar_el1, x1
    mov     x1, #(3 << 20)                  // CPACR_EL1.FPEN: no FP/SIMD traps
    msr     cpacr_el1, x1
    isb
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
3:  cmp     x1, x2
    b.hs    4f
    stp     xzr, xzr, [x1], #16
    b       3b
4:  mov     x29, xzr
    mov     x30, xzr
    mov     x0, x19
    bl      main
    bl      firmware_exit
5:  wfi
    b       5b
    .size high_start, . - high_start
    .ltorg

    .section .bss.stack, "aw", %nobits
    .balign 16
    .space  0x4000
__stack_top:
