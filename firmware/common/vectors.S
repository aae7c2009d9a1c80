/*
 * The EL1 exception vector table (VBAR_EL1): 16 entries of 0x80 bytes, 2 KiB aligned.
 *
 *   kind  offset  source
 *    0    0x000   current EL, SP0   synchronous      -> unexpected_exception
 *    1    0x080   current EL, SP0   IRQ              -> irq_handler
 *    2    0x100   current EL, SP0   FIQ              -> fiq_handler
 *    3    0x180   current EL, SP0   SError           -> unexpected_exception
 *    4    0x200   current EL, SPx   synchronous      -> unexpected_exception
 *    5    0x280   current EL, SPx   IRQ              -> irq_handler
 *    6    0x300   current EL, SPx   FIQ              -> fiq_handler
 *    7    0x380   current EL, SPx   SError           -> unexpected_exception
 *    8    0x400   lower EL, AArch64 synchronous      -> unexpected_exception
 *    9    0x480   lower EL, AArch64 IRQ              -> unexpected_exception
 *   10    0x500   lower EL, AArch64 FIQ              -> unexpected_exception
 *   11    0x580   lower EL, AArch64 SError           -> unexpected_exception
 *   12-15 0x600.. lower EL, AArch32 (same order)     -> unexpected_exception
 *
 * "kind" is what unexpected_exception() receives as its first argument (= offset / 0x80).
 *
 * IRQ/FIQ entries save the AAPCS64 caller-saved state (x0-x18, x29, x30) plus ELR_EL1 and SPSR_EL1
 * on the (SP_EL1) stack, call the C handler, restore everything and ERET. The C handler runs with
 * IRQ and FIQ masked (as set by exception entry). It may unmask IRQs to let a higher-priority interrupt
 * preempt it, since ELR_EL1 and SPSR_EL1 are saved by then, but must mask them again before returning.
 */

#define FRAME_SIZE  (24 * 8)        /* 21 GPRs + ELR + SPSR + pad = 192 bytes, 16-aligned */

    .macro save_caller_saved
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0x00]
    stp     x2, x3, [sp, #0x10]
    stp     x4, x5, [sp, #0x20]
    stp     x6, x7, [sp, #0x30]
    stp     x8, x9, [sp, #0x40]
    stp     x10, x11, [sp, #0x50]
    stp     x12, x13, [sp, #0x60]
    stp     x14, x15, [sp, #0x70]
    stp     x16, x17, [sp, #0x80]
    stp     x18, x29, [sp, #0x90]
    mrs     x0, elr_el1
    mrs     x1, spsr_el1
    stp     x30, x0, [sp, #0xa0]
    str     x1, [sp, #0xb0]
    .endm

    /* An IRQ/FIQ entry: save, call the handler, restore and eret (in the shared tail). */
    .macro irq_entry handler
    .balign 0x80
    save_caller_saved
    bl      \handler
    b       exception_return
    .endm

    /* A fatal entry: report kind, ESR, ELR, FAR; unexpected_exception() does not return. */
    .macro fatal_entry kind
    .balign 0x80
    mov     x0, #\kind
    mrs     x1, esr_el1
    mrs     x2, elr_el1
    mrs     x3, far_el1
    bl      unexpected_exception
1:  wfi
    b       1b
    .endm

    .section .text.vectors, "ax", %progbits
    .balign 0x800
    .global exception_vectors
    .type exception_vectors, %function
exception_vectors:
    /* current EL with SP0 */
    fatal_entry 0
    irq_entry   irq_handler
    irq_entry   fiq_handler
    fatal_entry 3
    /* current EL with SPx */
    fatal_entry 4
    irq_entry   irq_handler
    irq_entry   fiq_handler
    fatal_entry 7
    /* lower EL, AArch64 */
    fatal_entry 8
    fatal_entry 9
    fatal_entry 10
    fatal_entry 11
    /* lower EL, AArch32 */
    fatal_entry 12
    fatal_entry 13
    fatal_entry 14
    fatal_entry 15
    .balign 0x80
    .size exception_vectors, . - exception_vectors

    .text
    .type exception_return, %function
exception_return:
    ldr     x1, [sp, #0xb0]
    ldp     x30, x0, [sp, #0xa0]
    msr     spsr_el1, x1
    msr     elr_el1, x0
    ldp     x18, x29, [sp, #0x90]
    ldp     x16, x17, [sp, #0x80]
    ldp     x14, x15, [sp, #0x70]
    ldp     x12, x13, [sp, #0x60]
    ldp     x10, x11, [sp, #0x50]
    ldp     x8, x9, [sp, #0x40]
    ldp     x6, x7, [sp, #0x30]
    ldp     x4, x5, [sp, #0x20]
    ldp     x2, x3, [sp, #0x10]
    ldp     x0, x1, [sp, #0x00]
    add     sp, sp, #FRAME_SIZE
    eret
    .size exception_return, . - exception_return
