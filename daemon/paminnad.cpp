// paminnad: the daemon's entry point. Flags, configuration, logging, run.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "config/config_loader.h"
#include "domain/local_time.h"
#include "log/events.h"
#include "log/logging.h"
#include "service/daemon.h"

namespace {

constexpr const char* kDescription =
    R"(paminnad - SMS reminders, callback deadlines and phone hours for a victim-support office.

Runs in the foreground. Without --config it runs on embedded defaults: database
paminna-local/paminna.db, control socket paminna-local/control.sock, console SMS sink,
all relative to the working directory. Staff and scripts talk to it with paminnactl.)";

constexpr const char* kFooter = R"(
FILES
  /etc/paminna/paminna.toml      configuration (see paminna.example.toml)
  /var/lib/paminna/paminna.db    state (SQLite)
  /run/paminna/control.sock      control socket (JSON-RPC 2.0, one object per line)

SIGNALS
  SIGTERM, SIGINT  stop gracefully
  SIGHUP           reload the configuration; an invalid file keeps the running one

EXIT STATUS
  0  stopped normally, or --check-config found the file valid
  1  configuration invalid
  2  usage error
  3  could not start (database, socket); the log says why

Under systemd (Type=notify) it reports READY, STATUS and STOPPING, feeds the watchdog
when WatchdogSec= is set, logs to the journal with PAMINNA_EVENT fields, and accepts a
socket passed by paminnad.socket.)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(kDescription, "paminnad");
  app.footer(kFooter);
  std::string config_path;
  std::string check_path;
  std::string fake_clock;
  bool show_version = false;
  bool show_reference = false;
  bool show_events = false;
  app.add_option("-c,--config", config_path, "Configuration file (TOML); default: embedded defaults");
  app.add_option("--check-config", check_path, "Validate FILE, print what is wrong with file:line:column, and exit");
  app.add_flag("--config-reference", show_reference, "Print every configuration key with its default and exit");
  app.add_flag("--events", show_events, "Print the catalog of log events (name, level, meaning, action) and exit");
  app.add_option("--fake-clock", fake_clock,
                 "Tests only: start the clock at this UTC instant (YYYY-MM-DDTHH:MM:SSZ); it moves only through "
                 "the clock.advance and clock.step methods");
  app.add_flag("-V,--version", show_version, "Print the version and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (show_version) {
    std::cout << "paminnad " << PAMINNA_VERSION << "\n";
    return 0;
  }
  if (show_reference) {
    std::cout << paminna::config_reference();
    return 0;
  }
  if (show_events) {
    for (const auto& e : paminna::log::catalog()) {
      std::cout << e.name << " [" << spdlog::level::to_string_view(e.level).data() << "] " << e.message_id << "\n  "
                << e.meaning << "\n  Action: " << e.action << "\n";
    }
    return 0;
  }
  if (!check_path.empty()) {
    const auto loaded = paminna::load_config_file(check_path);
    if (!loaded) {
      std::cerr << loaded.error().to_string() << "\n";
      return 1;
    }
    for (const auto& warning : loaded->warnings) {
      std::cerr << check_path << ": warning: " << warning << "\n";
    }
    std::cout << check_path << ": valid\n";
    return 0;
  }

  paminna::DaemonOptions options;
  if (config_path.empty()) {
    options.config = paminna::embedded_defaults();
  } else {
    auto loaded = paminna::load_config_file(config_path);
    if (!loaded) {
      std::cerr << loaded.error().to_string() << "\n";
      return 1;
    }
    options.config = std::move(*loaded);
  }
  if (!fake_clock.empty()) {
    const auto start = paminna::parse_utc(fake_clock);
    if (!start) {
      std::cerr << "--fake-clock: expected YYYY-MM-DDTHH:MM:SSZ\n";
      return 2;
    }
    options.fake_clock_start = *start;
  }
  paminna::log::configure(options.config.log.target, options.config.log.level, "paminnad");
  (void)::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the daemon
  // A file-size limit (ulimit -f, RLIMIT_FSIZE) must become a failed write the
  // store reports (STORE_ERROR, "nothing was changed"), not a killed daemon.
  (void)::signal(SIGXFSZ, SIG_IGN);

  try {
    paminna::Daemon daemon(std::move(options));
    daemon.start();
    const int code = daemon.run();
    spdlog::default_logger()->flush();
    return code;
  } catch (const std::exception& e) {
    paminna::log::event(paminna::log::Event::DAEMON_START_FAILED, "error=\"{}\"", e.what());
    spdlog::default_logger()->flush();
    return 3;
  }
}
