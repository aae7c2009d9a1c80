/*
 * virt machine test: PL011 input. A line read by polling UARTFR is echoed in upper case; then text read in
 * the receive interrupt handler (SPI 1 through the GIC, one character per interrupt: the FIFO stays off,
 * as a holding register) is echoed with its case swapped until a '.'.
 *
 * The echo depends only on the characters, not on when they arrive, so armvirt's output (input injected
 * by the test) must equal QEMU's (input piped to -nographic's stdio).
 */
#include "gic.h"
#include "pl011.h"

#define RING 64
static volatile char ring[RING];
static volatile u32 ring_head, ring_tail;

static char upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 32) : c; }
static char swap_case(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 32) : c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

/* Drains the receive holding register into the ring; the read clears the receive interrupt. */
void irq_handler(void)
{
    u32 iar = gicc_read(GICC_IAR);
    if ((iar & 0x3ff) == UART0_INTID) {
        while (!(uart_read(UARTFR) & UARTFR_RXFE)) {
            ring[ring_head % RING] = (char)uart_read(UARTDR);
            ring_head++;
        }
        uart_write(UARTICR, UART_INT_RX | UART_INT_RT);
    }
    if ((iar & 0x3ff) != INTID_SPURIOUS)
        gicc_write(GICC_EOIR, iar);
}

static char ring_get(void)
{
    for (;;) {
        irq_disable();
        if (ring_tail != ring_head) {
            char c = ring[ring_tail % RING];
            ring_tail++;
            irq_enable();
            return c;
        }
        wfi(); /* with IRQs masked: an interrupt still ends WFI, and is taken once unmasked */
        irq_enable();
    }
}

static void polled_line(void)
{
    u32 count = 0;
    for (;;) {
        while (uart_read(UARTFR) & UARTFR_RXFE)
            ;
        char c = (char)uart_read(UARTDR);
        if (c == '\r' || c == '\n')
            break;
        putc(upper(c));
        count++;
    }
    puts("\npoll: ");
    put_dec(count);
    puts(" chars\n");
}

static void interrupt_driven_text(void)
{
    gic_enable();
    gicd_write8(GICD_IPRIORITYR + UART0_INTID, 0x80);
    gicd_set_bit(GICD_ISENABLER(0), UART0_INTID);
    uart_write(UARTIMSC, UART_INT_RX | UART_INT_RT);
    irq_enable();
    puts("irq: ready\n");

    u32 count = 0, lines = 0;
    for (;;) {
        char c = ring_get();
        if (c == '.')
            break;
        if (c == '\r')
            continue;
        putc(swap_case(c));
        count++;
        if (c == '\n')
            lines++;
    }
    irq_disable();
    uart_write(UARTIMSC, 0);
    puts("\nirq: ");
    put_dec(count);
    puts(" chars, ");
    put_dec(lines);
    puts(" newlines\n");
}

int main(unsigned long dtb)
{
    (void)dtb;
    puts("virt_uart: start\n");
    polled_line();
    interrupt_driven_text();
    puts("virt_uart: done\n");
    return 0;
}
