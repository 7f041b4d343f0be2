#include "log/events.h"

#include <array>

namespace paminna::log {

namespace {

constexpr auto level_of(std::string_view level) {
  using spdlog::level::level_enum;
  if (level == "critical") {
    return level_enum::critical;
  }
  if (level == "error") {
    return level_enum::err;
  }
  if (level == "warn") {
    return level_enum::warn;
  }
  if (level == "info") {
    return level_enum::info;
  }
  return level_enum::debug;
}

constexpr std::array kCatalog{
#define EVENT(name, level, id, meaning, action) EventInfo{Event::name, #name, level_of(#level), id, meaning, action},
#include "log/events.def"
#undef EVENT
};

}  // namespace

const EventInfo& info(Event event) {
  return kCatalog.at(static_cast<std::size_t>(event));
}

std::span<const EventInfo> catalog() {
  return kCatalog;
}

std::optional<Event> find_event(std::string_view name) {
  for (const auto& entry : kCatalog) {
    if (entry.name == name) {
      return entry.event;
    }
  }
  return std::nullopt;
}

}  // namespace paminna::log
