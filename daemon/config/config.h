// The daemon's configuration: what paminna.toml says, validated.
//
// Every key is declared once in config_keys.cpp (name, type, default, unit,
// help, how to apply it); the parser, the validation, the embedded defaults
// and `paminnad --config-reference` all come from that table (style.md §9).
#pragma once

#include <spdlog/common.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

#include "log/logging.h"

namespace paminna {

struct OfficeConfig {
  std::string name;
  std::string timezone;
  std::string region;  // ISO 3166 alpha-2 for numbers typed without a country code
  std::string phone;   // the office's number as shown in texts
};

struct DaemonConfig {
  std::filesystem::path database;
  std::filesystem::path socket;
  std::string socket_group;  // empty: the daemon's own group
  int busy_timeout_ms = 0;
};

struct ControlConfig {
  std::size_t max_connections = 0;
  std::size_t max_line_bytes = 0;
  std::chrono::seconds idle_timeout{};
  std::size_t max_output_bytes = 0;
};

struct LogConfig {
  spdlog::level::level_enum level = spdlog::level::info;
  log::Target target = log::Target::automatic;
};

struct Config {
  std::filesystem::path source;  // the file it came from; empty for embedded defaults
  OfficeConfig office;
  DaemonConfig daemon;
  ControlConfig control;
  LogConfig log;
};

}  // namespace paminna
