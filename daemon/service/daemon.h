// The running daemon: one io_context on one thread, owned here (style.md §5).
//
// Components are built in dependency order (config → logging → store →
// scheduler → methods → control socket) and torn down in reverse. SIGTERM and
// SIGINT stop it gracefully; SIGHUP reloads the configuration. run() returns
// the process exit code.
//
// The systemd watchdog is fed by a timer on this loop (so a blocked loop stops
// feeding it) and only while a trivial read of the store works (so a daemon
// whose database is gone is restarted rather than looking alive).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

#include "config/config.h"
#include "control/method_table.h"
#include "control/server.h"
#include "control/turn_memo.h"
#include "http/transport.h"
#include "service/auditor.h"
#include "service/clock.h"
#include "service/metrics_text.h"
#include "service/scheduler.h"
#include "service/wall_timer.h"
#include "sms/sms_gateway.h"
#include "store/open_store.h"
#include "store/wal_worker.h"

namespace paminna {

struct DaemonOptions {
  Config config;
  std::optional<Instant> fake_clock_start;  // tests: a clock moved by clock.advance
  store::WalWorker::SyncFile sync_file;     // tests: a failing fdatasync; empty: the real one
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Opens the store and the socket; throws with a message for a person on failure.
  void start();
  int run();
  void stop();

  // For the modules wired in by later issues.
  [[nodiscard]] const Config& config() const { return *config_; }
  void on_reload(std::function<void(const Config&)> listener) { reload_listeners_.push_back(std::move(listener)); }
  // Run by stop() before the loop ends: abandon work in progress (a backup's temporary file).
  void on_stop(std::function<void()> listener) { stop_listeners_.push_back(std::move(listener)); }
  // Run by stop() after its own sync of the WAL, with the result.
  void on_stop_synced(std::function<void(std::error_code)> listener) {
    stop_synced_listeners_.push_back(std::move(listener));
  }
  boost::asio::io_context& io() { return io_; }
  Scheduler& scheduler() { return *scheduler_; }
  control::MethodTable& methods() { return methods_; }
  store::Database& db() { return *store_.db; }  // NOLINT(readability-make-member-function-const): for writing
  Auditor& auditor() { return *auditor_; }
  const Clock& clock() const { return *clock_; }
  http::Transport& transport() { return *transport_; }
  sms::SmsGateway& gateway() { return *gateway_; }
  // `done` runs on the loop once an fdatasync of the WAL that began after
  // the call has returned (store::WalWorker::sync); a failure stops the
  // daemon with exit code 1.
  void confirm_commit(std::function<void(std::error_code)> done);

  // A section of `status` (and the problems that make the daemon unhealthy) from a module.
  using StatusSection = std::function<nlohmann::json()>;
  using Problems = std::function<std::vector<std::string>()>;
  void add_status(const std::string& name, StatusSection section, Problems problems = {}) {
    status_sections_.push_back({name, std::move(section), std::move(problems)});
  }

  // Metric families from a module (service/metrics_text.h), asked for at every scrape.
  using MetricsSource = std::function<std::vector<metrics::Family>()>;
  void add_metrics(MetricsSource source) { metrics_sources_.push_back(std::move(source)); }
  // Every module's families and the daemon's own, in the Prometheus text format.
  std::string metrics_text();

  // Re-reads the configuration file; returns the errors if it is invalid (the running one is kept).
  tl::expected<void, std::string> reload();

 private:
  void register_core_methods();
  void register_metrics();
  void wait_for_signals();
  void feed_watchdog();
  // nullopt when a trivial read works and the disk confirms what is written
  // (store::WalWorker::trouble); else why not. A busy database (another
  // process holds a lock) is not a failure: it passes.
  std::optional<std::string> probe_store();
  // The daemon's own problems (store) and every section's: empty means healthy.
  std::vector<std::string> collect_problems();
  // [metrics] textfile: write it now, and plan the next write (scheduler key "metrics:textfile").
  void write_metrics_textfile();
  void plan_metrics_textfile();

  boost::asio::io_context io_;
  std::shared_ptr<const Config> config_;
  std::unique_ptr<Clock> clock_;
  // Declared early so it outlives everything that sends through it (gateway, phone webhook).
  std::unique_ptr<http::Transport> transport_;
  std::unique_ptr<sms::SmsGateway> gateway_;
  ManualClock* manual_clock_ = nullptr;
  std::unique_ptr<WallTimer> timer_;
  ManualWallTimer* manual_timer_ = nullptr;
  std::unique_ptr<Scheduler> scheduler_;
  store::OpenedStore store_;
  // Joined before the store closes; what it posts to io_ after the loop stopped is dropped with io_.
  std::unique_ptr<store::WalWorker> wal_;
  store::WalWorker::SyncFile sync_file_;
  std::unique_ptr<Auditor> auditor_;
  control::MethodTable methods_;
  std::unique_ptr<control::Server> server_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer watchdog_;
  std::chrono::steady_clock::time_point started_;
  Instant started_wall_;
  std::vector<std::function<void(const Config&)>> reload_listeners_;
  std::vector<std::function<void()>> stop_listeners_;
  std::vector<std::function<void(std::error_code)>> stop_synced_listeners_;
  struct Section {
    std::string name;
    StatusSection section;
    Problems problems;
  };
  std::vector<Section> status_sections_;
  std::vector<MetricsSource> metrics_sources_;
  static constexpr std::chrono::seconds kDrainLimit{2};  // a stop's wait for answers still on their way
  int exit_code_ = 0;
  std::uint64_t store_errors_ = 0;  // StoreError in a control method, since start
  std::optional<Instant> last_store_error_;
  // What may differ between two `status` calls that follow one another in a turn.
  struct StatusKey {
    Instant now;
    std::int64_t uptime_s = 0;
    std::uint64_t store_errors = 0;
    bool operator==(const StatusKey&) const = default;
  };
  control::TurnMemo<StatusKey> status_memo_{methods_};
  bool textfile_failing_ = false;  // log METRICS_TEXTFILE_FAILED once per failure streak
  bool stopping_ = false;
};

}  // namespace paminna
