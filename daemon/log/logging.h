// Where log lines go and at which level.
//
// To stderr for a person (with time and level); to journald with syslog
// priorities and the event name as a structured field when systemd started us
// (JOURNAL_STREAM names our stderr). The process-wide spdlog default logger is
// the one place log lines go: the only global in the daemon, set once at start.
#pragma once

#include <spdlog/common.h>

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace paminna::log {

enum class Target { automatic, stderr_text, journal };

tl::expected<Target, std::string> parse_target(std::string_view text);
tl::expected<spdlog::level::level_enum, std::string> parse_level(std::string_view text);
std::string_view level_name(spdlog::level::level_enum level);

// Whether our stderr is connected to the journal (systemd.exec(5), $JOURNAL_STREAM).
bool stderr_is_journal();

void configure(Target target, spdlog::level::level_enum level, std::string_view identifier);
void set_level(spdlog::level::level_enum level);
spdlog::level::level_enum current_level();

// The journal fields for one line: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER and,
// when the payload starts with a catalogued event name, PAMINNA_EVENT and MESSAGE_ID.
std::vector<std::string> journal_fields(spdlog::level::level_enum level, std::string_view payload,
                                        std::string_view identifier);

}  // namespace paminna::log
