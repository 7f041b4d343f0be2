// Reading and validating paminna.toml.
//
// Errors name the file, line, column and key, and all of them are reported at
// once so a person fixes the file in one go. Unknown keys are errors: a typo
// must not silently fall back to a default.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "config/config.h"

namespace paminna {

struct ConfigError {
  std::vector<std::string> messages;  // "paminna.toml:12:1: control.max_connections: must be between 1 and 10000"
  [[nodiscard]] std::string to_string() const;
};

// The configuration the daemon runs on without a file: everything local to the
// working directory, console SMS sink.
Config embedded_defaults();

tl::expected<Config, ConfigError> parse_config(std::string_view text, const std::filesystem::path& source);
tl::expected<Config, ConfigError> load_config_file(const std::filesystem::path& path);

// The key table as a reference text (for --config-reference and the docs).
std::string config_reference();

}  // namespace paminna
