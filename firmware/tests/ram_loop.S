/* ram_loop.elf: mmio_loop.S loading from RAM at 0x40100000. */
#define LOOP_BASE 0x40100000
#include "mmio_loop.S"
