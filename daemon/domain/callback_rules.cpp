#include "domain/callback_rules.h"

#include <array>
#include <utility>

namespace paminna {

using namespace std::chrono;

namespace {

template <typename E, std::size_t N>
tl::expected<E, std::string> parse_word(std::string_view text,
                                        const std::array<std::pair<std::string_view, E>, N>& words,
                                        std::string_view expected) {
  for (const auto& [word, value] : words) {
    if (word == text) {
      return value;
    }
  }
  return tl::unexpected("must be one of " + std::string(expected));
}

constexpr std::array kPolicies{std::pair{std::string_view("24h"), DeadlinePolicy::clock_hours},
                               std::pair{std::string_view("phone-hours"), DeadlinePolicy::phone_days}};
constexpr std::array kKinds{std::pair{std::string_view("callback"), TaskKind::callback},
                            std::pair{std::string_view("contact"), TaskKind::contact}};
constexpr std::array kStates{std::pair{std::string_view("open"), TaskState::open},
                             std::pair{std::string_view("thinking"), TaskState::thinking},
                             std::pair{std::string_view("letter-due"), TaskState::letter_due},
                             std::pair{std::string_view("closed"), TaskState::closed}};
constexpr std::array kOutcomes{std::pair{std::string_view("no-answer"), AttemptOutcome::no_answer},
                               std::pair{std::string_view("reached"), AttemptOutcome::reached},
                               std::pair{std::string_view("wrong-number"), AttemptOutcome::wrong_number},
                               std::pair{std::string_view("thinking"), AttemptOutcome::thinking}};
constexpr std::array kLevels{std::pair{std::string_view("due-soon"), AlertLevel::due_soon},
                             std::pair{std::string_view("overdue"), AlertLevel::overdue}};

template <typename E, std::size_t N>
std::string_view word_of(E value, const std::array<std::pair<std::string_view, E>, N>& words) {
  for (const auto& [word, v] : words) {
    if (v == value) {
      return word;
    }
  }
  return "?";
}

constexpr int kDaysAhead = 60;

bool staffed_status(PhoneStatus status) {
  return status == PhoneStatus::open || status == PhoneStatus::internal;
}

}  // namespace

std::string_view to_string(DeadlinePolicy v) {
  return word_of(v, kPolicies);
}
std::string_view to_string(TaskKind v) {
  return word_of(v, kKinds);
}
std::string_view to_string(TaskState v) {
  return word_of(v, kStates);
}
std::string_view to_string(AttemptOutcome v) {
  return word_of(v, kOutcomes);
}
std::string_view to_string(AlertLevel v) {
  return word_of(v, kLevels);
}
tl::expected<DeadlinePolicy, std::string> parse_deadline_policy(std::string_view t) {
  return parse_word(t, kPolicies, "24h, phone-hours");
}
tl::expected<TaskKind, std::string> parse_task_kind(std::string_view t) {
  return parse_word(t, kKinds, "callback, contact");
}
tl::expected<TaskState, std::string> parse_task_state(std::string_view t) {
  return parse_word(t, kStates, "open, thinking, letter-due, closed");
}
tl::expected<AttemptOutcome, std::string> parse_attempt_outcome(std::string_view t) {
  return parse_word(t, kOutcomes, "no-answer, reached, wrong-number, thinking");
}
tl::expected<AlertLevel, std::string> parse_alert_level(std::string_view t) {
  return parse_word(t, kLevels, "due-soon, overdue");
}

bool is_open_day(const PhoneSchedule& schedule, const Zone& zone, LocalDays day) {
  const auto from = zone.start_of_day(day);
  const auto to = zone.start_of_day(day + days{1});
  if (compute_phone_state(schedule, zone, {}, {}, from).status == PhoneStatus::open) {
    return true;
  }
  for (const auto& t : phone_transitions(schedule, zone, {}, {}, from, to)) {
    if (t.status == PhoneStatus::open) {
      return true;
    }
  }
  return false;
}

Instant callback_deadline(const CallbackRules& rules, const PhoneSchedule& schedule, const Zone& zone,
                          Instant received) {
  const auto hours_total = hours{rules.deadline_hours};
  if (rules.policy == DeadlinePolicy::clock_hours) {
    return received + hours_total;
  }
  const int whole_days = rules.deadline_hours / 24;
  const hours rest{rules.deadline_hours % 24};
  const auto local = zone.to_local(received);
  const auto received_day = floor<days>(local);
  const auto time_of_day = floor<minutes>(local - received_day);
  auto day = LocalDays{received_day.time_since_epoch()};
  for (int found = 0; found < whole_days;) {
    day += days{1};
    if (day - LocalDays{received_day.time_since_epoch()} > days{kDaysAhead}) {
      return received + hours_total;  // no open day at all: the schedule is empty
    }
    if (is_open_day(schedule, zone, day)) {
      ++found;
    }
  }
  const auto wall = LocalMinutes{(day + time_of_day).time_since_epoch()};
  // A time in the spring gap resolves forward; seconds of the message are kept.
  const auto seconds_part = floor<seconds>(local - received_day) - time_of_day;
  return zone.resolve_lenient(wall) + seconds_part + rest;
}

bool is_staffed(const PhoneSchedule& schedule, const Zone& zone, Instant at) {
  return staffed_status(compute_phone_state(schedule, zone, {}, {}, at).status);
}

std::optional<Instant> next_staffed(const PhoneSchedule& schedule, const Zone& zone, Instant at) {
  if (is_staffed(schedule, zone, at)) {
    return at;
  }
  for (const auto& t : phone_transitions(schedule, zone, {}, {}, at, at + phone_look_ahead)) {
    if (staffed_status(t.status)) {
      return t.at;
    }
  }
  return std::nullopt;
}

std::optional<Instant> next_first_opening(const PhoneSchedule& schedule, const Zone& zone, Instant after) {
  auto day = zone.local_day(after);
  for (int i = 0; i <= kDaysAhead; ++i, day += days{1}) {
    const auto from = zone.start_of_day(day);
    const auto to = zone.start_of_day(day + days{1});
    std::optional<Instant> first;
    if (is_staffed(schedule, zone, from)) {
      first = from;
    } else {
      for (const auto& t : phone_transitions(schedule, zone, {}, {}, from, to)) {
        if (staffed_status(t.status)) {
          first = t.at;
          break;
        }
      }
    }
    if (first && *first > after) {
      return first;
    }
  }
  return std::nullopt;
}

AlertLevel alert_level(Instant deadline, Instant now) {
  return now >= deadline ? AlertLevel::overdue : AlertLevel::due_soon;
}

std::optional<Alert> next_alert(Instant deadline, const std::optional<LastAlert>& last, const CallbackRules& rules,
                                const std::function<std::optional<Instant>(Instant)>& staffed_from) {
  if (!last) {
    if (rules.warn_before > Duration::zero()) {
      return Alert{deadline - rules.warn_before, AlertLevel::due_soon};
    }
    return Alert{deadline, AlertLevel::overdue};
  }
  if (last->level == AlertLevel::due_soon && last->at < deadline) {
    const auto repeat = staffed_from(last->at + rules.repeat_every);
    if (repeat && *repeat < deadline) {
      return Alert{*repeat, AlertLevel::due_soon};
    }
    return Alert{deadline, AlertLevel::overdue};
  }
  const auto repeat = staffed_from(last->at + rules.repeat_every);
  if (!repeat) {
    return std::nullopt;
  }
  return Alert{*repeat, AlertLevel::overdue};
}

Instant contact_deadline(const CallbackRules& rules, Instant opened) {
  return opened + days{rules.give_up_after_days};
}

bool letter_due_at_deadline(const TaskFacts& task) {
  return task.kind == TaskKind::contact && task.state == TaskState::open;
}

tl::expected<AttemptResult, std::string> apply_attempt(const TaskFacts& task, AttemptOutcome outcome,
                                                       const CallbackRules& rules, Instant now) {
  if (task.state == TaskState::closed) {
    return tl::unexpected(std::string("the task is closed"));
  }
  AttemptResult r{task.state, task.deadline, task.thinking_since, std::nullopt, ""};
  switch (outcome) {
    case AttemptOutcome::reached:
      r.state = TaskState::closed;
      r.closed_outcome = "reached";
      r.why = "reached";
      break;
    case AttemptOutcome::wrong_number:
      if (task.kind == TaskKind::contact) {
        // R8: the phone cannot reach them, so the letter is the way.
        r.state = TaskState::letter_due;
        r.why = "wrong-number";
      } else {
        r.state = TaskState::closed;
        r.closed_outcome = "wrong-number";
        r.why = "wrong-number";
      }
      break;
    case AttemptOutcome::thinking: {
      // R8: at most a week from the first time they asked to think it over.
      const auto since = task.thinking_since.value_or(now);
      r.state = TaskState::thinking;
      r.thinking_since = since;
      r.deadline = since + days{rules.thinking_days};
      r.why = "thinking";
      break;
    }
    case AttemptOutcome::no_answer: {
      const int unanswered = task.unanswered_attempts + 1;
      r.why = "no-answer";
      if (task.kind == TaskKind::contact && task.state == TaskState::open &&
          (unanswered >= rules.letter_after_attempts || now >= task.opened_at + days{rules.give_up_after_days})) {
        r.state = TaskState::letter_due;
        r.why = unanswered >= rules.letter_after_attempts ? "attempts" : "one-week";
      }
      break;
    }
  }
  return r;
}

}  // namespace paminna
