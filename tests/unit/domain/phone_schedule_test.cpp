#include "domain/phone_schedule.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace paminna {
namespace {

using namespace std::chrono;

const Zone& stockholm() {
  static const Zone zone("Europe/Stockholm");
  return zone;
}

// "2026-11-24T10:00" in Stockholm -> UTC instant.
Instant local(std::string_view text) {
  return *stockholm().to_utc(*parse_local_minutes(text));
}
std::string local_text(Instant t) {
  return format_local_minutes(stockholm().to_local(t));
}

std::string describe(const PhoneTransition& t) {
  return fmt::format("{} {}/{}", local_text(t.at), to_string(t.status), to_string(t.reason));
}

std::vector<std::string> describe(const std::vector<PhoneTransition>& transitions) {
  std::vector<std::string> out;
  out.reserve(transitions.size());
  for (const auto& t : transitions) {
    out.push_back(describe(t));
  }
  return out;
}

// "2026-03-31T07:00:00Z hours": for the DST tests, where the UTC instant is the point.
std::vector<std::string> in_utc(const std::vector<PhoneTransition>& transitions) {
  std::vector<std::string> out;
  out.reserve(transitions.size());
  for (const auto& t : transitions) {
    out.push_back(format_utc(t.at) + " " + std::string{to_string(t.reason)});
  }
  return out;
}

std::vector<std::string> week(const PhoneSchedule& schedule, std::string_view from, std::string_view to,
                              std::span<const Override> overrides = {}, const Presence& presence = {}) {
  return describe(phone_transitions(schedule, stockholm(), overrides, presence, local(from), local(to)));
}

PhoneState state_at(const PhoneSchedule& schedule, std::string_view now, std::span<const Override> overrides = {},
                    const Presence& presence = {}) {
  return compute_phone_state(schedule, stockholm(), overrides, presence, local(now));
}

std::string next_of(const PhoneState& state) {
  return state.next ? describe(*state.next) : "none";
}

const PhoneSchedule& office() {
  static const PhoneSchedule schedule = PhoneSchedule::office_default();
  return schedule;
}

// ---- R6: the weekly hours ----------------------------------------------------

TEST(PhoneSchedule, R6_AWholeOrdinaryWeek) {
  // Monday 2026-11-23 to the next Monday; no holidays.
  EXPECT_EQ(week(office(), "2026-11-23T00:00", "2026-11-30T00:00"), (std::vector<std::string>{
                                                                        "2026-11-23T15:00 internal/internal",
                                                                        "2026-11-23T16:30 closed/outside_hours",
                                                                        "2026-11-24T09:00 open/hours",
                                                                        "2026-11-24T12:00 closed/lunch",
                                                                        "2026-11-24T13:00 open/hours",
                                                                        "2026-11-24T15:30 closed/outside_hours",
                                                                        "2026-11-25T09:00 open/hours",
                                                                        "2026-11-25T12:00 closed/lunch",
                                                                        "2026-11-25T13:00 open/hours",
                                                                        "2026-11-25T15:30 closed/outside_hours",
                                                                        "2026-11-26T09:00 open/hours",
                                                                        "2026-11-26T12:00 closed/lunch",
                                                                        "2026-11-26T13:00 open/hours",
                                                                        "2026-11-26T15:30 closed/outside_hours",
                                                                        "2026-11-27T09:00 open/hours",
                                                                        "2026-11-27T12:00 closed/lunch",
                                                                        "2026-11-27T13:00 open/hours",
                                                                        "2026-11-27T15:30 closed/outside_hours",
                                                                    }));
}

TEST(PhoneSchedule, R6_StateSinceAndNextChangeAcrossTheWeek) {
  struct Case {
    const char* now;
    PhoneStatus status;
    PhoneReason reason;
    const char* since;
    const char* next;
  };
  const Case cases[] = {
      {"2026-11-23T10:00", PhoneStatus::closed, PhoneReason::outside_hours, "2026-11-20T15:30",
       "2026-11-23T15:00 internal/internal"},
      {"2026-11-23T15:00", PhoneStatus::internal, PhoneReason::internal, "2026-11-23T15:00",
       "2026-11-23T16:30 closed/outside_hours"},
      {"2026-11-23T16:29", PhoneStatus::internal, PhoneReason::internal, "2026-11-23T15:00",
       "2026-11-23T16:30 closed/outside_hours"},
      {"2026-11-24T08:59", PhoneStatus::closed, PhoneReason::outside_hours, "2026-11-23T16:30",
       "2026-11-24T09:00 open/hours"},
      {"2026-11-24T09:00", PhoneStatus::open, PhoneReason::hours, "2026-11-24T09:00", "2026-11-24T12:00 closed/lunch"},
      {"2026-11-25T12:30", PhoneStatus::closed, PhoneReason::lunch, "2026-11-25T12:00", "2026-11-25T13:00 open/hours"},
      {"2026-11-26T15:29", PhoneStatus::open, PhoneReason::hours, "2026-11-26T13:00",
       "2026-11-26T15:30 closed/outside_hours"},
      {"2026-11-28T11:00", PhoneStatus::closed, PhoneReason::outside_hours, "2026-11-27T15:30",
       "2026-11-30T15:00 internal/internal"},
      {"2026-11-29T23:59", PhoneStatus::closed, PhoneReason::outside_hours, "2026-11-27T15:30",
       "2026-11-30T15:00 internal/internal"},
  };
  for (const auto& c : cases) {
    const auto state = state_at(office(), c.now);
    EXPECT_EQ(state.status, c.status) << c.now;
    EXPECT_EQ(state.reason, c.reason) << c.now;
    EXPECT_EQ(local_text(state.since), c.since) << c.now;
    EXPECT_FALSE(state.since_is_bound) << c.now;
    EXPECT_EQ(next_of(state), c.next) << c.now;
    EXPECT_FALSE(state.holiday.has_value()) << c.now;
  }
}

TEST(PhoneSchedule, R6_TransitionAtFromIsIncludedAndToIsExcluded) {
  EXPECT_EQ(week(office(), "2026-11-24T09:00", "2026-11-24T12:00"),
            (std::vector<std::string>{"2026-11-24T09:00 open/hours"}));
  EXPECT_TRUE(week(office(), "2026-11-24T09:01", "2026-11-24T12:00").empty());
  EXPECT_TRUE(week(office(), "2026-11-24T12:00", "2026-11-24T09:00").empty());
}

// ---- DST: windows are wall times --------------------------------------------

TEST(PhoneSchedule, R6_SpringForwardWeekOpensAt0900LocalIn0700Utc) {
  // Clocks go forward on Sunday 2026-03-29. Friday before: CET; Tuesday after: CEST.
  const auto transitions =
      phone_transitions(office(), stockholm(), {}, {}, local("2026-03-27T00:00"), local("2026-04-03T00:00"));
  EXPECT_EQ(in_utc(transitions), (std::vector<std::string>{
                                     "2026-03-27T08:00:00Z hours",
                                     "2026-03-27T11:00:00Z lunch",
                                     "2026-03-27T12:00:00Z hours",
                                     "2026-03-27T14:30:00Z outside_hours",
                                     "2026-03-30T13:00:00Z internal",
                                     "2026-03-30T14:30:00Z outside_hours",
                                     "2026-03-31T07:00:00Z hours",
                                     "2026-03-31T10:00:00Z lunch",
                                     "2026-03-31T11:00:00Z hours",
                                     "2026-03-31T13:30:00Z outside_hours",
                                     "2026-04-01T07:00:00Z hours",
                                     "2026-04-01T10:00:00Z lunch",
                                     "2026-04-01T11:00:00Z hours",
                                     "2026-04-01T13:30:00Z outside_hours",
                                     "2026-04-02T07:00:00Z hours",
                                     "2026-04-02T10:00:00Z lunch",
                                     "2026-04-02T11:00:00Z hours",
                                     "2026-04-02T13:30:00Z outside_hours",
                                 }));
  // Friday 2026-04-03 is Långfredagen: closed all day, so nothing more before the 3rd.
}

TEST(PhoneSchedule, R6_FallBackWeekOpensAt0900LocalIn0800Utc) {
  // Clocks go back on Sunday 2026-10-25.
  const auto transitions =
      phone_transitions(office(), stockholm(), {}, {}, local("2026-10-23T00:00"), local("2026-10-28T00:00"));
  EXPECT_EQ(in_utc(transitions), (std::vector<std::string>{
                                     "2026-10-23T07:00:00Z hours",
                                     "2026-10-23T10:00:00Z lunch",
                                     "2026-10-23T11:00:00Z hours",
                                     "2026-10-23T13:30:00Z outside_hours",
                                     "2026-10-26T14:00:00Z internal",
                                     "2026-10-26T15:30:00Z outside_hours",
                                     "2026-10-27T08:00:00Z hours",
                                     "2026-10-27T11:00:00Z lunch",
                                     "2026-10-27T12:00:00Z hours",
                                     "2026-10-27T14:30:00Z outside_hours",
                                 }));
  // Over the weekend the state lasted across the change: since Friday 15:30 CEST.
  const auto state = state_at(office(), "2026-10-26T09:00");
  EXPECT_EQ(format_utc(state.since), "2026-10-23T13:30:00Z");
  EXPECT_EQ(format_utc(state.next->at), "2026-10-26T14:00:00Z");
}

TEST(PhoneSchedule, WindowsInsideTheDstGapAndOverlapResolveLeniently) {
  PhoneSchedule schedule;
  schedule.holidays.closed_eves.clear();
  schedule.weekly.on(Sunday).windows = {{.start = 2h + 30min, .end = 3h + 30min, .kind = WindowKind::open}};
  // Spring: 02:30 does not exist; the window opens when the clocks jump (03:00 CEST = 01:00Z).
  EXPECT_EQ(
      describe(phone_transitions(schedule, stockholm(), {}, {}, local("2026-03-29T00:00"), local("2026-03-30T00:00"))),
      (std::vector<std::string>{"2026-03-29T03:00 open/hours", "2026-03-29T03:30 closed/outside_hours"}));
  // Autumn: 02:30 occurs twice; the window opens at the first (00:30Z) and closes at 03:30 CET (02:30Z).
  const auto autumn =
      phone_transitions(schedule, stockholm(), {}, {}, local("2026-10-25T00:00"), local("2026-10-26T00:00"));
  ASSERT_EQ(autumn.size(), 2U);
  EXPECT_EQ(format_utc(autumn[0].at), "2026-10-25T00:30:00Z");
  EXPECT_EQ(format_utc(autumn[1].at), "2026-10-25T02:30:00Z");
  // A window wholly inside the gap never opens.
  schedule.weekly.on(Sunday).windows = {{.start = 2h + 10min, .end = 2h + 50min, .kind = WindowKind::open}};
  EXPECT_TRUE(
      phone_transitions(schedule, stockholm(), {}, {}, local("2026-03-29T00:00"), local("2026-03-30T00:00")).empty());
}

// ---- Holidays ------------------------------------------------------------------

TEST(PhoneSchedule, R6_MidsummerEveOnAFridayIsClosed) {
  const auto state = state_at(office(), "2026-06-19T10:00");
  EXPECT_EQ(state.status, PhoneStatus::closed);
  EXPECT_EQ(state.reason, PhoneReason::holiday);
  EXPECT_EQ(state.note, "Midsommarafton");
  EXPECT_EQ(state.holiday, "Midsommarafton");
  EXPECT_EQ(local_text(state.since), "2026-06-19T00:00");
  // Midsommardagen is a Saturday: an ordinary closed weekend day.
  EXPECT_EQ(next_of(state), "2026-06-20T00:00 closed/outside_hours");
  EXPECT_EQ(week(office(), "2026-06-18T00:00", "2026-06-23T00:00"),
            (std::vector<std::string>{"2026-06-18T09:00 open/hours", "2026-06-18T12:00 closed/lunch",
                                      "2026-06-18T13:00 open/hours", "2026-06-18T15:30 closed/outside_hours",
                                      "2026-06-19T00:00 closed/holiday", "2026-06-20T00:00 closed/outside_hours",
                                      "2026-06-22T15:00 internal/internal", "2026-06-22T16:30 closed/outside_hours"}));
  EXPECT_EQ(state_at(office(), "2026-06-20T10:00").holiday, "Midsommardagen");
}

TEST(PhoneSchedule, R6_EpiphanyOnATuesdayIsClosed) {
  const auto state = state_at(office(), "2026-01-06T10:00");
  EXPECT_EQ(state.status, PhoneStatus::closed);
  EXPECT_EQ(state.reason, PhoneReason::holiday);
  EXPECT_EQ(state.note, "Trettondedag jul");
  EXPECT_EQ(local_text(state.since), "2026-01-06T00:00");
  EXPECT_EQ(next_of(state), "2026-01-07T00:00 closed/outside_hours");
  EXPECT_EQ(next_of(state_at(office(), "2026-01-07T00:00")), "2026-01-07T09:00 open/hours");
}

TEST(PhoneSchedule, R6_EasterMondayCancelsTheInternalHour) {
  const auto state = state_at(office(), "2026-04-06T15:30");
  EXPECT_EQ(state.reason, PhoneReason::holiday);
  EXPECT_EQ(state.note, "Annandag påsk");
  // Långfredagen, the weekend and Annandag påsk: closed from Thursday 15:30 until Tuesday 09:00.
  EXPECT_EQ(week(office(), "2026-04-02T16:00", "2026-04-07T10:00"),
            (std::vector<std::string>{"2026-04-03T00:00 closed/holiday", "2026-04-04T00:00 closed/outside_hours",
                                      "2026-04-06T00:00 closed/holiday", "2026-04-07T00:00 closed/outside_hours",
                                      "2026-04-07T09:00 open/hours"}));
}

TEST(PhoneSchedule, R6_ChristmasEveAndDayRunTogetherAsOneHolidayState) {
  // Thursday 24 (Julafton, closed eve) and Friday 25 (Juldagen): one (closed, holiday) state.
  const auto state = state_at(office(), "2026-12-25T10:00");
  EXPECT_EQ(state.note, "Juldagen");
  EXPECT_EQ(local_text(state.since), "2026-12-24T00:00");
  EXPECT_EQ(next_of(state), "2026-12-26T00:00 closed/outside_hours");
}

TEST(PhoneSchedule, R6_AnEveNotConfiguredClosedKeepsItsHours) {
  PhoneSchedule schedule = PhoneSchedule::office_default();
  schedule.holidays.closed_eves = {"midsummer_eve", "new_years_eve"};
  const auto state = state_at(schedule, "2026-12-24T10:00");
  EXPECT_EQ(state.status, PhoneStatus::open);
  EXPECT_EQ(state.reason, PhoneReason::hours);
  EXPECT_EQ(state.holiday, "Julafton");
  EXPECT_EQ(state_at(schedule, "2026-12-31T10:00").reason, PhoneReason::holiday);
}

TEST(PhoneSchedule, ExtraClosedDate) {
  PhoneSchedule schedule = PhoneSchedule::office_default();
  schedule.holidays.closed_dates = {{year{2026} / November / 25, "Personaldag"}};
  const auto state = state_at(schedule, "2026-11-25T10:00");
  EXPECT_EQ(state.status, PhoneStatus::closed);
  EXPECT_EQ(state.reason, PhoneReason::closed_date);
  EXPECT_EQ(state.note, "Personaldag");
  EXPECT_EQ(local_text(state.since), "2026-11-25T00:00");
  EXPECT_EQ(next_of(state), "2026-11-26T00:00 closed/outside_hours");
  EXPECT_EQ(state_at(schedule, "2026-11-24T10:00").reason, PhoneReason::hours);
}

TEST(PhoneSchedule, ExtraOpenDateWithItsOwnHours) {
  PhoneSchedule schedule = PhoneSchedule::office_default();
  schedule.holidays.open_dates = {
      {year{2026} / November / 28, DayHours{.windows = {{10h, 14h, WindowKind::open}}, .breaks = {}}}};
  EXPECT_EQ(week(schedule, "2026-11-28T00:00", "2026-11-29T00:00"),
            (std::vector<std::string>{"2026-11-28T10:00 open/hours", "2026-11-28T14:00 closed/outside_hours"}));
}

TEST(PhoneSchedule, ExtraOpenDateWithNormalHoursOnAHoliday) {
  PhoneSchedule schedule = PhoneSchedule::office_default();
  schedule.holidays.open_dates = {{year{2026} / January / 6, std::nullopt}};
  const auto state = state_at(schedule, "2026-01-06T10:00");
  EXPECT_EQ(state.status, PhoneStatus::open);
  EXPECT_EQ(state.reason, PhoneReason::hours);
  EXPECT_EQ(local_text(state.since), "2026-01-06T09:00");
  EXPECT_EQ(state.holiday, "Trettondedag jul");
  EXPECT_EQ(next_of(state), "2026-01-06T12:00 closed/lunch");
}

// ---- Overrides -------------------------------------------------------------------

TEST(PhoneSchedule, OverrideClosedAcrossLunchEndsInOpenAt1400) {
  const std::vector<Override> overrides = {
      {PhoneStatus::closed, "APT", local("2026-11-24T11:00"), local("2026-11-24T14:00")}};
  const auto state = state_at(office(), "2026-11-24T12:30", overrides);
  EXPECT_EQ(state.status, PhoneStatus::closed);
  EXPECT_EQ(state.reason, PhoneReason::override);
  EXPECT_EQ(state.note, "APT");
  EXPECT_EQ(local_text(state.since), "2026-11-24T11:00");
  EXPECT_EQ(next_of(state), "2026-11-24T14:00 open/hours");
  EXPECT_EQ(week(office(), "2026-11-24T00:00", "2026-11-25T00:00", overrides),
            (std::vector<std::string>{"2026-11-24T09:00 open/hours", "2026-11-24T11:00 closed/override",
                                      "2026-11-24T14:00 open/hours", "2026-11-24T15:30 closed/outside_hours"}));
}

TEST(PhoneSchedule, OverrideThatExpiredWhileTheDaemonWasStoppedIsIgnored) {
  // Set Monday 10:00 until Tuesday 10:00; the daemon comes back on Tuesday at 11:00.
  const std::vector<Override> overrides = {
      {PhoneStatus::closed, "utbildning", local("2026-11-23T10:00"), local("2026-11-24T10:00")}};
  const auto state = state_at(office(), "2026-11-24T11:00", overrides);
  EXPECT_EQ(state.status, PhoneStatus::open);
  EXPECT_EQ(state.reason, PhoneReason::hours);
  EXPECT_EQ(state.note, "");
  EXPECT_EQ(local_text(state.since), "2026-11-24T10:00");  // when it expired
  EXPECT_EQ(next_of(state), "2026-11-24T12:00 closed/lunch");
  // One that expired last week leaves no trace at all.
  const std::vector<Override> old = {
      {PhoneStatus::closed, "utbildning", local("2026-11-16T10:00"), local("2026-11-17T10:00")}};
  EXPECT_EQ(local_text(state_at(office(), "2026-11-24T11:00", old).since), "2026-11-24T09:00");
}

TEST(PhoneSchedule, OverrideOpenOnAWeekendAndTheLatestOverrideWins) {
  const std::vector<Override> overrides = {
      {PhoneStatus::open, "jourtelefon", local("2026-11-28T10:00"), local("2026-11-28T16:00")},
      {PhoneStatus::closed, "alla på akut ärende", local("2026-11-28T12:00"), local("2026-11-28T13:00")},
  };
  EXPECT_EQ(week(office(), "2026-11-28T00:00", "2026-11-29T00:00", overrides),
            (std::vector<std::string>{"2026-11-28T10:00 open/override", "2026-11-28T12:00 closed/override",
                                      "2026-11-28T13:00 open/override", "2026-11-28T16:00 closed/outside_hours"}));
  EXPECT_EQ(state_at(office(), "2026-11-28T12:30", overrides).note, "alla på akut ärende");
}

TEST(PhoneSchedule, OverrideUntilTheNextScheduledChange) {
  const auto until = [](std::string_view now, const Presence& presence = {}) {
    const auto resolved = resolve_override_until_next_change(office(), stockholm(), presence, local(now));
    return resolved ? local_text(*resolved) : "none";
  };
  EXPECT_EQ(until("2026-11-24T11:00"), "2026-11-24T12:00");  // to lunch
  EXPECT_EQ(until("2026-11-24T12:00"), "2026-11-24T13:00");  // lunch itself began now
  EXPECT_EQ(until("2026-11-24T15:45"), "2026-11-25T09:00");
  EXPECT_EQ(until("2026-11-27T16:00"), "2026-11-30T15:00");  // Friday evening -> Monday's internal hour
  // R7: the colleague coming back is a change too.
  const Presence presence{{"AB"}, {{"AB", std::nullopt, local("2026-11-24T10:30"), "sjuk"}}};
  EXPECT_EQ(until("2026-11-24T10:00", presence), "2026-11-24T10:30");
  // Nothing within the look-ahead.
  const auto never = resolve_override_until_next_change(PhoneSchedule{}, stockholm(), {}, local("2026-11-24T10:00"));
  EXPECT_FALSE(never.has_value());
}

// ---- R7: staff --------------------------------------------------------------------

TEST(PhoneSchedule, R7_EveryoneAbsentClosesWithNoStaffUntilTheAbsenceEnds) {
  const Presence presence{
      {"AB", "CD"},
      {{"AB", std::nullopt, std::nullopt, "sjuk"}, {"CD", std::nullopt, local("2026-11-24T10:30"), "läkarbesök"}}};
  const auto state = state_at(office(), "2026-11-24T10:00", {}, presence);
  EXPECT_EQ(state.status, PhoneStatus::closed);
  EXPECT_EQ(state.reason, PhoneReason::no_staff);
  EXPECT_EQ(local_text(state.since), "2026-11-24T09:00");
  EXPECT_EQ(next_of(state), "2026-11-24T10:30 open/hours");
  EXPECT_TRUE(state.available_staff.empty());

  const auto later = state_at(office(), "2026-11-24T11:00", {}, presence);
  EXPECT_EQ(later.reason, PhoneReason::hours);
  EXPECT_EQ(local_text(later.since), "2026-11-24T10:30");
  EXPECT_EQ(later.available_staff, (std::vector<std::string>{"CD"}));
}

TEST(PhoneSchedule, R7_NoStaffOnlyClosesWhatWouldBeOpen) {
  const Presence presence{{"AB"}, {{"AB", std::nullopt, std::nullopt, "semester"}}};
  // The internal hour and lunch keep their own reasons.
  EXPECT_EQ(state_at(office(), "2026-11-23T15:30", {}, presence).reason, PhoneReason::internal);
  EXPECT_EQ(state_at(office(), "2026-11-24T12:30", {}, presence).reason, PhoneReason::lunch);
  EXPECT_EQ(week(office(), "2026-11-24T00:00", "2026-11-25T00:00", {}, presence),
            (std::vector<std::string>{"2026-11-24T09:00 closed/no_staff", "2026-11-24T12:00 closed/lunch",
                                      "2026-11-24T13:00 closed/no_staff", "2026-11-24T15:30 closed/outside_hours"}));
  // An open override still wins (precedence 1).
  const std::vector<Override> overrides = {
      {PhoneStatus::open, "vikarie", local("2026-11-24T09:00"), local("2026-11-24T12:00")}};
  EXPECT_EQ(state_at(office(), "2026-11-24T10:00", overrides, presence).status, PhoneStatus::open);
}

TEST(PhoneSchedule, R7_APlannedMeetingOfTheWholeGroup) {
  const Presence presence{{"AB", "CD"},
                          {{"AB", local("2026-11-25T10:00"), local("2026-11-25T11:00"), "handledning"},
                           {"CD", local("2026-11-25T10:00"), local("2026-11-25T11:00"), "handledning"}}};
  EXPECT_EQ(week(office(), "2026-11-25T00:00", "2026-11-26T00:00", {}, presence),
            (std::vector<std::string>{"2026-11-25T09:00 open/hours", "2026-11-25T10:00 closed/no_staff",
                                      "2026-11-25T11:00 open/hours", "2026-11-25T12:00 closed/lunch",
                                      "2026-11-25T13:00 open/hours", "2026-11-25T15:30 closed/outside_hours"}));
  EXPECT_EQ(state_at(office(), "2026-11-25T09:30", {}, presence).available_staff,
            (std::vector<std::string>{"AB", "CD"}));
}

TEST(PhoneSchedule, R7_OneColleagueAbsentOrAnEmptyRosterKeepsThePhoneOpen) {
  const Presence one{{"AB", "CD"},
                     {{"AB", std::nullopt, std::nullopt, "sjuk"}, {"XY", std::nullopt, std::nullopt, ""}}};
  const auto state = state_at(office(), "2026-11-24T10:00", {}, one);
  EXPECT_EQ(state.reason, PhoneReason::hours);
  EXPECT_EQ(state.available_staff, (std::vector<std::string>{"CD"}));
  const Presence untracked{{}, {{"AB", std::nullopt, std::nullopt, "sjuk"}}};
  EXPECT_EQ(state_at(office(), "2026-11-24T10:00", {}, untracked).reason, PhoneReason::hours);
}

TEST(PhoneSchedule, SinceIsBoundedByTheLookBack) {
  const PhoneSchedule never_open;
  const auto state = state_at(never_open, "2026-11-24T10:00");
  EXPECT_EQ(state.reason, PhoneReason::outside_hours);
  EXPECT_TRUE(state.since_is_bound);
  EXPECT_EQ(state.since, local("2026-11-24T10:00") - phone_look_back);
  EXPECT_FALSE(state.next.has_value());
}

// ---- Configuration -------------------------------------------------------------

TEST(PhoneSchedule, R6_OfficeDefaultIsValid) {
  EXPECT_TRUE(validate_phone_schedule(office()).has_value());
  EXPECT_TRUE(validate_phone_schedule(PhoneSchedule{}).has_value());
}

TEST(PhoneSchedule, ValidationNamesTheField) {
  PhoneSchedule overlap = PhoneSchedule::office_default();
  overlap.weekly.on(Wednesday).windows.push_back({15h, 16h, WindowKind::internal});
  EXPECT_EQ(validate_phone_schedule(overlap).error().message, "wednesday: windows 09:00-15:30 and 15:00-16:00 overlap");

  PhoneSchedule backwards;
  backwards.weekly.on(Tuesday).windows = {{13h, 12h, WindowKind::open}};
  EXPECT_EQ(validate_phone_schedule(backwards).error().message,
            "tuesday: window 13:00-12:00 must lie within 00:00-24:00 and end after it starts");

  PhoneSchedule late_break;
  late_break.weekly.on(Friday).breaks = {{23h, 25h}};
  EXPECT_FALSE(validate_phone_schedule(late_break).has_value());

  PhoneSchedule bad_eve;
  bad_eve.holidays.closed_eves = {"midsummer_day"};
  EXPECT_EQ(validate_phone_schedule(bad_eve).error().message,
            "closed_eves: 'midsummer_day' is not an eve (easter_eve, midsummer_eve, christmas_eve, new_years_eve)");

  PhoneSchedule both;
  both.holidays.closed_dates = {{year{2026} / November / 25, ""}};
  both.holidays.open_dates = {{year{2026} / November / 25, std::nullopt}};
  EXPECT_EQ(validate_phone_schedule(both).error().message, "open_dates 2026-11-25: also listed in closed_dates");

  PhoneSchedule twice;
  twice.holidays.open_dates = {{year{2026} / November / 28, std::nullopt}, {year{2026} / November / 28, std::nullopt}};
  EXPECT_EQ(validate_phone_schedule(twice).error().message, "open_dates 2026-11-28: listed twice");

  PhoneSchedule bad_date;
  bad_date.holidays.closed_dates = {{year{2026} / February / 30, ""}};
  EXPECT_FALSE(validate_phone_schedule(bad_date).has_value());
}

TEST(PhoneSchedule, ParsesConfigurationStrings) {
  EXPECT_EQ(parse_phone_status("open"), PhoneStatus::open);
  EXPECT_EQ(parse_phone_status("closed"), PhoneStatus::closed);
  EXPECT_EQ(parse_phone_status("internal"), PhoneStatus::internal);
  EXPECT_EQ(parse_phone_status("Open").error().message,
            "'Open' is not a phone status (expected one of: open, closed, internal)");
  EXPECT_EQ(parse_window_kind("internal"), WindowKind::internal);
  EXPECT_FALSE(parse_window_kind("closed").has_value());
  for (const auto reason :
       {PhoneReason::hours, PhoneReason::lunch, PhoneReason::internal, PhoneReason::outside_hours, PhoneReason::holiday,
        PhoneReason::closed_date, PhoneReason::override, PhoneReason::no_staff}) {
    EXPECT_EQ(parse_phone_reason(to_string(reason)), reason) << to_string(reason);
  }
  EXPECT_EQ(parse_weekday("monday"), Monday);
  EXPECT_EQ(parse_weekday("sunday"), Sunday);
  EXPECT_FALSE(parse_weekday("mon").has_value());
  EXPECT_FALSE(parse_weekday("måndag").has_value());
  EXPECT_EQ(to_string(Wednesday), "wednesday");
}

TEST(PhoneSchedule, ParsesTimesOfDay) {
  EXPECT_EQ(parse_time_of_day("09:00"), 9h);
  EXPECT_EQ(parse_time_of_day("15:30"), 15h + 30min);
  EXPECT_EQ(parse_time_of_day("00:00"), 0min);
  EXPECT_EQ(parse_time_of_day("24:00"), 24h);
  for (const char* bad :
       {"9:00", "09:0", "24:01", "25:00", "09:60", "ab:cd", "-1:00", "09-00", "09:00 ", "", "+9:00"}) {
    EXPECT_FALSE(parse_time_of_day(bad).has_value()) << bad;
  }
  EXPECT_EQ(format_time_of_day(9h + 5min), "09:05");
  EXPECT_EQ(format_time_of_day(24h), "24:00");
}

}  // namespace
}  // namespace paminna
