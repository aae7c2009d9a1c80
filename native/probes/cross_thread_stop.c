// uc_emu_stop from another thread while the guest loops over an MMIO store: does the engine stop only between
// translated blocks, or also right after a memory access with PC left at the block's start, so that resuming
// runs the block's first instructions (and the store) again? The guest stores its loop counter each turn; a
// value stored twice is a replay.
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "probe.h"

static uint64_t stores, replays, last = ~0ull;
static uc_engine* uc;
static atomic_int done;

static void on_write(uc_engine* u, uint64_t off, unsigned size, uint64_t v, void* d) {
  stores++;
  if (v == last) replays++;
  last = v;
  for (volatile int i = 0; i < 200; i++) {  // a device slow enough for stops to land during it, as JS ones are
  }
}

static uint64_t on_read(uc_engine* u, uint64_t off, unsigned size, void* d) { return 0; }

static void* stopper(void* arg) {
  while (!atomic_load(&done)) {
    usleep(50);
    uc_emu_stop(uc);
  }
  return NULL;
}

int main(void) {
  const uint32_t code[] = {
      0xd2a00020,  // movz x0, #1, lsl #16: the device at 0x10000
      0xb9000001,  // loop: str w1, [x0]
      0x91000421,  // add x1, x1, #1
      0xeb03003f,  // cmp x1, x3
      0x54ffffa1,  // b.ne loop
      0xd503201f,  // nop
  };
  uc = open_engine(code, 6);
  CHECK(uc_mmio_map(uc, 0x10000, 0x1000, on_read, NULL, on_write, NULL));
  uint64_t n = 300000;
  CHECK(uc_reg_write(uc, UC_ARM64_REG_X3, &n));
  pthread_t t;
  pthread_create(&t, NULL, stopper, NULL);
  uint64_t pc = 0x1000;
  while (pc != 0x1014) {
    uc_emu_start(uc, pc, 0x1014, 0, 0);
    pc = reg(uc, UC_ARM64_REG_PC);
  }
  atomic_store(&done, 1);
  pthread_join(t, NULL);
  printf("a stop from another thread: %s\n",
         replays ? "can land right after a memory access and replay the block" : "lands between blocks only");
  return 0;
}
