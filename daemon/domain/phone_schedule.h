// The office phone's hours (R6) and availability (R7): one pure function that
// combines the weekly hours, lunch, internal time, Swedish holidays, extra
// closed/open dates, manual overrides and staff absence into one state, with the
// reason, when it began and when it next changes.
//
// Precedence, highest first:
//   1. an active manual override (set_at <= t < until); the most recently set wins;
//   2. staff (R7): the schedule says open, the roster is non-empty and everyone
//      on it is absent -> closed/no_staff;
//   3. the day: an extra open date opens it; else a public holiday, a closed eve
//      or an extra closed date closes the whole local day (only days that have
//      windows: a Sunday stays closed/outside_hours);
//   4. the day's windows: open (minus breaks -> closed/lunch) or internal;
//      no window -> closed/outside_hours.
//
// Time: windows are local wall times in the office's zone. Each boundary is
// mapped to UTC with Zone::resolve_lenient, so 09:00 opens at 09:00 local in
// summer and in winter; a boundary in the spring gap happens when the clocks
// jump, one in the autumn overlap at its first occurrence.
//
// A change is a change of (status, reason); the note alone does not make one.
// Contract: pure (no clock, no I/O); `now` is a parameter. Inputs are expected
// to have passed validate_phone_schedule(); on invalid input the results are
// still defined (the first matching window wins) but not meaningful.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "domain/local_time.h"
#include "domain/time.h"

namespace paminna {

enum class PhoneStatus {
  open,      // calls are taken
  closed,    // phone off: calls go to voicemail
  internal,  // R6 Monday: staff work voicemail and mail; no calls taken
};

enum class PhoneReason {
  hours,          // open: inside an open window (or an extra open date's)
  lunch,          // closed: a break cuts an open window (R6 12:00–13:00)
  internal,       // internal: inside an internal window (R6 Monday 15:00–16:30)
  outside_hours,  // closed: no window at this time of the day
  holiday,        // closed: a public holiday or an eve configured as closed; note = its name
  closed_date,    // closed: an extra closed date from the configuration; note = its note
  override,       // a manual override (open, closed or internal); note = the staff's text
  no_staff,       // closed: scheduled open but everyone on the roster is absent (R7)
};

enum class WindowKind { open, internal };

std::string_view to_string(PhoneStatus status);
std::string_view to_string(PhoneReason reason);
std::string_view to_string(WindowKind kind);
// "monday" … "sunday", as in the configuration.
std::string_view to_string(std::chrono::weekday day);

// ---- Configuration --------------------------------------------------------

// Minutes since local midnight, [start, end); end may be 24:00. A window does
// not cross midnight: split it into two days.
struct PhoneWindow {
  std::chrono::minutes start{0};
  std::chrono::minutes end{0};
  WindowKind kind = WindowKind::open;
};

// A closed break (lunch): cuts open windows, leaves internal ones alone.
struct PhoneBreak {
  std::chrono::minutes start{0};
  std::chrono::minutes end{0};
};

struct DayHours {
  std::vector<PhoneWindow> windows;
  std::vector<PhoneBreak> breaks;
};

struct WeeklySchedule {
  std::array<DayHours, 7> days;  // by weekday::c_encoding(): [0] Sunday … [6] Saturday

  [[nodiscard]] const DayHours& on(std::chrono::weekday day) const { return days.at(day.c_encoding()); }
  DayHours& on(std::chrono::weekday day) { return days.at(day.c_encoding()); }
};

struct ClosedDate {
  std::chrono::year_month_day date{};
  std::string note;  // shown as the state's note ("Personaldag")
};

struct OpenDate {
  std::chrono::year_month_day date{};
  // The day's own hours; nullopt: the normal weekday hours even though the day
  // is a holiday, a closed eve or a closed date.
  std::optional<DayHours> hours;
};

struct HolidayPolicy {
  // Eve keys (swedish_holidays.h) that close the office; public holidays always do.
  std::vector<std::string> closed_eves = {"midsummer_eve", "christmas_eve", "new_years_eve"};
  std::vector<ClosedDate> closed_dates;
  std::vector<OpenDate> open_dates;
};

struct PhoneSchedule {
  WeeklySchedule weekly;
  HolidayPolicy holidays;

  // R6: Tue–Fri open 09:00–15:30 with lunch 12:00–13:00 closed; Monday
  // 15:00–16:30 internal; otherwise closed. Midsummer, Christmas and New Year's
  // Eve closed.
  static PhoneSchedule office_default();
};

struct ScheduleError {
  std::string message;  // names the field: "tuesday: window 13:00-12:00 ends before it starts"
};

// Windows inside 00:00–24:00 with start < end, no two windows of a day
// overlapping, breaks likewise inside the day, closed_eves only eve keys, valid
// dates, and no date both closed and open or open twice.
tl::expected<void, ScheduleError> validate_phone_schedule(const PhoneSchedule& schedule);

// ---- Runtime inputs -------------------------------------------------------

// A manual setting (`phone.set`), active on [set_at, until). One whose until has
// passed is simply inactive: an override that expired while the daemon was
// stopped is ignored on start.
struct Override {
  PhoneStatus status = PhoneStatus::closed;
  std::string note;  // the staff's reason, free text
  Instant set_at;
  Instant until;  // see resolve_override_until_next_change for "until the next change"
};

struct Absence {
  std::string staff;
  std::optional<Instant> from;   // nullopt: absent already (sick); set for a planned meeting
  std::optional<Instant> until;  // nullopt: until marked present
  std::string note;
};

// R7. An empty roster means presence is not tracked and never closes the phone.
// Absences of ids not on the roster are ignored.
struct Presence {
  std::vector<std::string> roster;
  std::vector<Absence> absences;
};

// ---- Output ---------------------------------------------------------------

struct PhoneTransition {
  Instant at;
  PhoneStatus status = PhoneStatus::closed;
  PhoneReason reason = PhoneReason::outside_hours;
  std::string note;  // as PhoneState::note, for the state that begins at `at`
};

// How far compute_phone_state looks back for `since` and ahead for `next`.
inline constexpr Duration phone_look_back = std::chrono::days{14};
inline constexpr Duration phone_look_ahead = std::chrono::days{14};

struct PhoneState {
  PhoneStatus status = PhoneStatus::closed;
  PhoneReason reason = PhoneReason::outside_hours;
  std::string note;  // override text, holiday name or closed-date note; empty otherwise
  // When this (status, reason) began, computed from the inputs as given. If it
  // has held for the whole look-back, `since` is now - phone_look_back and
  // `since_is_bound` is true.
  Instant since;
  bool since_is_bound = false;
  // The first change after now within phone_look_ahead, counting override expiry
  // and absence ends; nullopt if none.
  std::optional<PhoneTransition> next;
  // Roster members not absent at now, in roster order (empty if no roster).
  std::vector<std::string> available_staff;
  // The Swedish holiday or eve of now's local day, if any, even when it does not
  // close the office (a Sunday's Påskdagen, an eve configured as open).
  std::optional<std::string> holiday;
};

PhoneState compute_phone_state(const PhoneSchedule& schedule, const Zone& zone, std::span<const Override> overrides,
                               const Presence& presence, Instant now);

// Each change in [from, to), relative to the state just before `from`, in time
// order (a change exactly at `from` is included). Empty if from >= to. For
// `phone.status` (the coming week) and `paminnactl phone week`; the state at
// `from` itself is compute_phone_state(..., from).
std::vector<PhoneTransition> phone_transitions(const PhoneSchedule& schedule, const Zone& zone,
                                               std::span<const Override> overrides, const Presence& presence,
                                               Instant from, Instant to);

// For `phone.set … until the next change`: the first instant after `now` at
// which the state without any override (schedule and presence) changes, so an
// override set at 11:00 ends at 12:00 for lunch. nullopt if nothing changes
// within phone_look_ahead: the caller must then ask for an explicit time.
std::optional<Instant> resolve_override_until_next_change(const PhoneSchedule& schedule, const Zone& zone,
                                                          const Presence& presence, Instant now);

// ---- Configuration strings ------------------------------------------------
// Exact, lower-case spellings: typos are refused, not guessed.

tl::expected<PhoneStatus, ScheduleError> parse_phone_status(std::string_view text);      // open|closed|internal
tl::expected<PhoneReason, ScheduleError> parse_phone_reason(std::string_view text);      // to_string's output
tl::expected<WindowKind, ScheduleError> parse_window_kind(std::string_view text);        // open|internal
tl::expected<std::chrono::weekday, ScheduleError> parse_weekday(std::string_view text);  // monday … sunday
// "HH:MM", 00:00–23:59, and 24:00 for the end of a window.
tl::expected<std::chrono::minutes, ScheduleError> parse_time_of_day(std::string_view text);
// "09:00"; 24:00 for the end of the day.
std::string format_time_of_day(std::chrono::minutes since_midnight);

}  // namespace paminna
