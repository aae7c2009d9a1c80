/*
 * virt machine test: PSCI (Arm DEN 0022D) over HVC, the conduit QEMU's virt gives an EL1 guest: the
 * version, PSCI_FEATURES of the functions a one-CPU virt offers and of some it does not, CPU_ON and
 * AFFINITY_INFO with the one CPU and with a CPU that does not exist, then SYSTEM_OFF (or SYSTEM_RESET when
 * built as virt_psci_reset). Return codes are printed as signed numbers, so a difference names the call.
 */
#include "lib.h"

#define PSCI_VERSION           0x84000000UL
#define PSCI_CPU_SUSPEND       0xc4000001UL
#define PSCI_CPU_OFF           0x84000002UL
#define PSCI_CPU_ON            0xc4000003UL
#define PSCI_AFFINITY_INFO     0xc4000004UL
#define PSCI_MIGRATE           0xc4000005UL
#define PSCI_MIGRATE_INFO_TYPE 0x84000006UL
#define PSCI_SYSTEM_RESET      0x84000009UL
#define PSCI_FEATURES          0x8400000aUL
#define PSCI_SYSTEM_SUSPEND    0xc400000eUL
#define PSCI_SYSTEM_RESET2     0x84000012UL

static long psci(unsigned long fn, unsigned long a1, unsigned long a2, unsigned long a3)
{
    register unsigned long x0 __asm__("x0") = fn;
    register unsigned long x1 __asm__("x1") = a1;
    register unsigned long x2 __asm__("x2") = a2;
    register unsigned long x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return (long)x0;
}

static void show(const char *what, long value)
{
    puts(what);
    puts(" = ");
    if (value < 0) {
        putc('-');
        put_dec((u64)-value);
    } else {
        put_dec((u64)value);
    }
    putc('\n');
}

static const struct {
    const char *name;
    unsigned long fn;
} features[] = {
    { "PSCI_VERSION", PSCI_VERSION },
    { "CPU_SUSPEND", PSCI_CPU_SUSPEND },
    { "CPU_OFF", PSCI_CPU_OFF },
    { "CPU_ON", PSCI_CPU_ON },
    { "AFFINITY_INFO", PSCI_AFFINITY_INFO },
    { "MIGRATE", PSCI_MIGRATE },
    { "MIGRATE_INFO_TYPE", PSCI_MIGRATE_INFO_TYPE },
    { "SYSTEM_OFF", PSCI_SYSTEM_OFF },
    { "SYSTEM_RESET", PSCI_SYSTEM_RESET },
    { "PSCI_FEATURES", PSCI_FEATURES },
    { "SYSTEM_SUSPEND", PSCI_SYSTEM_SUSPEND },
    { "SYSTEM_RESET2", PSCI_SYSTEM_RESET2 },
    { "unassigned 0x840000ff", 0x840000ffUL },
};

static void secondary_entry(void)
{
    for (;;)
        wfi();
}

int main(unsigned long dtb)
{
    (void)dtb;
    puts("virt_psci: start\n");
    long version = psci(PSCI_VERSION, 0, 0, 0);
    puts("PSCI_VERSION = ");
    put_dec((u64)version >> 16);
    putc('.');
    put_dec((u64)version & 0xffff);
    putc('\n');

    for (unsigned i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
        puts("PSCI_FEATURES ");
        show(features[i].name, psci(PSCI_FEATURES, features[i].fn, 0, 0));
    }

    unsigned long entry = (unsigned long)&secondary_entry;
    show("CPU_ON cpu 0 (the caller, already on)", psci(PSCI_CPU_ON, 0, entry, 0));
    show("CPU_ON cpu 5 (no such CPU)", psci(PSCI_CPU_ON, 5, entry, 0));
    show("AFFINITY_INFO cpu 0", psci(PSCI_AFFINITY_INFO, 0, 0, 0));
    show("AFFINITY_INFO cpu 5", psci(PSCI_AFFINITY_INFO, 5, 0, 0));
    show("MIGRATE_INFO_TYPE", psci(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0));

#ifdef PSCI_END_WITH_RESET
    puts("virt_psci: SYSTEM_RESET\n");
    psci(PSCI_SYSTEM_RESET, 0, 0, 0);
    puts("SYSTEM_RESET returned FAIL\n");
#else
    puts("virt_psci: SYSTEM_OFF\n");
    psci(PSCI_SYSTEM_OFF, 0, 0, 0);
    puts("SYSTEM_OFF returned FAIL\n");
#endif
    for (;;)
        wfi();
}
