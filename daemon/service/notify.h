// Talking to systemd: readiness, status, stopping, the watchdog.
// Without NOTIFY_SOCKET every call is a no-op, so a person can run the daemon by hand.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace paminna::notify {

void ready(std::string_view status);
void status(std::string_view status);
void stopping();
void watchdog();
// The interval systemd expects pings at (WatchdogSec), if any.
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace paminna::notify
