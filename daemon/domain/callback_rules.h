// Callback and contact tasks (R5, R8): deadlines, attempts and escalation, as
// pure functions of (task, configuration, now). No clock, no I/O.
//
// Task lifecycle (numbers are the invariants the service keeps):
//
//        voicemail.add / contact.open
//                  |
//                  v            attempt thinking           deadline passes
//   +-------->   open  ---------------------------> thinking -----> (overdue: close it)
//   |              |  \  3 no-answer (contact), wrong-number (contact),
//   |  reached /   |   \ or the give-up day passes (contact)
//   |  close       |    +----------------------------> letter-due
//   |              v                                       | close --outcome letter-sent
//   +--------->  closed  <---------------------------------+  (recorded as unreachable)
//
//  1. A closed task never reopens; a new voicemail from the number opens a new task.
//  2. An open callback task joins later voicemails from the same number and
//     keeps the earliest deadline (a withheld number never joins).
//  3. A contact task turns letter-due after `letter_after_attempts` attempts
//     without reaching the person, or `give_up_after_days` after it was opened (R8).
//  4. "Thinking" keeps a task pending until thinking_since + thinking_days, never
//     longer: saying "thinking" again does not move that day (R8).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "domain/local_time.h"
#include "domain/phone_schedule.h"
#include "domain/time.h"

namespace paminna {

enum class DeadlinePolicy {
  clock_hours,  // "24h": deadline_hours after the message, whatever the day
  phone_days,   // "phone-hours": each 24 h lands on the next day with open phone hours
};

enum class TaskKind { callback, contact };
enum class TaskState { open, thinking, letter_due, closed };
enum class AttemptOutcome { no_answer, reached, wrong_number, thinking };
enum class AlertLevel { due_soon, overdue };

std::string_view to_string(DeadlinePolicy policy);   // 24h | phone-hours
std::string_view to_string(TaskKind kind);           // callback | contact
std::string_view to_string(TaskState state);         // open | thinking | letter-due | closed
std::string_view to_string(AttemptOutcome outcome);  // no-answer | reached | wrong-number | thinking
std::string_view to_string(AlertLevel level);        // due-soon | overdue
tl::expected<DeadlinePolicy, std::string> parse_deadline_policy(std::string_view text);
tl::expected<TaskKind, std::string> parse_task_kind(std::string_view text);
tl::expected<TaskState, std::string> parse_task_state(std::string_view text);
tl::expected<AttemptOutcome, std::string> parse_attempt_outcome(std::string_view text);
tl::expected<AlertLevel, std::string> parse_alert_level(std::string_view text);

struct CallbackRules {
  DeadlinePolicy policy = DeadlinePolicy::clock_hours;
  int deadline_hours = 24;  // R5
  Duration warn_before = std::chrono::hours{2};
  Duration repeat_every = std::chrono::hours{1};
  int letter_after_attempts = 3;  // R8
  int give_up_after_days = 7;     // R8
  int thinking_days = 7;          // R8
};

// ---- Deadlines (R5) ---------------------------------------------------------

// A local day with at least one open phone period by the schedule alone
// (weekly hours, holidays, extra closed/open dates; no overrides, no presence).
// Monday with only internal time is not an open day.
bool is_open_day(const PhoneSchedule& schedule, const Zone& zone, LocalDays day);

// clock_hours: received + deadline_hours.
// phone_days: deadline_hours = 24·d + r; the deadline is the received local time
// of day on the d-th open day after the day of the message, plus r clock hours.
// So a message left Friday after closing is due at the same hour on the next
// open day (Tuesday when Monday is internal only), a message in the lunch break
// or in Monday's internal window is due at that time on the next open day, and
// a DST change keeps the wall time (a time in the spring gap moves forward).
// Looks at most 60 days ahead; if no open day is found, falls back to clock hours.
Instant callback_deadline(const CallbackRules& rules, const PhoneSchedule& schedule, const Zone& zone,
                          Instant received);

// ---- Staffed time, for escalation and the morning summary -------------------

// Phone hours for escalation: the schedule says open or internal (Monday's
// internal window is when voicemail is worked). Overrides and presence do not
// count: a meeting does not silence an overdue task.
bool is_staffed(const PhoneSchedule& schedule, const Zone& zone, Instant at);
// The first instant >= at that is staffed; nullopt if none within phone_look_ahead.
std::optional<Instant> next_staffed(const PhoneSchedule& schedule, const Zone& zone, Instant at);
// The first opening of a day strictly after `after`: the earliest staffed
// instant of a local day (Tuesday 09:00, Monday 15:00). nullopt if none within 60 days.
std::optional<Instant> next_first_opening(const PhoneSchedule& schedule, const Zone& zone, Instant after);

// ---- Escalation -------------------------------------------------------------

struct Alert {
  Instant at;
  AlertLevel level = AlertLevel::due_soon;
  friend bool operator==(const Alert&, const Alert&) = default;
};

struct LastAlert {
  Instant at;
  AlertLevel level = AlertLevel::due_soon;
};

// The level of an alert raised at `now` for `deadline`.
AlertLevel alert_level(Instant deadline, Instant now);

// The next alert of an open task. Without a previous alert: due-soon at
// deadline − warn_before (overdue at the deadline when warn_before is 0).
// After one: the same level again at last + repeat_every moved to the next
// staffed instant, except that an overdue alert at the deadline comes first.
// `staffed_from(t)` returns the first staffed instant >= t (nullopt: none).
// The first due-soon and the first overdue alert fire at their moment even
// outside phone hours (ops may page on ERROR); only repeats wait.
std::optional<Alert> next_alert(Instant deadline, const std::optional<LastAlert>& last, const CallbackRules& rules,
                                const std::function<std::optional<Instant>(Instant)>& staffed_from);

// ---- Attempts (R8) ------------------------------------------------------------

struct TaskFacts {
  TaskKind kind = TaskKind::callback;
  TaskState state = TaskState::open;
  Instant opened_at;
  Instant deadline;
  int unanswered_attempts = 0;  // no-answer attempts recorded before this one
  std::optional<Instant> thinking_since;
};

struct AttemptResult {
  TaskState state = TaskState::open;
  Instant deadline;  // unchanged unless thinking
  std::optional<Instant> thinking_since;
  std::optional<std::string> closed_outcome;  // set when the attempt closes the task
  std::string why;                            // for the log: "three-attempts", "reached", …
};

// The task after an attempt at `now`. Error (for the caller to show) on a
// closed task.
tl::expected<AttemptResult, std::string> apply_attempt(const TaskFacts& task, AttemptOutcome outcome,
                                                       const CallbackRules& rules, Instant now);

// The deadline of a new contact task: opened + give_up_after_days (R8).
Instant contact_deadline(const CallbackRules& rules, Instant opened);

// What a task's deadline means when it passes: a contact task that is still
// open turns letter-due (R8 one week); anything else is overdue.
bool letter_due_at_deadline(const TaskFacts& task);

}  // namespace paminna
