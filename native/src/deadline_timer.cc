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

void DeadlineTimer::Disarm() {
  std::lock_guard<std::mutex> lock(mutex_);
  armed_ = false;
}

void DeadlineTimer::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!quit_) {
    if (!armed_ || fired_ || deadlineNs_ == UINT64_MAX) {  // UINT64_MAX: armed without a deadline
      wake_.wait(lock);
      continue;
    }
    uint64_t now = MonotonicNs();
    if (now < deadlineNs_) {
      wake_.wait_for(lock, std::chrono::nanoseconds(deadlineNs_ - now));
      continue;
    }
    // Once per Arm: the stop request stays set until the next run resets it.
    fired_ = true;
    stop_();
  }
}

}  // namespace armvirt
