/*
 * Tiny freestanding helpers for the armvirt bare-metal test programs.
 */
#include "lib.h"

/* The console is the test harness's PUTC register; programs for the virt machine override this. */
__attribute__((weak)) void putc(char c) { harness_write(HARNESS_PUTC, (u32)(unsigned char)c); }

void puts(const char *s)
{
    while (*s)
        putc(*s++);
}

void put_hex(u64 value)
{
    static const char digits[] = "0123456789abcdef";
    int shift = 60;

    putc('0');
    putc('x');
    while (shift > 0 && ((value >> shift) & 0xf) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        putc(digits[(value >> shift) & 0xf]);
}

void put_dec(u64 value)
{
    char digits[20];
    int n = 0;

    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (n)
        putc(digits[--n]);
}

/* Set once firmware_exit() has issued its HVC: a fault from here on must not try to exit again. */
static volatile int exiting;
/* Nesting depth of unexpected_exception(): a fault while reporting a fault just stops. */
static volatile int reporting;

static void __attribute__((noreturn)) halt(void)
{
    __asm__ volatile("msr daifset, #0xf" : : : "memory");
    for (;;)
        wfi();
}

void firmware_exit(unsigned long code)
{
    register unsigned long x0 __asm__("x0") = PSCI_SYSTEM_OFF;
    register unsigned long x1 __asm__("x1") = code;

    exiting = 1;
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1) : : "x2", "x3", "memory");
    halt();
}

void unexpected_exception(unsigned long kind, unsigned long esr, unsigned long elr, unsigned long far)
{
    if (exiting || reporting)
        halt(); /* the exit HVC itself faulted (no PSCI), or printing faulted */
    reporting = 1;
    puts("UNEXPECTED EXCEPTION kind=");
    if (kind >= 10)
        putc((char)('0' + kind / 10));
    putc((char)('0' + kind % 10));
    puts(" esr=");
    put_hex(esr);
    puts(" elr=");
    put_hex(elr);
    puts(" far=");
    put_hex(far);
    putc('\n');
    firmware_exit(1);
}

static u64 read_esr(void)
{
    u64 v;
    __asm__ volatile("mrs %0, esr_el1" : "=r"(v));
    return v;
}
static u64 read_elr(void)
{
    u64 v;
    __asm__ volatile("mrs %0, elr_el1" : "=r"(v));
    return v;
}
static u64 read_far(void)
{
    u64 v;
    __asm__ volatile("mrs %0, far_el1" : "=r"(v));
    return v;
}

/* Default handlers: an interrupt nobody expected. Kind = the SPx vector index (5 IRQ, 6 FIQ). */
__attribute__((weak)) void irq_handler(void) { unexpected_exception(5, read_esr(), read_elr(), read_far()); }

__attribute__((weak)) void fiq_handler(void) { unexpected_exception(6, read_esr(), read_elr(), read_far()); }

/*
 * The string functions GCC may call. Built with loop-pattern distribution off so that the loops
 * below are not themselves turned into calls to memset/memcpy.
 */
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

NO_LIBCALL int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}
