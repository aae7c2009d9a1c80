// The syndrome (ESR) of an exception the engine reports: there is no API for it, but a saved context holds
// env->exception. Where, and is it right? An SVC (raised by translated code) and an MSR DAIFSet at EL0 with
// SCTLR_EL1.UMA clear (raised by a helper, through raise_exception_ra).
#include <string.h>

#include "probe.h"

static uc_context* context;
static long offset = -1;

static void on_exception(uc_engine* uc, uint32_t intno, void* user) {
  CHECK(uc_context_save(uc, context));
  size_t size = uc_context_size(uc);
  const char* bytes = (const char*)context;
  if (offset < 0) {  // find the SVC's syndrome, 0x56005a5a, in the blob
    for (size_t off = 0; off + 4 <= size && offset < 0; off += 4) {
      uint32_t word;
      memcpy(&word, bytes + off, 4);
      if (word == 0x56005a5a) offset = (long)off;
    }
    printf("syndrome of svc #0x5a5a in the saved context: %s\n", offset < 0 ? "not found" : "found");
  } else {
    uint32_t syndrome;
    memcpy(&syndrome, bytes + offset, 4);
    printf("syndrome of a trapped msr daifset at EL0 (0x620793e4 on hardware): 0x%x\n", syndrome);
  }
  uc_emu_stop(uc);
}

int main(void) {
  const uint32_t code[] = {0xd40b4b41 /* svc #0x5a5a */, 0xd50342df /* msr daifset, #2 */};
  uc_engine* uc = open_engine(code, 2);
  uc_hook h;
  CHECK(uc_hook_add(uc, &h, UC_HOOK_INTR, (void*)on_exception, NULL, 1, 0));
  CHECK(uc_context_alloc(uc, &context));
  uc_emu_start(uc, 0x1000, 0x1008, 0, 0);
  // Now the second one, from EL0 (PSTATE.M = EL0t, and a CP_REG write to rebuild the engine's flags).
  uint32_t el0 = 0;
  CHECK(uc_reg_write(uc, UC_ARM64_REG_PSTATE, &el0));
  write_cp_reg(uc, 3, 0, 4, 0, 0, 0);  // SPSR_EL1
  uc_emu_start(uc, 0x1004, 0x1008, 0, 0);
  return 0;
}
