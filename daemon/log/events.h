// Stable log event names (events.def) and how to emit them.
//
// Every line that someone may act on starts with its event name followed by
// key=value fields: "REMINDER_FAILED booking=42 reason=...". The journald sink
// turns the name into the PAMINNA_EVENT and MESSAGE_ID fields, so
// `journalctl PAMINNA_EVENT=REMINDER_FAILED` finds them.
//
// Privacy: never pass a phone number, a name or a message body as a field.
// Use mask_phone() (domain/phone_number.h) and ids.
#pragma once

#include <spdlog/spdlog.h>

#include <optional>
#include <span>
#include <string_view>

namespace paminna::log {

enum class Event {
#define EVENT(name, level, id, meaning, action) name,
#include "log/events.def"
#undef EVENT
};

struct EventInfo {
  Event event;
  std::string_view name;
  spdlog::level::level_enum level;
  std::string_view message_id;  // 32 hex digits, journald MESSAGE_ID
  std::string_view meaning;
  std::string_view action;
};

const EventInfo& info(Event event);
std::span<const EventInfo> catalog();
std::optional<Event> find_event(std::string_view name);

template <typename... Args>
void event(Event e, fmt::format_string<Args...> format, Args&&... args) {
  const auto& i = info(e);
  if (spdlog::should_log(i.level)) {
    spdlog::log(i.level, "{} {}", i.name, fmt::format(format, std::forward<Args>(args)...));
  }
}

inline void event(Event e) {
  const auto& i = info(e);
  spdlog::log(i.level, "{}", i.name);
}

}  // namespace paminna::log
