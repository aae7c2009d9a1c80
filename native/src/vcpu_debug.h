// What a debugger (src/gdb/) asks of the vCPU, implemented in vcpu_debug.cc with Unicorn hooks that exist only
// while they are wanted. A breakpoint is a code hook bounded to its one address: Unicorn instruments an
// instruction only when a bounded hook covers it at translation time, so code without breakpoints runs as
// fast as with none. Guest memory is never patched: a BRK the guest executes stays the guest's own.
#pragma once

#include <unicorn/unicorn.h>

#include <cstdint>
#include <map>
#include <vector>

namespace armvirt {

// Why the last Debug stop happened. Mirrored in src/cpu/vcpu-debug.ts.
enum class DebugStopKind : int32_t { None = 0, Breakpoint = 1, Watchpoint = 2, Step = 3 };

// gdb's Z2 (write), Z3 (read) and Z4 (access) watchpoints.
enum class WatchKind : int32_t { Write = 0, Read = 1, Access = 2 };

struct Watchpoint {
  uint64_t address;  // guest physical: the engine's memory hooks see physical addresses
  uint64_t length;
  WatchKind kind;
};

struct DebugState {
  std::map<uint64_t, uc_hook> breakpoints;  // by virtual address

  // While any watchpoint is set: read and write hooks that note a hit and the accessing instruction (the
  // engine syncs PC before each access while memory hooks exist), and a code hook that stops before the next
  // instruction: a stop from a memory callback would replay part of the instruction, an exclusive store too.
  std::vector<Watchpoint> watchpoints;
  std::vector<uc_hook> watchHooks;
  bool watchHit = false;
  uint64_t watchHitAddress = 0;
  WatchKind watchHitKind = WatchKind::Write;
  uint64_t watchHitPc = 0;
  bool watchHitWrite = false;

  // A single step, armed until it completes: a code hook on the stepped instruction and the next address and
  // a block hook catch whatever instruction comes second, with the IRQ/FIQ lines held low meanwhile.
  bool stepArmed = false;
  bool stepStarted = false;    // the stepped instruction has begun
  bool stepBlockSeen = false;  // this run has entered its first block
  uint64_t stepPc = 0;
  std::vector<uc_hook> stepHooks;
  bool linesMasked = false;

  DebugStopKind stopKind = DebugStopKind::None;
  uint64_t stopPc = 0;
  uint64_t stopDataAddress = 0;
  WatchKind stopWatchKind = WatchKind::Write;
  uint64_t stopAccessPc = 0;  // the instruction that made the watched access
  bool stopAccessWrite = false;

  // Real-time clock stopped while the debugger holds the guest, as QEMU's virtual clock stops when paused.
  bool clockHeld = false;
  uint64_t clockHeldAtNs = 0;
};

}  // namespace armvirt
