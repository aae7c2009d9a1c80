/*
 * Console on the virt machine's PL011 at 0x09000000 (QEMU virt's UART0): overrides the harness console,
 * so the same program prints the same on armvirt and on qemu-system-aarch64 -M virt.
 */
#include "lib.h"

#define UART0_BASE 0x09000000UL
#define UARTDR 0x000
#define UARTFR 0x018
#define UARTCR 0x030
#define UARTFR_TXFF (1u << 5)
#define UARTCR_UARTEN (1u << 0)
#define UARTCR_TXE (1u << 8)

void putc(char c)
{
    static int enabled;
    if (!enabled) {
        mmio_write32(UART0_BASE + UARTCR, UARTCR_UARTEN | UARTCR_TXE);
        enabled = 1;
    }
    while (mmio_read32(UART0_BASE + UARTFR) & UARTFR_TXFF)
        ;
    mmio_write32(UART0_BASE + UARTDR, (u32)(unsigned char)c);
}
