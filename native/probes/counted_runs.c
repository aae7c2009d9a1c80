// uc_emu_start's `count`: an uncounted run after a counted one, and counted and uncounted runs in turn (which
// hung 2.0.1). A watchdog alarm turns a hang into an answer.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

static const uint32_t loop[] = {0x91000421 /* add x1, x1, #1 */, 0x17ffffff /* b .-4 */};

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void hung(int sig) {
  printf("counted and uncounted runs in turn: hangs\n");
  fflush(stdout);
  _exit(0);
}

// MIPS of an uncounted run stopped after `ms` by a block hook's deadline.
static uint64_t deadline;
static void stop_at_deadline(uc_engine* uc, uint64_t a, uint32_t s, void* u) {
  if (reg(uc, UC_ARM64_REG_X1) >= deadline) uc_emu_stop(uc);
}

static double uncounted_mips(uc_engine* uc, uint64_t instructions) {
  deadline = reg(uc, UC_ARM64_REG_X1) + instructions / 2;
  double t = seconds();
  uc_emu_start(uc, reg(uc, UC_ARM64_REG_PC), 0, 0, 0);
  return instructions / (seconds() - t) / 1e6;
}

int main(void) {
  uc_engine* uc = open_engine(loop, 2);
  uc_hook h;
  CHECK(uc_hook_add(uc, &h, UC_HOOK_BLOCK, (void*)stop_at_deadline, NULL, 1, 0));
  double fresh = uncounted_mips(uc, 20000000);
  CHECK(uc_emu_start(uc, reg(uc, UC_ARM64_REG_PC), 0, 0, 1000));
  double after = uncounted_mips(uc, 10000);
  printf("uncounted run after a counted one: %s (%.0f vs %.0f MIPS)\n", after < fresh / 10 ? "crawls" : "full speed",
         after, fresh);

  signal(SIGALRM, hung);
  alarm(20);
  for (int i = 0; i < 3; i++) {
    CHECK(uc_emu_start(uc, reg(uc, UC_ARM64_REG_PC), 0, 0, 1000));
    uncounted_mips(uc, 2000);
  }
  printf("counted and uncounted runs in turn: finish\n");
  return 0;
}
