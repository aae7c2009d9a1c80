/* ptr_loop.elf: mmio_loop.S loading from 0x0a100000 (a device region mapped as a host pointer). */
#define LOOP_BASE 0x0a100000
#include "mmio_loop.S"
