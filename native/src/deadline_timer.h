// Real-time mode's deadline enforcement: a host thread that stops the engine once the host clock passes the
// run's deadline. uc_emu_stop from another thread is safe on this build and costs ~0.1 µs; it is the only
// stop that adds nothing to the guest's hot path (no block hook).
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
  // Disarms it after the run returned; returns true if it fired during the run.
  bool Disarm();

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
