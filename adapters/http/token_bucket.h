// A token bucket: at most `burst` requests at once, refilled at `rate` per
// second. Pure: time is a parameter (steady time; it never goes backwards, and
// if it seems to, nothing is refilled).
#pragma once

#include <chrono>

namespace paminna::http {

class TokenBucket {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // rate_per_second <= 0: unlimited. burst is at least 1. Starts full.
  TokenBucket(double rate_per_second, double burst, TimePoint start);

  // Takes one token if one is available at `now`.
  bool try_take(TimePoint now);
  // How long from `now` until a token is available; zero if one is.
  [[nodiscard]] std::chrono::nanoseconds time_until_token(TimePoint now) const;
  [[nodiscard]] bool unlimited() const { return rate_ <= 0.0; }

 private:
  [[nodiscard]] double tokens_at(TimePoint now) const;

  double rate_;
  double burst_;
  double tokens_;
  TimePoint last_;
};

}  // namespace paminna::http
