#include "control/params.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>

namespace paminna::control {

namespace {

const nlohmann::json& empty_object() {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  return kEmpty;
}

bool valid_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

std::string join(const std::vector<std::string>& words) {
  return fmt::format("{}", fmt::join(words, ", "));
}

}  // namespace

void check_text(const std::string& field, const std::string& value, std::size_t max_length, bool multiline) {
  if (value.size() > max_length) {
    throw RpcError::invalid_params(field, fmt::format("too long ({} bytes, at most {})", value.size(), max_length));
  }
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      if (multiline && (c == '\n' || c == '\t')) {
        continue;
      }
      throw RpcError::invalid_params(field, "must not contain control characters");
    }
  }
  if (!valid_utf8(value)) {
    throw RpcError::invalid_params(field, "must be valid UTF-8");
  }
}

Params::Params(const nlohmann::json& params) : params_(params.is_null() ? empty_object() : params) {
  if (!params_.is_object()) {
    throw RpcError(error_code::invalid_params, "params must be an object");
  }
}

const nlohmann::json* Params::find(const std::string& name) {
  read_.insert(name);
  const auto it = params_.find(name);
  if (it == params_.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> Params::optional_string(const std::string& name, std::size_t max_length) {
  const auto* value = find(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    throw RpcError::invalid_params(name, fmt::format("must be a string, not {}", value->type_name()));
  }
  auto text = value->get<std::string>();
  check_text(name, text, max_length);
  return text;
}

std::string Params::required_string(const std::string& name, std::size_t max_length) {
  auto value = optional_string(name, max_length);
  if (!value) {
    throw RpcError::invalid_params(name, "is required");
  }
  if (value->empty()) {
    throw RpcError::invalid_params(name, "must not be empty");
  }
  return *value;
}

std::optional<std::int64_t> Params::optional_int(const std::string& name, std::int64_t min, std::int64_t max) {
  const auto* value = find(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_number_integer()) {
    throw RpcError::invalid_params(name, fmt::format("must be an integer, not {}", value->type_name()));
  }
  // A non-negative JSON number may be unsigned and above INT64_MAX: out of range, never wrapped around.
  const bool too_big =
      value->is_number_unsigned() &&
      value->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const auto v = too_big ? std::int64_t{0} : value->get<std::int64_t>();
  if (too_big || v < min || v > max) {
    throw RpcError::invalid_params(name, fmt::format("must be between {} and {}", min, max));
  }
  return v;
}

std::int64_t Params::required_int(const std::string& name, std::int64_t min, std::int64_t max) {
  auto value = optional_int(name, min, max);
  if (!value) {
    throw RpcError::invalid_params(name, "is required");
  }
  return *value;
}

bool Params::optional_bool(const std::string& name, bool fallback) {
  const auto* value = find(name);
  if (value == nullptr) {
    return fallback;
  }
  if (!value->is_boolean()) {
    throw RpcError::invalid_params(name, fmt::format("must be true or false, not {}", value->type_name()));
  }
  return value->get<bool>();
}

std::optional<std::string> Params::optional_enum(const std::string& name, const std::vector<std::string>& allowed) {
  auto value = optional_string(name, 64);
  if (value && std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
    throw RpcError::invalid_params(name, fmt::format("must be one of {}", join(allowed)));
  }
  return value;
}

std::string Params::required_enum(const std::string& name, const std::vector<std::string>& allowed) {
  auto value = optional_enum(name, allowed);
  if (!value) {
    throw RpcError::invalid_params(name, fmt::format("is required (one of {})", join(allowed)));
  }
  return *value;
}

void Params::finish() const {
  for (const auto& [key, value] : params_.items()) {
    if (!read_.contains(key)) {
      throw RpcError::invalid_params(key, "unknown parameter");
    }
  }
}

}  // namespace paminna::control
