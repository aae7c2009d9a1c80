/*
 * Tiny freestanding helpers for the armvirt bare-metal test programs.
 */
#ifndef ARMVIRT_FIRMWARE_LIB_H
#define ARMVIRT_FIRMWARE_LIB_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t u32;
typedef uint64_t u64;

/* ---- the test harness device (provided by the VMM's TS tests) ---------------------------------- */
#define HARNESS_BASE           0x0a000000UL
#define HARNESS_ECHO           0x00 /* W: store; R: stored value ^ 0xffffffff              */
#define HARNESS_IRQ_LINE       0x04 /* W: 1 raises the CPU IRQ line, 0 lowers it           */
#define HARNESS_TIMER_NS       0x08 /* W: N>0 arms a one-shot deadline N virtual ns ahead   */
#define HARNESS_STATUS         0x0c /* R: bit0 timer fired; W: 1 to bit0 clears it (W1C)   */
#define HARNESS_PUTC           0x10 /* W: one output byte                                   */
#define HARNESS_IRQ_COUNT_SEEN 0x14 /* W: number of IRQs the guest handled                  */
#define HARNESS_STATUS_TIMER   (1u << 0)

/* ---- PSCI ------------------------------------------------------------------------------------- */
#define PSCI_SYSTEM_OFF 0x84000008UL

/* ---- MMIO: single 32-bit accesses with plain [Xn] addressing (no writeback forms) --------------- */
static inline void mmio_write32(unsigned long addr, u32 value)
{
    __asm__ volatile("str %w0, [%1]" : : "rZ"(value), "r"(addr) : "memory");
}

static inline u32 mmio_read32(unsigned long addr)
{
    u32 value;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(value) : "r"(addr) : "memory");
    return value;
}

static inline void harness_write(unsigned long reg, u32 value) { mmio_write32(HARNESS_BASE + reg, value); }
static inline u32 harness_read(unsigned long reg) { return mmio_read32(HARNESS_BASE + reg); }

/* ---- interrupts --------------------------------------------------------------------------------- */
static inline void irq_enable(void) { __asm__ volatile("msr daifclr, #2" : : : "memory"); }
static inline void irq_disable(void) { __asm__ volatile("msr daifset, #2" : : : "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" : : : "memory"); }

/* ---- console (through the harness PUTC register) ------------------------------------------------ */
void putc(char c);
void puts(const char *s); /* writes s as is: does NOT append a newline */
void put_hex(u64 value);  /* "0x" followed by the hex digits, no leading zeros ("0x0" for 0) */
void put_dec(u64 value);  /* decimal, no leading zeros */

/* ---- exit --------------------------------------------------------------------------------------- */
/* PSCI SYSTEM_OFF via `hvc #0` (x0 = 0x84000008, x1 = code); waits forever if the call returns. The code
 * becomes armvirt's exit code on the foundation board only; on virt a power-off is exit 0, as on QEMU. */
void firmware_exit(unsigned long code) __attribute__((noreturn));

/* ---- exceptions (see vectors.S) ----------------------------------------------------------------- */
/* Weak defaults: report the interrupt as unexpected (kind 5 / 6) and exit(1). Tests override them. */
void irq_handler(void);
void fiq_handler(void);
/* Prints "UNEXPECTED EXCEPTION kind=<n> esr=0x.. elr=0x.. far=0x..\n" and calls firmware_exit(1). */
void unexpected_exception(unsigned long kind, unsigned long esr, unsigned long elr, unsigned long far) __attribute__((noreturn));

/* ---- what GCC may emit calls to even when freestanding ------------------------------------------ */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

int main(unsigned long dtb);

#endif
