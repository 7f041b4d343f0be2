#include "service/daemon.h"

#include <signal.h>
#include <systemd/sd-daemon.h>

#include <fmt/format.h>
#include <boost/asio/post.hpp>

#include "config/config_loader.h"
#include "log/events.h"
#include "service/callback_service.h"
#include "service/notify.h"
#include "service/office.h"
#include "service/phone_service.h"
#include "service/sms_gateway_factory.h"

namespace paminna {

// service/reminder_methods.cpp
void register_reminders(Daemon& daemon);
// service/backup_method.cpp
void register_backup(Daemon& daemon);

Daemon::Daemon(DaemonOptions options)
    : config_(std::make_shared<const Config>(std::move(options.config))),
      sync_file_(std::move(options.sync_file)),
      signals_(io_),
      watchdog_(io_) {
  if (options.fake_clock_start) {
    auto clock = std::make_unique<ManualClock>(*options.fake_clock_start);
    manual_clock_ = clock.get();
    clock_ = std::move(clock);
    auto timer = std::make_unique<ManualWallTimer>(
        [this] { return manual_clock_->now(); },
        [this](std::function<void()> task) { boost::asio::post(io_, std::move(task)); });
    manual_timer_ = timer.get();
    timer_ = std::move(timer);
  } else {
    clock_ = std::make_unique<SystemClock>();
    timer_ = std::make_unique<TimerfdWallTimer>(io_);
  }
  scheduler_ = std::make_unique<Scheduler>(*clock_, *timer_);
  started_ = clock_->steady_now();
  started_wall_ = clock_->now();
}

Daemon::~Daemon() = default;

void Daemon::start() {
  log::event(log::Event::DAEMON_STARTED, "version={} config={} pid={}", PAMINNA_VERSION,
             config_->source.empty() ? std::string("embedded-defaults") : config_->source.string(), getpid());
  if (!config_->source.empty()) {
    log::event(log::Event::CONFIG_LOADED, "file={}", config_->source.string());
  }
  store_ = store::open_store(config_->daemon.database, config_->daemon.busy_timeout_ms);
  for (const auto& path : store_.tightened) {
    log::event(log::Event::STORE_PERMISSIONS_TIGHTENED, "path={}", path);
  }
  if (store_.migration.from != store_.migration.to) {
    log::event(log::Event::STORE_MIGRATED, "from={} to={}", store_.migration.from, store_.migration.to);
  }
  log::event(log::Event::STORE_OPENED, "path={} schema={}", config_->daemon.database.string(), store_.migration.to);
  auditor_ = std::make_unique<Auditor>(*store_.db, *clock_);
  // The WAL's syncs and checkpoints run off the loop (store/wal_worker.h),
  // from before anything below can write.
  wal_ = std::make_unique<store::WalWorker>(
      *store_.db, [this](std::function<void()> task) { boost::asio::post(io_, std::move(task)); },
      store::WalWorker::Options{store::WalWorker::kCheckpointPages, sync_file_});
  for (const auto& warning : config_->warnings) {
    log::event(log::Event::CONFIG_WARNING, "{}", warning);
  }
  http::TransportOptions http_options;
  http_options.ca_file = config_->sms.ca_file;
  http_options.connect_timeout = config_->sms.connect_timeout;
  http_options.total_timeout = config_->sms.timeout;
  transport_ = std::make_unique<http::Transport>(io_, http_options);
  gateway_ = make_sms_gateway(config_->sms, io_, *transport_, *clock_);
  log::event(log::Event::GATEWAY_CONFIGURED, "provider={} sender={}", gateway_->provider(), config_->sms.sender);
  register_core_methods();
  register_office(*this);
  const auto phone = register_phone(*this);
  register_callbacks(*this, *phone);
  register_reminders(*this);
  register_metrics();
  register_backup(*this);

  methods_.commit_groups_in(*store_.db,
                            [this](std::function<void(std::error_code)> done) { confirm_commit(std::move(done)); });
  const auto& c = config_->control;
  server_ = std::make_unique<control::Server>(
      io_, methods_, control::ServerLimits{c.max_connections, c.max_line_bytes, c.idle_timeout, c.max_output_bytes});
  if (sd_listen_fds(1) >= 1) {
    const int fd = SD_LISTEN_FDS_START;
    if (sd_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0) <= 0) {
      throw control::ServerSetupError("the socket passed by systemd is not a listening UNIX stream socket");
    }
    server_->adopt(fd);
  } else {
    server_->listen(config_->daemon.socket, config_->daemon.socket_group);
  }
  log::event(log::Event::CONTROL_LISTENING, "endpoint={}", server_->endpoint());
  signals_.add(SIGTERM);
  signals_.add(SIGINT);
  signals_.add(SIGHUP);
  wait_for_signals();
  feed_watchdog();
}

void Daemon::confirm_commit(std::function<void(std::error_code)> done) {
  wal_->sync([this, done = std::move(done)](std::error_code error) {
    done(error);
    if (error && !stopping_) {
      // Every later confirmation would fail too (store/wal_worker.h), and
      // what is committed meanwhile may sit behind a hole in the WAL: stop
      // now, with an error, so that systemd starts us again and recovery
      // reads what is really on disk.
      exit_code_ = 1;
      stop();
    }
  });
}

int Daemon::run() {
  log::event(log::Event::DAEMON_READY, "socket={} database={}", server_->endpoint(), config_->daemon.database.string());
  notify::ready("Ready");
  io_.run();
  return exit_code_;
}

void Daemon::stop() {
  if (stopping_) {
    return;
  }
  stopping_ = true;
  log::event(log::Event::DAEMON_STOPPING);
  for (const auto& listener : stop_listeners_) {
    listener();
  }
  notify::stopping();
  if (wal_) {
    const auto synced = wal_->sync_now();
    methods_.confirm_all(synced);
    for (const auto& listener : stop_synced_listeners_) {
      listener(synced);
    }
  }
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  watchdog_.cancel();
  timer_->disarm();
  // What was read is answered before the sockets close: a client told
  // nothing would add the same booking again.
  if (server_) {
    server_->drain(kDrainLimit, [this] { io_.stop(); });
  } else {
    io_.stop();
  }
}

void Daemon::wait_for_signals() {
  signals_.async_wait([this](const boost::system::error_code& error, int signal) {
    if (error) {
      return;
    }
    if (signal == SIGHUP) {
      (void)reload();
      wait_for_signals();
      return;
    }
    stop();
  });
}

void Daemon::feed_watchdog() {
  const auto interval = notify::watchdog_interval();
  if (!interval) {
    return;
  }
  // Fed from the loop itself: a blocked loop stops feeding and systemd notices.
  // A loop that runs but cannot read its database is not healthy either: skip
  // the ping and let systemd restart us (a transient lock held by another
  // process does not count, see probe_store).
  if (const auto failure = probe_store()) {
    log::event(log::Event::WATCHDOG_SKIPPED, "error=\"{}\"", *failure);
  } else {
    notify::watchdog();
  }
  const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(*interval / 2);
  const auto expected = std::chrono::steady_clock::now() + period;
  watchdog_.expires_at(expected);
  watchdog_.async_wait([this, expected, period](const boost::system::error_code& error) {
    if (error) {
      return;
    }
    const auto late = std::chrono::steady_clock::now() - expected;
    if (late > period / 2) {
      log::event(log::Event::WATCHDOG_STALLED, "late_ms={}",
                 std::chrono::duration_cast<std::chrono::milliseconds>(late).count());
    }
    feed_watchdog();
  });
}

tl::expected<void, std::string> Daemon::reload() {
  if (config_->source.empty()) {
    return tl::unexpected(std::string("running on embedded defaults (no --config file); nothing to reload"));
  }
  auto loaded = load_config_file(config_->source);
  if (!loaded) {
    const auto text = loaded.error().to_string();
    log::event(log::Event::CONFIG_RELOAD_FAILED, "file={} errors={} first=\"{}\"", config_->source.string(),
               loaded.error().messages.size(), loaded.error().messages.front());
    return tl::unexpected(text);
  }
  Config next = std::move(*loaded);
  // Keys bound at start keep their running value until a restart.
  auto keep = [&](auto& field, const auto& running, std::string_view key) {
    if (field != running) {
      log::event(log::Event::CONFIG_RESTART_REQUIRED, "key={}", key);
      field = running;
    }
  };
  keep(next.daemon.database, config_->daemon.database, "daemon.database");
  keep(next.daemon.socket, config_->daemon.socket, "daemon.socket");
  keep(next.daemon.socket_group, config_->daemon.socket_group, "daemon.socket_group");
  keep(next.office.timezone, config_->office.timezone, "office.timezone");
  config_ = std::make_shared<const Config>(std::move(next));
  log::set_level(config_->log.level);
  const auto& c = config_->control;
  server_->set_limits({c.max_connections, c.max_line_bytes, c.idle_timeout, c.max_output_bytes});
  for (const auto& listener : reload_listeners_) {
    listener(*config_);
  }
  log::event(log::Event::CONFIG_RELOADED, "file={}", config_->source.string());
  return {};
}

}  // namespace paminna
