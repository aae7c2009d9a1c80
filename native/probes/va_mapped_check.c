// Does the engine check the *virtual* address of an access against its physical map (2.0.1 did, so a valid
// translated access faulted unless shadow regions filled every gap)? Here VA 0x80000100 maps to PA
// 0x40000100 through a 1 GiB block and nothing is mapped at PA 0x80000000.
#include "probe.h"

int main(void) {
  const uint32_t code[] = {
      0xd2a00002 | (0x8000 << 5),  // movz x2, #0x8000, lsl #16
      0xf9408043,                  // ldr x3, [x2, #0x100]
      0xf9008843,                  // str x3, [x2, #0x110]
      0xd4000002,                  // hvc #0
  };
  uc_engine* uc = open_engine(code, 4);
  CHECK(uc_mem_map(uc, 0x40000000, 0x200000, UC_PROT_ALL));
  uint64_t l1[4] = {0x00000000 | 0x701, 0x40000000 | 0x701, 0x40000000 | 0x701, 0};  // identity 0-2 GiB, 2 GiB -> 1 GiB
  CHECK(uc_mem_write(uc, 0x40100000, l1, sizeof l1));
  uint64_t magic = 0x5eed, ttbr = 0x40100000, mair = 0xff;
  CHECK(uc_mem_write(uc, 0x40000100, &magic, 8));
  CHECK(uc_reg_write(uc, UC_ARM64_REG_TTBR0_EL1, &ttbr));
  CHECK(uc_reg_write(uc, UC_ARM64_REG_MAIR_EL1, &mair));
  write_cp_reg(uc, 3, 0, 2, 0, 2, 0x80803519);  // TCR_EL1: T0SZ 25, 4 KiB granule, EPD1
  write_cp_reg(uc, 3, 0, 1, 0, 0, 0x00c50839);  // SCTLR_EL1 with M set
  uc_err err = uc_emu_start(uc, 0x1000, 0x100c, 0, 0);
  uint64_t copy = 0;
  uc_mem_read(uc, 0x40000110, &copy, 8);
  if (err == UC_ERR_OK && reg(uc, UC_ARM64_REG_X3) == magic && copy == magic)
    printf("translated access to a VA with nothing at the same PA: works\n");
  else
    printf("translated access to a VA with nothing at the same PA: refused (%s)\n", uc_strerror(err));
  return 0;
}
