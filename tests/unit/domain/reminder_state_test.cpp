#include "domain/reminder_state.h"

#include <gtest/gtest.h>

#include "domain/local_time.h"

namespace paminna {
namespace {

using namespace std::chrono_literals;

const Instant kNow = *parse_utc("2026-11-24T09:00:00Z");
const Instant kVisit = *parse_utc("2026-11-25T09:00:00Z");

TEST(ReminderState, NamesRoundTripAndFinalStates) {
  for (const auto state : {ReminderState::scheduled, ReminderState::sending, ReminderState::sent, ReminderState::retry,
                           ReminderState::held, ReminderState::failed, ReminderState::skipped, ReminderState::cancelled,
                           ReminderState::expired}) {
    EXPECT_EQ(parse_reminder_state(to_string(state)), state);
  }
  EXPECT_FALSE(parse_reminder_state("delivered").has_value());
  EXPECT_FALSE(is_final(ReminderState::scheduled));
  EXPECT_FALSE(is_final(ReminderState::sending));
  EXPECT_FALSE(is_final(ReminderState::retry));
  EXPECT_FALSE(is_final(ReminderState::held));
  EXPECT_TRUE(is_final(ReminderState::sent));
  EXPECT_TRUE(is_final(ReminderState::expired));
}

TEST(Backoff, FullJitterWithinAnExponentialCeiling) {
  const BackoffPolicy policy;  // base 30 s, cap 30 min
  EXPECT_EQ(*next_attempt(policy, 1, 0.999, std::nullopt, kNow, kVisit), kNow + 29s);
  EXPECT_EQ(*next_attempt(policy, 3, 0.5, std::nullopt, kNow, kVisit), kNow + 60s);      // ceiling 120 s
  EXPECT_EQ(*next_attempt(policy, 7, 0.999, std::nullopt, kNow, kVisit), kNow + 1798s);  // capped at 1800 s
  EXPECT_EQ(*next_attempt(policy, 1, 0.0, std::nullopt, kNow, kVisit), kNow + 1s);       // never a busy loop
}

TEST(Backoff, RetryAfterIsAFloor) {
  EXPECT_EQ(*next_attempt({}, 1, 0.1, 600s, kNow, kVisit), kNow + 600s);
  EXPECT_EQ(*next_attempt({}, 1, 0.9, 5s, kNow, kVisit), kNow + 27s);
}

TEST(Backoff, GivesUpWhenOutOfAttempts) {
  const BackoffPolicy policy;
  EXPECT_FALSE(next_attempt(policy, policy.max_attempts, 0.5, std::nullopt, kNow, kNow + 24h).has_value());
}

// Found by the gateway fault campaign: with a cap of 8, a ten-minute outage
// plus a few ordinary faults failed reminders for visits a day away.
TEST(Backoff, AnOutageOfAnHourDoesNotFailTomorrowsReminder) {
  EXPECT_TRUE(next_attempt({}, 8, 0.5, std::nullopt, kNow, kNow + 24h).has_value());
  EXPECT_TRUE(next_attempt({}, 12, 0.5, std::nullopt, kNow, kNow + 24h).has_value());
}

TEST(Backoff, NoRetryThatWouldLeaveTooCloseToTheVisit) {
  // 20 minutes before the visit, a retry 10 minutes later would be inside the 15-minute margin.
  const auto visit = kNow + 20min;
  EXPECT_FALSE(next_attempt({}, 1, 0.5, 600s, kNow, visit).has_value());
  EXPECT_TRUE(next_attempt({}, 1, 0.5, 60s, kNow, visit).has_value());
}

}  // namespace
}  // namespace paminna
