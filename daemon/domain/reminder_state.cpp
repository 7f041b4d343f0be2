#include "domain/reminder_state.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace paminna {

namespace {

constexpr std::array<std::pair<ReminderState, std::string_view>, 9> kNames{{
    {ReminderState::scheduled, "scheduled"},
    {ReminderState::sending, "sending"},
    {ReminderState::sent, "sent"},
    {ReminderState::retry, "retry"},
    {ReminderState::held, "held"},
    {ReminderState::failed, "failed"},
    {ReminderState::skipped, "skipped"},
    {ReminderState::cancelled, "cancelled"},
    {ReminderState::expired, "expired"},
}};

}  // namespace

std::string_view to_string(ReminderState state) {
  for (const auto& [s, name] : kNames) {
    if (s == state) {
      return name;
    }
  }
  return "unknown";
}

std::optional<ReminderState> parse_reminder_state(std::string_view text) {
  for (const auto& [s, name] : kNames) {
    if (name == text) {
      return s;
    }
  }
  return std::nullopt;
}

bool is_final(ReminderState state) {
  return state == ReminderState::sent || state == ReminderState::failed || state == ReminderState::skipped ||
         state == ReminderState::cancelled || state == ReminderState::expired;
}

std::optional<Instant> next_attempt(const BackoffPolicy& policy, int attempts, double unit_random,
                                    std::optional<Duration> retry_after, Instant now, Instant visit_start) {
  if (attempts >= policy.max_attempts) {
    return std::nullopt;
  }
  const int exponent = std::clamp(attempts - 1, 0, 30);
  const auto ceiling = std::min<std::int64_t>(policy.cap.count(), policy.base.count() << exponent);
  const auto jitter =
      static_cast<std::int64_t>(std::floor(std::clamp(unit_random, 0.0, 1.0) * static_cast<double>(ceiling)));
  Duration wait{jitter};
  if (retry_after && *retry_after > wait) {
    wait = *retry_after;
  }
  const Instant when = now + std::max(wait, Duration{1});
  if (when > visit_start - policy.before_visit) {
    return std::nullopt;
  }
  return when;
}

}  // namespace paminna
