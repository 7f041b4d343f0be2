// The daemon's metrics (issue 9): the `metrics` method, the Prometheus
// textfile, and the health checks that belong to the daemon itself (the store).
//
// One scheduler deadline ("metrics:textfile") rewrites the textfile every
// metrics.textfile_interval; each write plans the next, so nothing else polls.
#include <fmt/format.h>

#include "control/params.h"
#include "domain/local_time.h"
#include "log/events.h"
#include "phone/state_file_sink.h"
#include "service/daemon.h"

namespace paminna {

using control::CallContext;
using control::Params;
using nlohmann::json;

namespace {

constexpr const char* kTextfileKey = "metrics:textfile";
// A store error this recent makes the daemon unhealthy.
constexpr auto kStoreErrorWindow = std::chrono::minutes{15};

}  // namespace

std::optional<std::string> Daemon::probe_store() {
  if (wal_) {
    if (auto trouble = wal_->trouble(std::chrono::steady_clock::now())) {
      return trouble;
    }
  }
  try {
    auto& s = store_.db->cached("SELECT count(*) FROM sqlite_schema");
    s.step();
    s.reset();
    return std::nullopt;
  } catch (const store::StoreError& e) {
    if (e.transient()) {
      return std::nullopt;  // another process holds a lock: the database itself is fine
    }
    return std::string(e.what());
  }
}

std::vector<std::string> Daemon::collect_problems() {
  std::vector<std::string> problems;
  if (const auto failure = probe_store()) {
    problems.push_back("the database cannot be read: " + *failure);
  }
  if (last_store_error_ && clock_->now() - *last_store_error_ < kStoreErrorWindow) {
    problems.push_back(fmt::format("database errors: {} since start, the last at {} (see STORE_ERROR in the log)",
                                   store_errors_, format_utc(*last_store_error_)));
  }
  for (const auto& s : status_sections_) {
    if (s.problems) {
      for (auto& problem : s.problems()) {
        problems.push_back(std::move(problem));
      }
    }
  }
  return problems;
}

std::string Daemon::metrics_text() {
  const auto problems = collect_problems();
  std::vector<metrics::Family> families{
      {"paminna_build_info", "The daemon's version.", "gauge", {{{{"version", PAMINNA_VERSION}}, 1, ""}}},
      {"paminna_start_time_seconds",
       "Unix time the daemon started.",
       "gauge",
       {{{}, static_cast<double>(started_wall_.time_since_epoch().count()), ""}}},
      {"paminna_healthy",
       "1 when status reports no problem, else 0 (paminnactl status says why).",
       "gauge",
       {{{}, problems.empty() ? 1.0 : 0.0, ""}}},
      {"paminna_problems",
       "Number of problems status reports.",
       "gauge",
       {{{}, static_cast<double>(problems.size()), ""}}},
      {"paminna_database_size_bytes",
       "Size of the SQLite database (pages times page size).",
       "gauge",
       {{{}, static_cast<double>(store_.db->size_bytes()), ""}}},
      {"paminna_database_errors_total",
       "Control requests that failed with a database error.",
       "counter",
       {{{}, static_cast<double>(store_errors_), ""}}},
      {"paminna_control_connections",
       "Open control connections.",
       "gauge",
       {{{}, static_cast<double>(server_ ? server_->connections() : 0), ""}}},
      {"paminna_scheduler_pending",
       "Deadlines the scheduler holds.",
       "gauge",
       {{{}, static_cast<double>(scheduler_->size()), ""}}},
  };
  metrics::Family requests{"paminna_control_requests_total",
                           "Control requests by method (_unknown: no such method, _invalid: not a valid request).",
                           "counter",
                           {}};
  metrics::Family errors{
      "paminna_control_errors_total", "Control requests answered with an error, by method.", "counter", {}};
  for (const auto& [method, stats] : methods_.stats()) {
    requests.samples.push_back({{{"method", method}}, static_cast<double>(stats.calls), ""});
    errors.samples.push_back({{{"method", method}}, static_cast<double>(stats.errors), ""});
  }
  families.push_back(std::move(requests));
  families.push_back(std::move(errors));
  for (const auto& source : metrics_sources_) {
    for (auto& family : source()) {
      families.push_back(std::move(family));
    }
  }
  return metrics::render(families);
}

void Daemon::write_metrics_textfile() {
  const auto& path = config_->metrics.textfile;
  if (path.empty()) {
    return;
  }
  std::string text;
  try {
    text = metrics_text();
  } catch (const store::StoreError& e) {
    // Leave the old file: its age tells the collector the numbers are stale.
    text.clear();
    if (!textfile_failing_) {
      log::event(log::Event::METRICS_TEXTFILE_FAILED, "path={} error=\"{}\"", path.string(), e.what());
    }
    textfile_failing_ = true;
    return;
  }
  // Written 0644 to a temporary file in the same folder and renamed: the
  // collector reads the old file or the new one, never half of one.
  if (auto written = phone::replace_file_atomically(path, text); !written) {
    if (!textfile_failing_) {
      log::event(log::Event::METRICS_TEXTFILE_FAILED, "path={} error=\"{}\"", path.string(), written.error());
    }
    textfile_failing_ = true;
    return;
  }
  textfile_failing_ = false;
}

void Daemon::plan_metrics_textfile() {
  if (config_->metrics.textfile.empty()) {
    scheduler_->cancel(kTextfileKey);
    return;
  }
  scheduler_->schedule_after(kTextfileKey, config_->metrics.textfile_interval, [this] {
    write_metrics_textfile();
    plan_metrics_textfile();
  });
}

void Daemon::register_metrics() {
  methods_.on_store_error([this] {
    ++store_errors_;
    last_store_error_ = clock_->now();
  });
  methods_.add("metrics", {"Counters and gauges in the Prometheus text format (what the textfile holds).", false},
               [this](const CallContext&, const json& params) {
                 Params(params).finish();
                 return json{{"text", metrics_text()}, {"format", "prometheus-text-0.0.4"}};
               });
  // Written once at start (before the socket exists: metrics_text() allows for that) so the collector
  // has numbers at once, then every interval; a reload may switch it on, off or move it.
  write_metrics_textfile();
  plan_metrics_textfile();
  on_reload([this](const Config&) {
    textfile_failing_ = false;
    write_metrics_textfile();
    plan_metrics_textfile();
  });
}

}  // namespace paminna
