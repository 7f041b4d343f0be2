// Where the daemon reads the time. Only the service edge holds a Clock; rules
// receive `now` as a parameter (design.md, style.md §4).
//
// Wall time (now()) says *when* something is due and may step (NTP, a resumed
// VM, an operator). Steady time (steady_now()) measures *how long* (timeouts,
// uptime) and never steps. The scheduler (scheduler.h) says what happens when
// wall time steps.
#pragma once

#include <chrono>

#include "domain/time.h"

namespace paminna {

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual Instant now() const = 0;
  [[nodiscard]] virtual std::chrono::steady_clock::time_point steady_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] Instant now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
  [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::now();
  }
};

}  // namespace paminna

namespace paminna {

// A clock that moves only when told: unit tests, and `paminnad --fake-clock`
// for system tests that must not wait for real hours to pass.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant start) : now_(start) {}
  [[nodiscard]] Instant now() const override { return now_; }
  [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const override { return steady_; }
  void advance(Duration by) {
    now_ += by;
    steady_ += by;
  }
  // A wall-clock step: steady time does not move.
  void step_wall(Duration by) { now_ += by; }

 private:
  Instant now_;
  std::chrono::steady_clock::time_point steady_{};
};

}  // namespace paminna
