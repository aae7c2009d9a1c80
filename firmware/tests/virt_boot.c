/*
 * virt machine benchmark: the smallest boot. Prints "ready" on the PL011 and powers off; the host times
 * process start to that line, for armvirt and for qemu-system-aarch64 on the same ELF.
 */
#include "lib.h"

int main(unsigned long dtb)
{
    (void)dtb;
    puts("ready\n");
    return 0;
}
