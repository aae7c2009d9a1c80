// A system-register hook moves PC (as armvirt's traps do, PC+4), then, later in the same block, the exception
// hook asks for a stop at an HVC: is the stop honoured, or dropped (2.0.1 ran on)?
#include "probe.h"

static uint32_t on_sysreg(uc_engine* uc, uc_arm64_reg rt, const uc_arm64_cp_reg* cp, void* user) {
  uint64_t pc = reg(uc, UC_ARM64_REG_PC) + 4;
  uc_reg_write(uc, UC_ARM64_REG_PC, &pc);
  return 1;
}

static void on_exception(uc_engine* uc, uint32_t intno, void* user) { uc_emu_stop(uc); }

int main(void) {
  const uint32_t code[] = {
      0xd53be041,  // mrs x1, cntvct_el0 (trapped)
      0xd4000662,  // hvc #0x33
      0xd2800022,  // mov x2, #1
      0x14000000,  // b .
  };
  uc_engine* uc = open_engine(code, 4);
  uc_hook h;
  CHECK(uc_hook_add(uc, &h, UC_HOOK_INSN, (void*)on_sysreg, NULL, 1, 0, UC_ARM64_INS_MRS));
  CHECK(uc_hook_add(uc, &h, UC_HOOK_INTR, (void*)on_exception, NULL, 1, 0));
  uc_emu_start(uc, 0x1000, 0, 100000, 0);  // the timeout only guards against running on forever
  printf("stop asked after a hook moved PC in the same block: %s\n",
         reg(uc, UC_ARM64_REG_X2) == 0 ? "honoured" : "dropped");
  return 0;
}
