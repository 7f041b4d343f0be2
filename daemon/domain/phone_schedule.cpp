#include "domain/phone_schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "domain/swedish_holidays.h"

namespace paminna {

using namespace std::chrono;

namespace {

constexpr minutes end_of_day{24 * 60};

constexpr std::array<PhoneStatus, 3> all_statuses = {PhoneStatus::open, PhoneStatus::closed, PhoneStatus::internal};
constexpr std::array<PhoneReason, 8> all_reasons = {
    PhoneReason::hours,   PhoneReason::lunch,       PhoneReason::internal, PhoneReason::outside_hours,
    PhoneReason::holiday, PhoneReason::closed_date, PhoneReason::override, PhoneReason::no_staff,
};
constexpr std::array<WindowKind, 2> all_window_kinds = {WindowKind::open, WindowKind::internal};

}  // namespace

std::string_view to_string(PhoneStatus status) {
  switch (status) {
    case PhoneStatus::open:
      return "open";
    case PhoneStatus::closed:
      return "closed";
    case PhoneStatus::internal:
      return "internal";
  }
  return "unknown";
}

std::string_view to_string(PhoneReason reason) {
  switch (reason) {
    case PhoneReason::hours:
      return "hours";
    case PhoneReason::lunch:
      return "lunch";
    case PhoneReason::internal:
      return "internal";
    case PhoneReason::outside_hours:
      return "outside_hours";
    case PhoneReason::holiday:
      return "holiday";
    case PhoneReason::closed_date:
      return "closed_date";
    case PhoneReason::override:
      return "override";
    case PhoneReason::no_staff:
      return "no_staff";
  }
  return "unknown";
}

std::string_view to_string(WindowKind kind) {
  switch (kind) {
    case WindowKind::open:
      return "open";
    case WindowKind::internal:
      return "internal";
  }
  return "unknown";
}

std::string_view to_string(weekday day) {
  static constexpr std::array<std::string_view, 7> names = {"sunday",   "monday", "tuesday", "wednesday",
                                                            "thursday", "friday", "saturday"};
  return day.ok() ? names.at(day.c_encoding()) : "unknown";
}

// ---- Configuration --------------------------------------------------------

PhoneSchedule PhoneSchedule::office_default() {
  PhoneSchedule schedule;
  const DayHours open_day{.windows = {{.start = 9h, .end = 15h + 30min, .kind = WindowKind::open}},
                          .breaks = {{.start = 12h, .end = 13h}}};
  for (const auto day : {Tuesday, Wednesday, Thursday, Friday}) {
    schedule.weekly.on(day) = open_day;
  }
  schedule.weekly.on(Monday).windows = {{.start = 15h, .end = 16h + 30min, .kind = WindowKind::internal}};
  return schedule;
}

namespace {

std::string format_date(year_month_day date) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()));
}

bool inside_day(minutes start, minutes end) {
  return start >= 0min && end <= end_of_day && start < end;
}

tl::expected<void, ScheduleError> validate_day(const DayHours& hours, std::string_view where) {
  for (const auto& window : hours.windows) {
    if (!inside_day(window.start, window.end)) {
      return tl::unexpected(
          ScheduleError{fmt::format("{}: window {}-{} must lie within 00:00-24:00 and end after it "
                                    "starts",
                                    where, format_time_of_day(window.start), format_time_of_day(window.end))});
    }
  }
  for (const auto& pause : hours.breaks) {
    if (!inside_day(pause.start, pause.end)) {
      return tl::unexpected(
          ScheduleError{fmt::format("{}: break {}-{} must lie within 00:00-24:00 and end after it "
                                    "starts",
                                    where, format_time_of_day(pause.start), format_time_of_day(pause.end))});
    }
  }
  auto sorted = hours.windows;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i].start < sorted[i - 1].end) {
      return tl::unexpected(
          ScheduleError{fmt::format("{}: windows {}-{} and {}-{} overlap", where,
                                    format_time_of_day(sorted[i - 1].start), format_time_of_day(sorted[i - 1].end),
                                    format_time_of_day(sorted[i].start), format_time_of_day(sorted[i].end))});
    }
  }
  return {};
}

}  // namespace

tl::expected<void, ScheduleError> validate_phone_schedule(const PhoneSchedule& schedule) {
  for (unsigned d = 0; d < 7; ++d) {
    if (auto ok = validate_day(schedule.weekly.days.at(d), to_string(weekday{d})); !ok) {
      return ok;
    }
  }
  for (const auto& key : schedule.holidays.closed_eves) {
    if (!is_swedish_eve_key(key)) {
      return tl::unexpected(ScheduleError{fmt::format(
          "closed_eves: '{}' is not an eve (easter_eve, midsummer_eve, christmas_eve, new_years_eve)", key)});
    }
  }
  for (const auto& closed : schedule.holidays.closed_dates) {
    if (!closed.date.ok()) {
      return tl::unexpected(ScheduleError{"closed_dates: invalid date"});
    }
  }
  const auto& open_dates = schedule.holidays.open_dates;
  for (std::size_t i = 0; i < open_dates.size(); ++i) {
    const auto& open = open_dates[i];
    if (!open.date.ok()) {
      return tl::unexpected(ScheduleError{"open_dates: invalid date"});
    }
    const auto where = fmt::format("open_dates {}", format_date(open.date));
    if (open.hours) {
      if (auto ok = validate_day(*open.hours, where); !ok) {
        return ok;
      }
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (open_dates[j].date == open.date) {
        return tl::unexpected(ScheduleError{where + ": listed twice"});
      }
    }
    for (const auto& closed : schedule.holidays.closed_dates) {
      if (closed.date == open.date) {
        return tl::unexpected(ScheduleError{where + ": also listed in closed_dates"});
      }
    }
  }
  return {};
}

// ---- The computation ------------------------------------------------------

namespace {

// What one piece of the timeline says; also the answer for one instant.
struct Verdict {
  PhoneStatus status = PhoneStatus::closed;
  PhoneReason reason = PhoneReason::outside_hours;
  std::string note;

  [[nodiscard]] bool same_state(const Verdict& other) const { return status == other.status && reason == other.reason; }
};

// A piece of the schedule (steps 3–4 of the precedence) in UTC, [begin, end).
struct Segment {
  Instant begin;
  Instant end;
  Verdict verdict;
};

// The hours that apply to one local day, or why the day is closed.
struct DayPlan {
  const DayHours* hours = nullptr;
  std::optional<Verdict> closed;
};

DayPlan plan_day(const PhoneSchedule& schedule, year_month_day date) {
  const DayHours& weekly = schedule.weekly.on(weekday{sys_days{date}});
  const auto& policy = schedule.holidays;
  for (const auto& open : policy.open_dates) {
    if (open.date == date) {
      return {open.hours ? &*open.hours : &weekly, std::nullopt};
    }
  }
  if (weekly.windows.empty()) {
    // Nothing to close: a holiday on a Sunday leaves the Sunday as it was.
    return {&weekly, std::nullopt};
  }
  for (const auto& holiday : swedish_holidays(date.year())) {
    if (holiday.date != date) {
      continue;
    }
    const bool closes =
        holiday.kind == HolidayKind::public_holiday ||
        std::find(policy.closed_eves.begin(), policy.closed_eves.end(), holiday.key) != policy.closed_eves.end();
    if (closes) {
      return {&weekly, Verdict{PhoneStatus::closed, PhoneReason::holiday, std::string{holiday.name}}};
    }
  }
  for (const auto& closed : policy.closed_dates) {
    if (closed.date == date) {
      return {&weekly, Verdict{PhoneStatus::closed, PhoneReason::closed_date, closed.note}};
    }
  }
  return {&weekly, std::nullopt};
}

Verdict verdict_at_minute(const DayHours& hours, minutes at) {
  const auto window = std::find_if(hours.windows.begin(), hours.windows.end(),
                                   [at](const PhoneWindow& w) { return w.start <= at && at < w.end; });
  if (window == hours.windows.end()) {
    return {PhoneStatus::closed, PhoneReason::outside_hours, {}};
  }
  if (window->kind == WindowKind::internal) {
    return {PhoneStatus::internal, PhoneReason::internal, {}};
  }
  const bool in_break = std::any_of(hours.breaks.begin(), hours.breaks.end(),
                                    [at](const PhoneBreak& b) { return b.start <= at && at < b.end; });
  if (in_break) {
    return {PhoneStatus::closed, PhoneReason::lunch, {}};
  }
  return {PhoneStatus::open, PhoneReason::hours, {}};
}

// The schedule's pieces for the local days that cover [from, to), contiguous.
// Boundaries are wall times resolved leniently, so pieces that fall entirely in
// a DST gap come out empty and are dropped.
std::vector<Segment> schedule_segments(const PhoneSchedule& schedule, const Zone& zone, Instant from, Instant to) {
  std::vector<Segment> segments;
  const LocalDays last = zone.local_day(to - seconds{1});
  for (LocalDays day = zone.local_day(from); day <= last; day += days{1}) {
    const DayPlan plan = plan_day(schedule, year_month_day{day});
    const auto at = [&](minutes m) { return zone.resolve_lenient(LocalMinutes{day} + m); };
    if (plan.closed) {
      segments.push_back({at(0min), at(end_of_day), *plan.closed});
      continue;
    }
    std::vector<minutes> cuts = {0min, end_of_day};
    for (const auto& w : plan.hours->windows) {
      cuts.insert(cuts.end(), {w.start, w.end});
    }
    for (const auto& b : plan.hours->breaks) {
      cuts.insert(cuts.end(), {b.start, b.end});
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
      if (cuts[i] < 0min || cuts[i + 1] > end_of_day) {
        continue;  // invalid configuration; see validate_phone_schedule
      }
      const Instant begin = at(cuts[i]);
      const Instant end = at(cuts[i + 1]);
      if (begin < end) {
        segments.push_back({begin, end, verdict_at_minute(*plan.hours, cuts[i])});
      }
    }
  }
  return segments;
}

bool override_active(const Override& o, Instant t) {
  return o.set_at <= t && t < o.until;
}

bool absent_at(const Absence& a, Instant t) {
  return (!a.from || *a.from <= t) && (!a.until || t < *a.until);
}

bool is_absent(const Presence& presence, std::string_view staff, Instant t) {
  return std::any_of(presence.absences.begin(), presence.absences.end(),
                     [&](const Absence& a) { return a.staff == staff && absent_at(a, t); });
}

bool everyone_absent(const Presence& presence, Instant t) {
  return !presence.roster.empty() && std::all_of(presence.roster.begin(), presence.roster.end(),
                                                 [&](const std::string& s) { return is_absent(presence, s, t); });
}

// The state at `t`, by the precedence in the header. `segments` must cover t.
Verdict verdict_at(const std::vector<Segment>& segments, std::span<const Override> overrides, const Presence& presence,
                   Instant t) {
  const Override* winner = nullptr;
  for (const auto& o : overrides) {
    if (override_active(o, t) && (winner == nullptr || o.set_at >= winner->set_at)) {
      winner = &o;
    }
  }
  if (winner != nullptr) {
    return {winner->status, PhoneReason::override, winner->note};
  }
  const auto after = std::upper_bound(segments.begin(), segments.end(), t,
                                      [](Instant value, const Segment& s) { return value < s.begin; });
  if (after == segments.begin()) {
    return {};  // unreachable: the segments cover t
  }
  const Verdict& scheduled = std::prev(after)->verdict;
  if (scheduled.status == PhoneStatus::open && everyone_absent(presence, t)) {
    return {PhoneStatus::closed, PhoneReason::no_staff, {}};
  }
  return scheduled;
}

}  // namespace

std::vector<PhoneTransition> phone_transitions(const PhoneSchedule& schedule, const Zone& zone,
                                               std::span<const Override> overrides, const Presence& presence,
                                               Instant from, Instant to) {
  std::vector<PhoneTransition> transitions;
  if (from >= to) {
    return transitions;
  }
  // Instants are whole seconds, so the state just before `from` is the state at from - 1s.
  const Instant before = from - seconds{1};
  const auto segments = schedule_segments(schedule, zone, before, to);

  // The state can only change where one of its inputs does: evaluate there, not minute by minute.
  std::vector<Instant> candidates;
  const auto consider = [&](Instant t) {
    if (from <= t && t < to) {
      candidates.push_back(t);
    }
  };
  for (const auto& s : segments) {
    consider(s.begin);
  }
  for (const auto& o : overrides) {
    consider(o.set_at);
    consider(o.until);
  }
  for (const auto& a : presence.absences) {
    if (a.from) {
      consider(*a.from);
    }
    if (a.until) {
      consider(*a.until);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

  Verdict current = verdict_at(segments, overrides, presence, before);
  for (const Instant t : candidates) {
    Verdict next = verdict_at(segments, overrides, presence, t);
    if (!next.same_state(current)) {
      transitions.push_back({t, next.status, next.reason, next.note});
      current = std::move(next);
    }
  }
  return transitions;
}

PhoneState compute_phone_state(const PhoneSchedule& schedule, const Zone& zone, std::span<const Override> overrides,
                               const Presence& presence, Instant now) {
  const Instant look_back = now - phone_look_back;
  const Instant look_ahead = now + phone_look_ahead;
  const auto transitions = phone_transitions(schedule, zone, overrides, presence, look_back, look_ahead);
  const auto first_after_now = std::upper_bound(transitions.begin(), transitions.end(), now,
                                                [](Instant value, const PhoneTransition& t) { return value < t.at; });

  PhoneState state;
  const auto segments = schedule_segments(schedule, zone, now, now + seconds{1});
  Verdict verdict = verdict_at(segments, overrides, presence, now);
  state.status = verdict.status;
  state.reason = verdict.reason;
  state.note = std::move(verdict.note);
  if (first_after_now == transitions.begin()) {
    state.since = look_back;
    state.since_is_bound = true;
  } else {
    state.since = std::prev(first_after_now)->at;
  }
  if (first_after_now != transitions.end()) {
    state.next = *first_after_now;
  }
  for (const auto& staff : presence.roster) {
    if (!is_absent(presence, staff, now)) {
      state.available_staff.push_back(staff);
    }
  }
  if (const auto holiday = swedish_holiday_on(year_month_day{zone.local_day(now)})) {
    state.holiday = std::string{holiday->name};
  }
  return state;
}

std::optional<Instant> resolve_override_until_next_change(const PhoneSchedule& schedule, const Zone& zone,
                                                          const Presence& presence, Instant now) {
  const auto transitions = phone_transitions(schedule, zone, {}, presence, now + seconds{1}, now + phone_look_ahead);
  if (transitions.empty()) {
    return std::nullopt;
  }
  return transitions.front().at;
}

// ---- Configuration strings ------------------------------------------------

namespace {

template <typename Enum, std::size_t N>
tl::expected<Enum, ScheduleError> parse_enum(std::string_view text, const std::array<Enum, N>& values,
                                             std::string_view what) {
  std::string expected;
  for (const Enum value : values) {
    if (to_string(value) == text) {
      return value;
    }
    expected += expected.empty() ? "" : ", ";
    expected += to_string(value);
  }
  return tl::unexpected(ScheduleError{fmt::format("'{}' is not a {} (expected one of: {})", text, what, expected)});
}

}  // namespace

tl::expected<PhoneStatus, ScheduleError> parse_phone_status(std::string_view text) {
  return parse_enum(text, all_statuses, "phone status");
}

tl::expected<PhoneReason, ScheduleError> parse_phone_reason(std::string_view text) {
  return parse_enum(text, all_reasons, "phone reason");
}

tl::expected<WindowKind, ScheduleError> parse_window_kind(std::string_view text) {
  return parse_enum(text, all_window_kinds, "window kind");
}

tl::expected<weekday, ScheduleError> parse_weekday(std::string_view text) {
  static constexpr std::array<weekday, 7> week = {Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday};
  return parse_enum(text, week, "weekday");
}

tl::expected<minutes, ScheduleError> parse_time_of_day(std::string_view text) {
  const auto refuse = [&] {
    return tl::unexpected(ScheduleError{fmt::format("'{}' is not a time of day (expected HH:MM, 00:00-24:00)", text)});
  };
  if (text.size() != 5 || text[2] != ':') {
    return refuse();
  }
  const auto two_digits = [](std::string_view part, int& out) {
    const auto* end = part.data() + part.size();
    auto [ptr, ec] = std::from_chars(part.data(), end, out);
    return ec == std::errc{} && ptr == end && part[0] >= '0' && part[0] <= '9';
  };
  int h = 0;
  int m = 0;
  if (!two_digits(text.substr(0, 2), h) || !two_digits(text.substr(3, 2), m) || m > 59 || h > 24 ||
      (h == 24 && m != 0)) {
    return refuse();
  }
  return hours{h} + minutes{m};
}

std::string format_time_of_day(minutes since_midnight) {
  const auto total = since_midnight.count();
  return fmt::format("{:02}:{:02}", total / 60, total % 60);
}

}  // namespace paminna
