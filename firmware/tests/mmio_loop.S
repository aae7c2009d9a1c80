/*
 * mmio_loop.elf / ram_loop.elf / ptr_loop.elf: the load-latency benchmark loops. Entered at
 * 0x40000000 with x25 = iteration count (preset by the host; must be > 0). Each iteration does one
 * 32-bit load from LOOP_BASE; when x25 reaches 0 it calls PSCI SYSTEM_OFF (hvc #0,
 * x0 = 0x84000008, x1 = 0).
 *
 * This one file is the source of all three programs so that they are instruction-for-instruction
 * identical except the base address (a single MOVZ):
 *   mmio_loop.S  LOOP_BASE = 0x0a000000  harness device ECHO register (an MMIO callback)
 *   ram_loop.S   LOOP_BASE = 0x40100000  RAM
 *   ptr_loop.S   LOOP_BASE = 0x0a100000  a device region mapped as a host pointer
 */
#ifndef LOOP_BASE
#define LOOP_BASE 0x0a000000
#endif

    .if (LOOP_BASE & 0xffff) != 0 || (LOOP_BASE >> 32) != 0
    .error "LOOP_BASE must be a 64 KiB-aligned address below 4 GiB (one MOVZ)"
    .endif

    .section .text.start, "ax", %progbits
    .global _start
    .type _start, %function
_start:
    movz    x0, #(LOOP_BASE >> 16), lsl #16
1:  ldr     w1, [x0]
    subs    x25, x25, #1
    b.ne    1b

    movz    x0, #0x8400, lsl #16
    movk    x0, #0x0008             // x0 = 0x84000008 (PSCI SYSTEM_OFF)
    mov     x1, #0                  // exit code 0
    hvc     #0
2:  b       2b
    .size _start, . - _start
