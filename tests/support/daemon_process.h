// The real paminnad in a private temporary folder, for system tests.
//
// Start-up waits for the daemon's own READY=1 on a NOTIFY_SOCKET the harness
// binds (the same path systemd uses), so tests neither sleep nor poll the socket.
// With fake_clock set, the daemon's clock moves only through advance().
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace paminna::test {

struct DaemonOptions {
  std::string paminnad = PAMINNAD_PATH;
  std::string paminnactl = PAMINNACTL_PATH;
  // Appended to the generated config (which sets [daemon] database/socket and [log]).
  std::string extra_toml;
  // "2026-11-23T08:00:00Z": start with a clock that moves only via advance().
  std::optional<std::string> fake_clock = "2026-11-23T08:00:00Z";
  std::map<std::string, std::string> env;
};

inline DaemonOptions with_config(std::string extra_toml) {
  DaemonOptions options;
  options.extra_toml = std::move(extra_toml);
  return options;
}

inline DaemonOptions with_real_clock() {
  DaemonOptions options;
  options.fake_clock.reset();
  return options;
}

class DaemonProcess {
 public:
  explicit DaemonProcess(DaemonOptions options = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Starts (or restarts) the daemon; throws with the daemon's output if it does not become ready.
  void start();
  // SIGTERM and wait; returns the exit code.
  int stop();
  // SIGKILL, no chance to clean up.
  void kill9();
  [[nodiscard]] bool running();
  // The running daemon's pid (for /proc readings in benchmarks); -1 when none.
  [[nodiscard]] pid_t pid() const;

  // paminnactl with --socket set; args as a person types them.
  RunResult ctl(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) const;
  // One JSON-RPC call over a raw socket; returns the whole response object.
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::object()) const;
  // Returns result or throws std::runtime_error with the error message.
  nlohmann::json result(const std::string& method, const nlohmann::json& params = nlohmann::json::object()) const;
  // Moves the fake clock forward (fires everything due on the way).
  void advance(std::chrono::seconds by) const;
  // Sets the wall clock forward or back at once (NTP, an operator); the scheduler is told as the kernel would.
  void step(std::chrono::seconds by) const;

  [[nodiscard]] std::filesystem::path dir() const { return dir_.path(); }
  [[nodiscard]] std::filesystem::path socket() const { return dir_.path() / "run" / "control.sock"; }
  [[nodiscard]] std::filesystem::path database() const { return dir_.path() / "state" / "paminna.db"; }
  [[nodiscard]] std::filesystem::path config_file() const { return dir_.path() / "paminna.toml"; }
  // Everything the daemon logged so far (all runs).
  [[nodiscard]] std::string log() const;
  // Waits (for an event, not a timer) until the log contains `text`; false after `timeout`.
  bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  void write_config(const std::string& extra_toml) const;
  // The --fake-clock start of the next start(); nullopt: the real clock. A restart
  // with a later time stands in for time passing while the daemon was stopped.
  void set_fake_clock(std::optional<std::string> start) { options_.fake_clock = std::move(start); }

 private:
  DaemonOptions options_;
  TempDir dir_;
  std::unique_ptr<Child> child_;
  int runs_ = 0;
};

}  // namespace paminna::test
