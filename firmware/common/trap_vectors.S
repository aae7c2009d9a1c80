/*
 * The vector table of trap.h. Every entry saves the whole trap frame on SP_EL1 and calls the handler with
 * the frame (and, for synchronous exceptions, the entry's offset: where the exception came from); the
 * shared tail restores every register from the frame, so handlers can change them, and returns with ERET.
 */
#define FRAME       288                 /* struct trap_frame: 36 doublewords */
#define F_X30       (30 * 8)
#define F_ELR       (31 * 8)
#define F_ESR       (33 * 8)
#define F_SP_EL0    (35 * 8)

    .macro save_frame
    sub     sp, sp, #FRAME
    stp     x0, x1, [sp, #0x00]
    stp     x2, x3, [sp, #0x10]
    stp     x4, x5, [sp, #0x20]
    stp     x6, x7, [sp, #0x30]
    stp     x8, x9, [sp, #0x40]
    stp     x10, x11, [sp, #0x50]
    stp     x12, x13, [sp, #0x60]
    stp     x14, x15, [sp, #0x70]
    stp     x16, x17, [sp, #0x80]
    stp     x18, x19, [sp, #0x90]
    stp     x20, x21, [sp, #0xa0]
    stp     x22, x23, [sp, #0xb0]
    stp     x24, x25, [sp, #0xc0]
    stp     x26, x27, [sp, #0xd0]
    stp     x28, x29, [sp, #0xe0]
    str     x30, [sp, #F_X30]
    .endm

    .macro sync_entry from
    .balign 0x80
    save_frame
    mov     x1, #\from
    b       sync_common
    .endm

    .macro irq_entry
    .balign 0x80
    save_frame
    b       irq_common
    .endm

    .macro hang_entry
    .balign 0x80
1:  wfi
    b       1b
    .endm

    .section .text.trap_vectors, "ax", %progbits
    .balign 0x800
    .global trap_vectors
trap_vectors:
    sync_entry 0x000
    irq_entry
    hang_entry
    hang_entry
    sync_entry 0x200
    irq_entry
    hang_entry
    hang_entry
    sync_entry 0x400
    irq_entry
    hang_entry
    hang_entry
    hang_entry
    hang_entry
    hang_entry
    hang_entry

    .text
sync_common:
    bl      save_system_registers
    mov     x0, sp
    bl      handle_sync
    b       restore_frame

irq_common:
    bl      save_system_registers
    mov     x0, sp
    bl      handle_irq
    b       restore_frame

save_system_registers:
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #F_ELR]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #F_ESR]
    mrs     x2, sp_el0
    str     x2, [sp, #F_SP_EL0]
    ret

restore_frame:
    ldp     x2, x3, [sp, #F_ELR]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldr     x2, [sp, #F_SP_EL0]
    msr     sp_el0, x2
    ldp     x0, x1, [sp, #0x00]
    ldp     x2, x3, [sp, #0x10]
    ldp     x4, x5, [sp, #0x20]
    ldp     x6, x7, [sp, #0x30]
    ldp     x8, x9, [sp, #0x40]
    ldp     x10, x11, [sp, #0x50]
    ldp     x12, x13, [sp, #0x60]
    ldp     x14, x15, [sp, #0x70]
    ldp     x16, x17, [sp, #0x80]
    ldp     x18, x19, [sp, #0x90]
    ldp     x20, x21, [sp, #0xa0]
    ldp     x22, x23, [sp, #0xb0]
    ldp     x24, x25, [sp, #0xc0]
    ldp     x26, x27, [sp, #0xd0]
    ldp     x28, x29, [sp, #0xe0]
    ldr     x30, [sp, #F_X30]
    add     sp, sp, #FRAME
    eret

/* u64 el0_call(u64 (*fn)(u64), u64 arg, void *stack_top) */
    .global el0_call
el0_call:
    sub     sp, sp, #96
    stp     x19, x20, [sp, #0x00]
    stp     x21, x22, [sp, #0x10]
    stp     x23, x24, [sp, #0x20]
    stp     x25, x26, [sp, #0x30]
    stp     x27, x28, [sp, #0x40]
    stp     x29, x30, [sp, #0x50]
    mov     x9, sp
    adrp    x10, el1_resume_sp
    str     x9, [x10, :lo12:el1_resume_sp]
    msr     sp_el0, x2
    msr     elr_el1, x0
    msr     spsr_el1, xzr           /* EL0t, D/A/I/F clear */
    mov     x0, x1
    adrp    x30, el0_exit
    add     x30, x30, :lo12:el0_exit
    eret

/* void el0_return(u64 value): from the exit SVC's handler, at EL1 */
    .global el0_return
el0_return:
    adrp    x10, el1_resume_sp
    ldr     x9, [x10, :lo12:el1_resume_sp]
    mov     sp, x9
    ldp     x19, x20, [sp, #0x00]
    ldp     x21, x22, [sp, #0x10]
    ldp     x23, x24, [sp, #0x20]
    ldp     x25, x26, [sp, #0x30]
    ldp     x27, x28, [sp, #0x40]
    ldp     x29, x30, [sp, #0x50]
    add     sp, sp, #96
    ret

/* Where an EL0 function returns to: in EL0's own pages. */
    .section .el0_text, "ax", %progbits
el0_exit:
    svc     #0xfff

    .bss
    .balign 8
el1_resume_sp:
    .skip   8
