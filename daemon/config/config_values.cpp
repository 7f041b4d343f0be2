#include "config/config_values.h"

#include <fmt/format.h>

#include <toml++/toml.h>

#include "config/config_keys.h"

namespace paminna::config {

namespace {

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a decimal number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date or time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

}  // namespace

std::string as_string(const toml::node& node, std::size_t max_length) {
  const auto* value = node.as_string();
  if (value == nullptr) {
    throw ConfigValueError(fmt::format("must be a string, not {}", type_name(node)));
  }
  const auto& text = value->get();
  if (text.size() > max_length) {
    throw ConfigValueError(fmt::format("must be at most {} bytes long", max_length));
  }
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
      throw ConfigValueError("must not contain control characters");
    }
  }
  return text;
}

std::int64_t as_integer(const toml::node& node, std::int64_t min, std::int64_t max) {
  const auto* value = node.as_integer();
  if (value == nullptr) {
    throw ConfigValueError(fmt::format("must be an integer, not {}", type_name(node)));
  }
  const auto v = value->get();
  if (v < min || v > max) {
    throw ConfigValueError(fmt::format("must be between {} and {}, not {}", min, max, v));
  }
  return v;
}

bool as_boolean(const toml::node& node) {
  const auto* value = node.as_boolean();
  if (value == nullptr) {
    throw ConfigValueError(fmt::format("must be true or false, not {}", type_name(node)));
  }
  return value->get();
}

std::chrono::seconds as_seconds(const toml::node& node, std::int64_t min, std::int64_t max) {
  return std::chrono::seconds{as_integer(node, min, max)};
}

}  // namespace paminna::config
