// SCTLR_EL1.A set, MMU on: does an unaligned load raise an alignment fault (DFSC 0x21)?
#include "probe.h"

static uint32_t intno_seen;

static void on_exception(uc_engine* uc, uint32_t intno, void* user) {
  intno_seen = intno;
  uc_emu_stop(uc);
}

int main(void) {
  const uint32_t code[] = {0xf9400043 /* ldr x3, [x2] */, 0xd503201f};
  uc_engine* uc = open_engine(code, 2);
  CHECK(uc_mem_map(uc, 0x40000000, 0x200000, UC_PROT_ALL));
  uint64_t l1[2] = {0x00000000 | 0x701, 0x40000000 | 0x701}, ttbr = 0x40100000, mair = 0xff, x2 = 0x40000103;
  CHECK(uc_mem_write(uc, 0x40100000, l1, sizeof l1));
  CHECK(uc_reg_write(uc, UC_ARM64_REG_TTBR0_EL1, &ttbr));
  CHECK(uc_reg_write(uc, UC_ARM64_REG_MAIR_EL1, &mair));
  CHECK(uc_reg_write(uc, UC_ARM64_REG_X2, &x2));
  write_cp_reg(uc, 3, 0, 2, 0, 2, 0x80803519);
  write_cp_reg(uc, 3, 0, 1, 0, 0, 0x00c5083b);  // SCTLR_EL1: M and A
  uc_hook h;
  CHECK(uc_hook_add(uc, &h, UC_HOOK_INTR, (void*)on_exception, NULL, 1, 0));
  uc_emu_start(uc, 0x1000, 0x1004, 0, 0);
  printf("unaligned load with SCTLR_EL1.A set: %s\n", intno_seen == 4 ? "alignment fault" : "completes");
  return 0;
}
