// R5 deadlines, R8 attempts and the escalation planner, with times as parameters.
// 2026-11-23 is a Monday (internal 15:00-16:30 only); Tue-Fri open 09:00-15:30,
// lunch 12:00-13:00. Local time is UTC+1 in November, UTC+2 before 2026-10-25.
#include "domain/callback_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace paminna {
namespace {

using namespace std::chrono;

const Zone& stockholm() {
  static const Zone zone("Europe/Stockholm");
  return zone;
}
Instant local(std::string_view text) {
  return *stockholm().to_utc(*parse_local_minutes(text));
}
std::string local_text(Instant t) {
  return format_local_minutes(stockholm().to_local(t));
}
const PhoneSchedule& office() {
  static const PhoneSchedule schedule = PhoneSchedule::office_default();
  return schedule;
}

CallbackRules policy(DeadlinePolicy p, int hours = 24) {
  CallbackRules rules;
  rules.policy = p;
  rules.deadline_hours = hours;
  return rules;
}

std::string deadline(DeadlinePolicy p, std::string_view received, int hours = 24) {
  return local_text(callback_deadline(policy(p, hours), office(), stockholm(), local(received)));
}

TEST(CallbackDeadline, R5TwentyFourClockHoursWhateverTheDay) {
  EXPECT_EQ(deadline(DeadlinePolicy::clock_hours, "2026-11-27T16:00"), "2026-11-28T16:00");  // Friday -> Saturday
  EXPECT_EQ(deadline(DeadlinePolicy::clock_hours, "2026-11-24T12:30"), "2026-11-25T12:30");  // lunch
}

TEST(CallbackDeadline, R5ClockHoursAcrossTheAutumnChangeAreRealHours) {
  // 24 real hours from Saturday 10:00 CEST is Sunday 09:00 CET.
  EXPECT_EQ(deadline(DeadlinePolicy::clock_hours, "2026-10-24T10:00"), "2026-10-25T09:00");
}

TEST(CallbackDeadline, R5PhoneHoursFridayAfterClosingIsDueTheSameHourOnTheNextOpenDay) {
  // Saturday, Sunday and the internal-only Monday do not count.
  EXPECT_EQ(deadline(DeadlinePolicy::phone_days, "2026-11-27T16:00"), "2026-12-01T16:00");
  EXPECT_EQ(deadline(DeadlinePolicy::phone_days, "2026-11-28T10:00"), "2026-12-01T10:00");  // Saturday
}

TEST(CallbackDeadline, R5PhoneHoursLunchAndMondayInternalWindow) {
  EXPECT_EQ(deadline(DeadlinePolicy::phone_days, "2026-11-24T12:30"), "2026-11-25T12:30");
  EXPECT_EQ(deadline(DeadlinePolicy::phone_days, "2026-11-23T15:30"), "2026-11-24T15:30");
}

TEST(CallbackDeadline, R5PhoneHoursSkipChristmas) {
  // Christmas Eve (closed eve), Christmas Day, Boxing Day, the weekend and the internal Monday.
  EXPECT_EQ(deadline(DeadlinePolicy::phone_days, "2026-12-23T10:00"), "2026-12-29T10:00");
}

TEST(CallbackDeadline, R5PhoneHoursKeepTheWallTimeOverTheAutumnChange) {
  EXPECT_EQ(deadline(DeadlinePolicy::phone_days, "2026-10-23T10:00"), "2026-10-27T10:00");
  EXPECT_EQ(local(deadline(DeadlinePolicy::phone_days, "2026-10-23T10:00")) - local("2026-10-23T10:00"),
            hours{24 * 4 + 1});
}

TEST(CallbackDeadline, R5PhoneHoursTwoDaysAndExtraHours) {
  EXPECT_EQ(deadline(DeadlinePolicy::phone_days, "2026-11-27T16:00", 48), "2026-12-02T16:00");
  EXPECT_EQ(deadline(DeadlinePolicy::phone_days, "2026-11-27T10:00", 30), "2026-12-01T16:00");
}

TEST(StaffedTime, OpenOrInternalByTheScheduleAlone) {
  EXPECT_TRUE(is_staffed(office(), stockholm(), local("2026-11-24T09:00")));
  EXPECT_FALSE(is_staffed(office(), stockholm(), local("2026-11-24T12:30")));
  EXPECT_TRUE(is_staffed(office(), stockholm(), local("2026-11-23T15:30")));  // Monday internal
  EXPECT_EQ(local_text(*next_staffed(office(), stockholm(), local("2026-11-24T12:00"))), "2026-11-24T13:00");
  EXPECT_EQ(local_text(*next_staffed(office(), stockholm(), local("2026-11-27T16:00"))), "2026-11-30T15:00");
}

TEST(StaffedTime, FirstOpeningOfEachDay) {
  auto next = [](std::string_view after) {
    return local_text(*next_first_opening(office(), stockholm(), local(after)));
  };
  EXPECT_EQ(next("2026-11-23T09:00"), "2026-11-23T15:00");  // Monday: internal
  EXPECT_EQ(next("2026-11-23T15:00"), "2026-11-24T09:00");
  EXPECT_EQ(next("2026-11-24T13:00"), "2026-11-25T09:00");  // not after lunch
  EXPECT_EQ(next("2026-11-27T10:00"), "2026-11-30T15:00");
}

class Escalation : public ::testing::Test {
 protected:
  CallbackRules rules = [] {
    CallbackRules r;
    r.warn_before = hours{2};
    r.repeat_every = hours{1};
    return r;
  }();
  std::string next(std::string_view deadline, std::optional<std::pair<std::string_view, AlertLevel>> last) {
    std::optional<LastAlert> l;
    if (last) {
      l = LastAlert{local(last->first), last->second};
    }
    auto alert =
        next_alert(local(deadline), l, rules, [](Instant t) { return next_staffed(office(), stockholm(), t); });
    return alert ? local_text(alert->at) + " " + std::string(to_string(alert->level)) : "none";
  }
};

TEST_F(Escalation, WarnBeforeThenOverdueAtTheDeadline) {
  EXPECT_EQ(next("2026-11-25T10:00", std::nullopt), "2026-11-25T08:00 due-soon");
  EXPECT_EQ(next("2026-11-25T10:00", std::pair{"2026-11-25T08:00", AlertLevel::due_soon}), "2026-11-25T09:00 due-soon");
  EXPECT_EQ(next("2026-11-25T10:00", std::pair{"2026-11-25T09:00", AlertLevel::due_soon}), "2026-11-25T10:00 overdue");
}

TEST_F(Escalation, OverdueRepeatsDuringPhoneHoursOnly) {
  EXPECT_EQ(next("2026-11-25T10:00", std::pair{"2026-11-25T10:00", AlertLevel::overdue}), "2026-11-25T11:00 overdue");
  EXPECT_EQ(next("2026-11-25T10:00", std::pair{"2026-11-25T11:30", AlertLevel::overdue}),
            "2026-11-25T13:00 overdue");  // not in lunch
  EXPECT_EQ(next("2026-11-25T10:00", std::pair{"2026-11-25T15:00", AlertLevel::overdue}),
            "2026-11-26T09:00 overdue");  // not overnight
  EXPECT_EQ(next("2026-11-25T10:00", std::pair{"2026-11-27T15:00", AlertLevel::overdue}),
            "2026-11-30T15:00 overdue");  // not at the weekend; Monday's internal window
}

TEST_F(Escalation, WithoutWarningTheFirstAlertIsOverdueAtTheDeadlineEvenAtNight) {
  rules.warn_before = Duration::zero();
  EXPECT_EQ(next("2026-11-28T16:00", std::nullopt), "2026-11-28T16:00 overdue");
}

TEST(Attempts, R8ThreeUnansweredAttemptsMakeTheLetterDue) {
  const CallbackRules rules;
  TaskFacts task{TaskKind::contact, TaskState::open, local("2026-11-23T09:00"), local("2026-11-30T09:00"), 0, {}};
  auto first = apply_attempt(task, AttemptOutcome::no_answer, rules, local("2026-11-24T09:00"));
  EXPECT_EQ(first->state, TaskState::open);
  task.unanswered_attempts = 2;
  auto third = apply_attempt(task, AttemptOutcome::no_answer, rules, local("2026-11-26T09:00"));
  EXPECT_EQ(third->state, TaskState::letter_due);
  EXPECT_EQ(third->why, "attempts");
}

TEST(Attempts, R8OneWeekWithoutReachingMakesTheLetterDue) {
  const CallbackRules rules;
  TaskFacts task{TaskKind::contact, TaskState::open, local("2026-11-23T09:00"), local("2026-11-30T09:00"), 1, {}};
  EXPECT_EQ(contact_deadline(rules, task.opened_at), local("2026-11-30T09:00"));
  EXPECT_TRUE(letter_due_at_deadline(task));
  auto late = apply_attempt(task, AttemptOutcome::no_answer, rules, local("2026-11-30T10:00"));
  EXPECT_EQ(late->state, TaskState::letter_due);
  EXPECT_EQ(late->why, "one-week");
}

TEST(Attempts, R8ThinkingItOverLastsAtMostAWeekFromTheFirstTime) {
  const CallbackRules rules;
  TaskFacts task{TaskKind::contact, TaskState::open, local("2026-11-23T09:00"), local("2026-11-30T09:00"), 0, {}};
  auto first = apply_attempt(task, AttemptOutcome::thinking, rules, local("2026-11-24T10:00"));
  EXPECT_EQ(first->state, TaskState::thinking);
  EXPECT_EQ(first->deadline, local("2026-12-01T10:00"));
  task.state = first->state;
  task.deadline = first->deadline;
  task.thinking_since = first->thinking_since;
  auto again = apply_attempt(task, AttemptOutcome::thinking, rules, local("2026-11-27T10:00"));
  EXPECT_EQ(again->deadline, local("2026-12-01T10:00"));
  EXPECT_FALSE(letter_due_at_deadline(task));  // a thinking task becomes overdue, to be closed
}

TEST(Attempts, ReachedClosesWrongNumberDependsOnTheKind) {
  const CallbackRules rules;
  TaskFacts callback{TaskKind::callback, TaskState::open, local("2026-11-24T09:00"), local("2026-11-25T09:00"), 0, {}};
  EXPECT_EQ(apply_attempt(callback, AttemptOutcome::reached, rules, local("2026-11-24T10:00"))->closed_outcome,
            "reached");
  EXPECT_EQ(apply_attempt(callback, AttemptOutcome::wrong_number, rules, local("2026-11-24T10:00"))->state,
            TaskState::closed);
  TaskFacts contact = callback;
  contact.kind = TaskKind::contact;
  EXPECT_EQ(apply_attempt(contact, AttemptOutcome::wrong_number, rules, local("2026-11-24T10:00"))->state,
            TaskState::letter_due);
  // A callback task is never turned into a letter by unanswered attempts.
  callback.unanswered_attempts = 5;
  EXPECT_EQ(apply_attempt(callback, AttemptOutcome::no_answer, rules, local("2026-11-24T10:00"))->state,
            TaskState::open);
  callback.state = TaskState::closed;
  EXPECT_FALSE(apply_attempt(callback, AttemptOutcome::no_answer, rules, local("2026-11-24T10:00")));
}

TEST(CallbackWords, RoundTrip) {
  for (auto s : {TaskState::open, TaskState::thinking, TaskState::letter_due, TaskState::closed}) {
    EXPECT_EQ(*parse_task_state(to_string(s)), s);
  }
  EXPECT_EQ(*parse_deadline_policy("phone-hours"), DeadlinePolicy::phone_days);
  EXPECT_FALSE(parse_deadline_policy("24 h"));
}

}  // namespace
}  // namespace paminna
