// Turning result fields into text for people.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace paminna::ctl {

// A string as is, null as "-", anything else as JSON.
std::string text(const nlohmann::json& value);
// "2026-11-24T09:00" -> "2026-11-24 09:00" (how staff write it); other text unchanged.
std::string local(const nlohmann::json& value);

}  // namespace paminna::ctl
