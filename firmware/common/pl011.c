/*
 * Console on the virt machine's PL011 at 0x09000000 (QEMU virt's UART0): overrides the harness console,
 * so the same program prints the same on armvirt and on qemu-system-aarch64 -M virt.
 */
#include "pl011.h"

void putc(char c)
{
    static int enabled;
    if (!enabled) {
        uart_write(UARTCR, UARTCR_UARTEN | UARTCR_TXE | UARTCR_RXE);
        enabled = 1;
    }
    while (uart_read(UARTFR) & UARTFR_TXFF)
        ;
    uart_write(UARTDR, (u32)(unsigned char)c);
}
