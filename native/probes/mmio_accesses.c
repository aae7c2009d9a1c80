// What an MMIO callback sees: the size of a 64-bit load (split into 32-bit halves?), and PC during the
// callback (the accessing instruction, or the start of its translated block?).
#include "probe.h"

static unsigned sizes[8], n;
static uint64_t pc_seen;

static uint64_t on_read(uc_engine* uc, uint64_t off, unsigned size, void* d) {
  if (n < 8) sizes[n++] = size;
  pc_seen = reg(uc, UC_ARM64_REG_PC);
  return 0;
}

static void on_write(uc_engine* uc, uint64_t off, unsigned size, uint64_t v, void* d) {}

int main(void) {
  const uint32_t code[] = {
      0xd2a00020,  // movz x0, #1, lsl #16
      0xd503201f,  // nop
      0xf9400001,  // ldr x1, [x0] (at 0x1008)
      0xd503201f,  // nop
  };
  uc_engine* uc = open_engine(code, 4);
  CHECK(uc_mmio_map(uc, 0x10000, 0x1000, on_read, NULL, on_write, NULL));
  CHECK(uc_emu_start(uc, 0x1000, 0x100c, 0, 0));
  printf("a 64-bit load from MMIO reaches the callback as: %u accesses of %u and %u bytes\n", n, sizes[0], sizes[1]);
  printf("PC inside an MMIO callback: %s\n", pc_seen == 0x1008   ? "the accessing instruction"
                                             : pc_seen == 0x1000 ? "the start of the block"
                                                                 : "elsewhere");
  return 0;
}
