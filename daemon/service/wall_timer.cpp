#include "service/wall_timer.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

namespace paminna {

namespace {

int make_timerfd() {
  const int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) {
    throw std::runtime_error(std::string("timerfd_create: ") + std::generic_category().message(errno));
  }
  return fd;
}

}  // namespace

TimerfdWallTimer::TimerfdWallTimer(boost::asio::io_context& io) : fd_(io, make_timerfd()) {}

TimerfdWallTimer::~TimerfdWallTimer() = default;

void TimerfdWallTimer::set_handlers(Handler on_fire, Handler on_clock_step) {
  on_fire_ = std::move(on_fire);
  on_clock_step_ = std::move(on_clock_step);
}

void TimerfdWallTimer::set_time(std::optional<Instant> at) {
  itimerspec spec{};
  int flags = 0;
  if (at) {
    // An instant in the past (or the epoch) would disarm: fire "as soon as possible" instead.
    const auto seconds = std::max<std::int64_t>(at->time_since_epoch().count(), 1);
    spec.it_value.tv_sec = static_cast<time_t>(seconds);
    flags = TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET;
  }
  if (timerfd_settime(fd_.native_handle(), flags, &spec, nullptr) != 0) {
    throw std::runtime_error(std::string("timerfd_settime: ") + std::generic_category().message(errno));
  }
}

void TimerfdWallTimer::arm(Instant at) {
  set_time(at);
  wait();
}

void TimerfdWallTimer::disarm() {
  set_time(std::nullopt);
}

void TimerfdWallTimer::wait() {
  if (waiting_) {
    return;
  }
  waiting_ = true;
  fd_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& error) {
    waiting_ = false;
    if (error) {
      return;  // cancelled: the timer is being destroyed
    }
    std::uint64_t expirations = 0;
    const auto n = ::read(fd_.native_handle(), &expirations, sizeof expirations);
    if (n < 0 && errno == ECANCELED) {
      if (on_clock_step_) {
        on_clock_step_();
      }
      return;
    }
    if (n < 0 && errno == EAGAIN) {
      wait();  // spurious readiness
      return;
    }
    if (on_fire_) {
      on_fire_();
    }
  });
}

}  // namespace paminna
