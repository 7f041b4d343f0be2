#include "service/notify.h"

#include <systemd/sd-daemon.h>

#include <string>

namespace paminna::notify {

namespace {

void send(const std::string& text) {
  sd_notify(0, text.c_str());
}

}  // namespace

void ready(std::string_view status) {
  send("READY=1\nSTATUS=" + std::string(status));
}
void status(std::string_view status) {
  send("STATUS=" + std::string(status));
}
void stopping() {
  send("STOPPING=1\nSTATUS=Stopping");
}
void watchdog() {
  send("WATCHDOG=1");
}

std::optional<std::chrono::microseconds> watchdog_interval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    return std::chrono::microseconds{usec};
  }
  return std::nullopt;
}

}  // namespace paminna::notify
