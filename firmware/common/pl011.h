/*
 * The virt machine's PL011 UART at 0x09000000, SPI 1 (ARM DDI 0183G §3.2 register summary).
 */
#ifndef ARMVIRT_FIRMWARE_PL011_H
#define ARMVIRT_FIRMWARE_PL011_H

#include "lib.h"

#define UART0_BASE  0x09000000UL
#define UART0_INTID 33 /* SPI 1 */

#define UARTDR   0x000
#define UARTFR   0x018
#define UARTCR   0x030
#define UARTIMSC 0x038
#define UARTMIS  0x040
#define UARTICR  0x044

#define UARTFR_RXFE   (1u << 4)
#define UARTFR_TXFF   (1u << 5)
#define UARTCR_UARTEN (1u << 0)
#define UARTCR_TXE    (1u << 8)
#define UARTCR_RXE    (1u << 9)
#define UART_INT_RX   (1u << 4)
#define UART_INT_RT   (1u << 6)

static inline u32 uart_read(unsigned long reg) { return mmio_read32(UART0_BASE + reg); }
static inline void uart_write(unsigned long reg, u32 value) { mmio_write32(UART0_BASE + reg, value); }

#endif
