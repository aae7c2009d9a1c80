#include "deadline_timer.h"

#include <chrono>
#include <ctime>

namespace armvirt {

uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

DeadlineTimer::DeadlineTimer(std::function<void()> stop) : stop_(std::move(stop)), thread_([this] { Loop(); }) {}

DeadlineTimer::~DeadlineTimer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void DeadlineTimer::Arm(uint64_t deadlineNs) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    armed_ = true;
    fired_ = false;
    deadlineNs_ = deadlineNs;
  }
  wake_.notify_all();
}

bool DeadlineTimer::Disarm() {
  std::lock_guard<std::mutex> lock(mutex_);
  armed_ = false;
  return fired_;
}

void DeadlineTimer::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!quit_) {
    if (!armed_ || deadlineNs_ == UINT64_MAX) {  // UINT64_MAX: armed without a deadline
      wake_.wait(lock);
      continue;
    }
    uint64_t now = MonotonicNs();
    if (now < deadlineNs_) {
      wake_.wait_for(lock, std::chrono::nanoseconds(deadlineNs_ - now));
      continue;
    }
    // A stop that lands before uc_emu_start has reset its stop flag is lost, so keep stopping every
    // 200 µs until the run really returns and disarms us.
    fired_ = true;
    stop_();
    wake_.wait_for(lock, std::chrono::microseconds(200));
  }
}

}  // namespace armvirt
