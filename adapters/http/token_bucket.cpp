#include "http/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace paminna::http {
namespace {
// Tolerance for binary fractions: 0.1 s at 10/s must make one whole token.
constexpr double epsilon = 1e-9;
}  // namespace

TokenBucket::TokenBucket(double rate_per_second, double burst, TimePoint start)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)), tokens_(burst_), last_(start) {}

double TokenBucket::tokens_at(TimePoint now) const {
  if (now <= last_) {
    return tokens_;
  }
  const std::chrono::duration<double> elapsed = now - last_;
  return std::min(burst_, tokens_ + elapsed.count() * rate_);
}

bool TokenBucket::try_take(TimePoint now) {
  if (unlimited()) {
    return true;
  }
  tokens_ = tokens_at(now);
  last_ = std::max(last_, now);
  if (tokens_ < 1.0 - epsilon) {
    return false;
  }
  tokens_ = std::max(0.0, tokens_ - 1.0);
  return true;
}

std::chrono::nanoseconds TokenBucket::time_until_token(TimePoint now) const {
  if (unlimited()) {
    return std::chrono::nanoseconds::zero();
  }
  const double missing = 1.0 - tokens_at(now);
  if (missing <= epsilon) {
    return std::chrono::nanoseconds::zero();
  }
  // Round up so that a wait of this length always finds the token there.
  const double nanos = std::ceil(missing / rate_ * 1e9);
  return std::chrono::nanoseconds{static_cast<std::chrono::nanoseconds::rep>(nanos)};
}

}  // namespace paminna::http
