/*
 * spin.elf: the CPU-bound benchmark loop. Entered at 0x40000000 with x25 = iteration count
 * (preset by the host; must be > 0). Four instructions per iteration; when x25 reaches 0 it calls
 * PSCI SYSTEM_OFF (hvc #0, x0 = 0x84000008, x1 = 0).
 */
    .section .text.start, "ax", %progbits
    .global _start
    .type _start, %function
_start:
1:  add     x1, x1, #1
    eor     x2, x2, x1
    subs    x25, x25, #1
    b.ne    1b

    movz    x0, #0x8400, lsl #16
    movk    x0, #0x0008             // x0 = 0x84000008 (PSCI SYSTEM_OFF)
    mov     x1, #0                  // exit code 0
    hvc     #0
2:  b       2b
    .size _start, . - _start
