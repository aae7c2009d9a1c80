// A system-register hook that returns 1 ("handled") for a register the engine does not implement: does the
// engine step past the instruction, or run it again forever (as 2.0.1 did)? The hook counts its calls and
// gives up after 1000.
#include "probe.h"

static int calls;

static uint32_t hook(uc_engine* uc, uc_arm64_reg rt, const uc_arm64_cp_reg* cp, void* user) {
  if (++calls >= 1000) uc_emu_stop(uc);
  return 1;
}

static int run(uint32_t insn) {
  const uint32_t code[] = {insn, 0xd503201f /* nop */};
  uc_engine* uc = open_engine(code, 2);
  uc_hook h;
  CHECK(uc_hook_add(uc, &h, UC_HOOK_INSN, (void*)hook, NULL, 1, 0, UC_ARM64_INS_MRS));
  calls = 0;
  uc_emu_start(uc, 0x1000, 0x1004, 0, 0);
  uc_close(uc);
  return calls;
}

int main(void) {
  int unimplemented = run(0xd53ccc00);  // mrs x0, s3_0_c12_c12_0 (ICC_IAR1_EL1: no GICv3 CPU interface)
  int implemented = run(0xd5380000);    // mrs x0, midr_el1
  printf("hook returning 1 for an unimplemented register: %s\n",
         unimplemented >= 1000 ? "runs it again forever" : "steps past it");
  printf("hook returning 1 for an implemented register: %s\n",
         implemented >= 1000 ? "runs it again forever" : "steps past it");
  return 0;
}
