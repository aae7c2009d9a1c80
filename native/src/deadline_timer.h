// Real-time mode's deadline enforcement: a host thread that, once the host clock passes the run's deadline,
// tells the block hook to stop the engine before the next block. It must not call uc_emu_stop itself: a
// stop that lands in the middle of a block which then makes an MMIO access ends the run right after that
// access with PC at the block's start, so resuming replays the block's earlier instructions and the access
// (a UART byte written twice, an interrupt acknowledged twice). The block hook costs real-time mode about a
// third of its speed on the tightest loops; correctness of device accesses comes first.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace armvirt {

uint64_t MonotonicNs();

class DeadlineTimer {
 public:
  explicit DeadlineTimer(std::function<void()> stop);
  ~DeadlineTimer();

  // Arms the timer for one run; `deadlineNs` is on MonotonicNs().
  void Arm(uint64_t deadlineNs);
  // Disarms it after the run returned.
  void Disarm();

 private:
  void Loop();

  std::function<void()> stop_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool armed_ = false;
  bool fired_ = false;
  bool quit_ = false;
  uint64_t deadlineNs_ = 0;
  std::thread thread_;
};

}  // namespace armvirt
