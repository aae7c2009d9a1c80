/*
 * Entry point of the C test programs.
 *
 * Entered at 0x40000000 at EL1h, MMU and caches off, with x0 = DTB address (preserved and passed
 * to main). Masks interrupts, sets up SP (top of a 64 KiB stack in .bss), VBAR_EL1, FP/SIMD access,
 * zeroes .bss, then calls `int main(unsigned long dtb)` and `firmware_exit(ret)` if it returns.
 */
    .section .text.start, "ax", %progbits
    .global _start
    .type _start, %function
_start:
    msr     daifset, #0xf           // mask D, A, I, F
    mov     x19, x0                 // keep the DTB address (callee-saved, untouched below)

    ldr     x1, =__stack_top
    mov     sp, x1

    ldr     x1, =exception_vectors
    msr     vbar_el1, x1

    mov     x1, #(3 << 20)          // CPACR_EL1.FPEN = 0b11: no FP/SIMD traps at EL0/EL1
    msr     cpacr_el1, x1
    isb

    /* Zero .bss (this includes the stack; nothing has been pushed yet). Bounds are 16-aligned. */
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:
    mov     x29, xzr                // terminate the frame-pointer chain
    mov     x30, xzr
    mov     x0, x19
    bl      main
    bl      firmware_exit           // w0 = main's return value; does not return
3:  wfi
    b       3b
    .size _start, . - _start

    .ltorg

    /* The boot stack: 64 KiB in .bss (zeroed with it), 16-byte aligned. */
    .section .bss.stack, "aw", %nobits
    .balign 16
    .global __stack_bottom, __stack_top
__stack_bottom:
    .space  0x10000
__stack_top:
