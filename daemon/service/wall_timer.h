// One timer that fires at a wall-clock instant.
//
// The real one (TimerfdWallTimer) is a timerfd on CLOCK_REALTIME armed with an
// absolute time and TFD_TIMER_CANCEL_ON_SET: the kernel fires it when the wall
// clock reaches the instant, whether time passed normally, jumped forward
// (NTP step) or passed while the machine was suspended, and tells us when the
// clock was set so we re-evaluate. Nothing polls. ManualWallTimer is for tests
// and --fake-clock runs: it fires only when told.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <functional>
#include <optional>

#include "domain/time.h"

namespace paminna {

class WallTimer {
 public:
  // on_fire: the armed instant was reached. on_clock_step: the wall clock was set
  // (forward or back); the owner re-reads the time and re-arms.
  using Handler = std::function<void()>;

  virtual ~WallTimer() = default;
  virtual void arm(Instant at) = 0;
  virtual void disarm() = 0;
  virtual void set_handlers(Handler on_fire, Handler on_clock_step) = 0;
};

class TimerfdWallTimer final : public WallTimer {
 public:
  explicit TimerfdWallTimer(boost::asio::io_context& io);
  ~TimerfdWallTimer() override;
  TimerfdWallTimer(const TimerfdWallTimer&) = delete;
  TimerfdWallTimer& operator=(const TimerfdWallTimer&) = delete;

  void arm(Instant at) override;
  void disarm() override;
  void set_handlers(Handler on_fire, Handler on_clock_step) override;

 private:
  void set_time(std::optional<Instant> at);
  void wait();

  boost::asio::posix::stream_descriptor fd_;
  Handler on_fire_;
  Handler on_clock_step_;
  bool waiting_ = false;
};

class ManualWallTimer final : public WallTimer {
 public:
  using Now = std::function<Instant()>;
  using Post = std::function<void(std::function<void()>)>;

  ManualWallTimer() = default;
  // With a clock and a way to post to the loop, an instant already reached
  // fires soon after arm() (as the kernel's timerfd would), not at the next advance.
  ManualWallTimer(Now now, Post post) : now_(std::move(now)), post_(std::move(post)) {}

  void arm(Instant at) override {
    armed_ = at;
    if (now_ && post_ && at <= now_()) {
      post_([this] { advance_to(now_()); });
    }
  }
  void disarm() override { armed_.reset(); }
  void set_handlers(Handler on_fire, Handler on_clock_step) override {
    on_fire_ = std::move(on_fire);
    on_clock_step_ = std::move(on_clock_step);
  }
  [[nodiscard]] std::optional<Instant> armed() const { return armed_; }
  // Fires if armed at or before `now` (what the kernel would do).
  void advance_to(Instant now) {
    if (armed_ && *armed_ <= now) {
      armed_.reset();
      on_fire_();
    }
  }
  void clock_stepped() { on_clock_step_(); }

 private:
  std::optional<Instant> armed_;
  Handler on_fire_;
  Handler on_clock_step_;
  Now now_;
  Post post_;
};

}  // namespace paminna
