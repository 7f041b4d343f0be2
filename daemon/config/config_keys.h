// The table of configuration keys (style.md §9).
#pragma once

#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace toml {
inline namespace v3 {
class node;
}
}  // namespace toml

namespace paminna {

// Thrown by a key's apply function; the loader adds file, line and key.
class ConfigValueError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ConfigKey {
  std::string_view name;          // dotted path, "control.max_connections"
  std::string_view type;          // for people: "string", "integer", "path", …
  std::string_view default_toml;  // a TOML value; applied before the file is read
  std::string_view unit;          // "" when none
  std::string_view help;
  std::function<void(Config&, const toml::node&)> apply;  // throws ConfigValueError
};

std::span<const ConfigKey> config_keys();

// The keys of each area, in their own files.
std::span<const ConfigKey> sms_config_keys();
// Checks across [sms] and [office] once every key is read; fills config.warnings.
std::vector<std::string> check_sms_config(Config& config);
std::span<const ConfigKey> callback_config_keys();
std::span<const ConfigKey> reminder_config_keys();

// Checks that need several keys at once, run after every key is applied; each
// message names the keys it is about.
std::vector<std::string> check_config(Config& config);

}  // namespace paminna
