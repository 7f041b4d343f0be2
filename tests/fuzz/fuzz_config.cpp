// paminna.toml: parse_config on arbitrary text, the whole path the daemon
// takes at start and on config.reload (toml++ parse, the key table, value
// checks, [sms.generic] validation, [phone] schedules, cross-key checks).
// Every failure must be a ConfigError with at least one message, never an
// exception or a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <spdlog/spdlog.h>

#include "config/config_loader.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Far larger than any real file; toml++ is not what is under test beyond this.
  if (size > 64 * 1024) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto config = paminna::parse_config(text, "fuzz.toml");
  if (!config && config.error().messages.empty()) {
    std::fprintf(stderr, "fuzz_config: an error without a message\n");
    std::abort();
  }
  return 0;
}
