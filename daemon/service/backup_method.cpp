// store.backup: a consistent online copy of the database (issue 9).
//
// Why on the loop, in steps, rather than in a thread with its own connection:
// SQLite's backup restarts from the first page whenever the source is written
// through *another* connection, so a thread's copy could start over at every
// booking and never finish on a busy day. Through the daemon's own connection
// SQLite carries each write into the copy instead. Each turn copies
// kPagesPerStep pages (4 MiB at the default 4 KiB page) and yields to the
// loop, so requests and reminders wait at most one step (milliseconds). The
// final PRAGMA integrity_check runs on the loop too: the office's database is
// a few MiB and the check takes milliseconds; a bigger one would go to a thread
// (the copy is private to us by then).
//
// The copy is written 0600 to a temporary name in the target folder and renamed
// into place only once verified, so FILE is either absent, the old file, or a
// complete sound copy. One backup at a time.
#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <system_error>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "control/params.h"
#include "log/events.h"
#include "service/daemon.h"
#include "store/backup.h"

namespace paminna {

using control::CallContext;
using control::Params;
using control::Responder;
using control::RpcError;
using nlohmann::json;

namespace {

constexpr int kPagesPerStep = 1024;
constexpr std::size_t kMaxPath = 1024;
// Another process holding a lock on the database (sqlite3 CLI) makes a step busy: wait and step again, for a while.
constexpr auto kBusyWait = std::chrono::milliseconds{100};
constexpr int kMaxBusyWaits = 300;

std::string errno_text(const std::string& what, const std::filesystem::path& path) {
  return fmt::format("{} {}: {}", what, path.string(), std::generic_category().message(errno));
}

struct BackupJob : std::enable_shared_from_this<BackupJob> {
  boost::asio::io_context& io;
  store::Database& db;
  Auditor& auditor;
  CallContext who;
  Responder respond;
  std::filesystem::path target;
  std::filesystem::path temp;
  bool overwrite = false;
  std::chrono::steady_clock::time_point started;
  std::unique_ptr<store::OnlineBackup> backup;
  boost::asio::steady_timer wait;
  int busy_waits = 0;
  int steps = 0;
  bool finished = false;
  std::function<void()> on_done;  // clears the daemon's "one at a time" slot

  BackupJob(boost::asio::io_context& io_, store::Database& db_, Auditor& auditor_, CallContext who_, Responder respond_)
      : io(io_), db(db_), auditor(auditor_), who(std::move(who_)), respond(std::move(respond_)), wait(io_) {}

  ~BackupJob() { abandon(); }

  // Stops without an answer (the daemon is stopping): no half file is left behind.
  void abandon() {
    if (finished) {
      return;
    }
    finished = true;
    backup.reset();
    if (!temp.empty()) {
      ::unlink(temp.c_str());
    }
    wait.cancel();
  }

  void fail(const std::string& message) {
    log::event(log::Event::BACKUP_FAILED, "path={} error=\"{}\"", target.string(), message);
    abandon();
    respond.error(RpcError(control::error_code::internal_error, "backup failed: " + message));
    done();
  }

  void done() {
    if (on_done) {
      auto f = std::move(on_done);
      on_done = nullptr;
      f();
    }
  }

  void next() {
    boost::asio::post(io, [self = shared_from_this()] { self->step(); });
  }

  void step() {
    if (finished) {
      return;
    }
    bool complete = false;
    try {
      complete = backup->step(kPagesPerStep);
      ++steps;
    } catch (const store::StoreError& e) {
      if (e.transient() && ++busy_waits <= kMaxBusyWaits) {
        wait.expires_after(kBusyWait);
        wait.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
          if (!error) {
            self->step();
          }
        });
        return;
      }
      fail(e.what());
      return;
    }
    if (!complete) {
      next();
      return;
    }
    finish();
  }

  void finish() {
    store::IntegrityReport report;
    try {
      backup->close();
      backup.reset();
      report = store::seal_and_check(temp);
    } catch (const store::StoreError& e) {
      fail(e.what());
      return;
    }
    if (!report.ok) {
      fail("integrity_check of the copy: " + report.detail);
      return;
    }
    // RENAME_NOREPLACE: a file that appeared at the target since the request is not clobbered.
    const unsigned flags = overwrite ? 0U : RENAME_NOREPLACE;
    if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, target.c_str(), flags) != 0) {
      fail(errno_text("cannot rename the copy onto", target));
      return;
    }
    temp.clear();  // renamed: nothing to remove any more
    const int dir = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      (void)::fsync(dir);  // the new name is durable only once the folder is
      ::close(dir);
    }
    finished = true;
    const auto bytes = report.pages * report.page_size;
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    log::event(log::Event::BACKUP_COMPLETED, "path={} pages={} bytes={} steps={} ms={}", target.string(), report.pages,
               bytes, steps, ms);
    try {
      auditor.record(who, "store.backup", "", json{{"path", target.string()}, {"bytes", bytes}});
    } catch (const store::StoreError& e) {
      log::event(log::Event::STORE_ERROR, "what=audit-backup error=\"{}\"", e.what());
    }
    respond.result(json{{"path", target.string()},
                        {"pages", report.pages},
                        {"page_size", report.page_size},
                        {"bytes", bytes},
                        {"integrity", report.detail},
                        {"steps", steps},
                        {"took_ms", ms}});
    done();
  }
};

}  // namespace

void register_backup(Daemon& daemon) {
  // The running job, if any; shared with on_stop so a stop removes its temporary file.
  auto current = std::make_shared<std::weak_ptr<BackupJob>>();
  daemon.on_stop([current] {
    if (auto job = current->lock()) {
      job->abandon();
    }
  });
  daemon.methods().add_async(
      "store.backup",
      {"Write a consistent copy of the database to an absolute path (0600) while the daemon runs; verified with "
       "integrity_check.",
       false},
      [&daemon, current](const CallContext& context, const json& params, Responder respond) {
        Params p(params);
        const auto path_text = p.required_string("path", kMaxPath);
        const bool overwrite = p.optional_bool("overwrite", false);
        p.finish();
        const std::filesystem::path target(path_text);
        // The daemon runs elsewhere (/, under systemd): a relative path would land in a surprising place.
        if (!target.is_absolute()) {
          throw RpcError::invalid_params("path", "must be an absolute path (paminnactl backup makes it absolute)");
        }
        if (target.filename().empty() || target.filename() == "." || target.filename() == "..") {
          throw RpcError::invalid_params("path", "must name a file, not a folder");
        }
        std::error_code ec;
        if (!std::filesystem::is_directory(target.parent_path(), ec)) {
          throw RpcError::invalid_params("path", "folder " + target.parent_path().string() + " does not exist");
        }
        const auto database = daemon.config().daemon.database;
        if (std::filesystem::exists(target, ec) && std::filesystem::equivalent(target, database, ec)) {
          throw RpcError::invalid_params("path", "is the live database itself");
        }
        if (std::filesystem::exists(target, ec)) {
          if (!overwrite) {
            throw RpcError(control::error_code::conflict,
                           "path: " + target.string() + " exists; pass overwrite to replace it",
                           json{{"field", "path"}});
          }
          if (!std::filesystem::is_regular_file(target, ec)) {
            throw RpcError::invalid_params("path", "exists and is not a regular file");
          }
        }
        if (!current->expired()) {
          throw RpcError::conflict("a backup is already running; try again when it has finished");
        }
        auto job = std::make_shared<BackupJob>(daemon.io(), daemon.db(), daemon.auditor(), context, std::move(respond));
        job->target = target;
        job->overwrite = overwrite;
        job->started = std::chrono::steady_clock::now();
        // mkstemp creates the file 0600 and SQLite keeps an existing file's mode: the copy holds personal data.
        std::string temp = (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
        const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
        if (fd < 0) {
          throw RpcError::invalid_params("path", errno_text("cannot create a file in", target.parent_path()));
        }
        ::close(fd);
        job->temp = temp;
        try {
          job->backup = std::make_unique<store::OnlineBackup>(daemon.db(), job->temp);
        } catch (const store::StoreError& e) {
          job->fail(e.what());
          return;
        }
        *current = job;
        job->on_done = [current] { current->reset(); };
        job->next();
      });
}

}  // namespace paminna
