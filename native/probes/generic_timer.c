// The engine's generic timer: does a write to CNTV_CTL_EL0 stick, and does CNTVCT_EL0 follow the
// instructions executed or the host's clock?
#include <time.h>
#include <unistd.h>

#include "probe.h"

int main(void) {
  const uint32_t code[] = {
      0xd2800020,  // mov x0, #1
      0xd51be320,  // msr cntv_ctl_el0, x0
      0xd53be321,  // mrs x1, cntv_ctl_el0
      0xd53be042,  // mrs x2, cntvct_el0
      0xd503201f,  // nop
  };
  uc_engine* uc = open_engine(code, 5);
  CHECK(uc_emu_start(uc, 0x1000, 0x1010, 0, 0));
  uint64_t first = reg(uc, UC_ARM64_REG_X2);
  usleep(20000);  // 20 ms of host time, no guest instruction
  CHECK(uc_emu_start(uc, 0x100c, 0x1010, 0, 0));
  uint64_t ticks = reg(uc, UC_ARM64_REG_X2) - first;
  printf("CNTV_CTL_EL0 after writing 1: %lu\n", (unsigned long)reg(uc, UC_ARM64_REG_X1));
  printf("CNTVCT_EL0 across 20 ms of host time and one instruction: %s\n",
         ticks > 1000000 ? "advances with the host clock" : "stands still");
  return 0;
}
