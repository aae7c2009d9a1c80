/*
 * A program for debugger tests with the MMU on: it runs at kernel-style virtual addresses through TTBR1
 * (tests/gdb_mmu_start.S), so gdb's breakpoints, memory accesses and watchpoints go through the guest's
 * page tables. Alone it prints its lines and powers off; a debugger can make it spin in main (set `hold`),
 * watch `counter`, and change what `report` prints.
 */
#include "pl011.h"

volatile unsigned long counter;
volatile int hold;
volatile unsigned long spins;
static char message[] = "hello from the high half\n";

__attribute__((noinline)) void report(const char *what, unsigned long value)
{
    puts(what);
    put_hex(value);
    puts("\n");
}

int main(unsigned long dtb)
{
    (void)dtb;
    puts("gdb_mmu: start\n");
    unsigned long pc;
    __asm__ volatile("adr %0, ." : "=r"(pc));
    puts(pc >> 48 == 0xffff ? "running in the high half\n" : "running at a low address: FAIL\n");
    for (int i = 0; i < 3; i++)
        counter += 10;
    report("counter ", counter);
    while (hold)
        spins++;
    puts(message);
    puts("gdb_mmu: done\n");
    return 0;
}
