#include "store/wal_worker.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "store/sqlite.h"

namespace paminna::store {

namespace {

std::error_code last_error() {
  return {errno, std::generic_category()};
}

int open_read_only(const std::filesystem::path& path, int flags) {
  for (;;) {
    const int fd = ::open(path.c_str(), flags | O_RDONLY | O_CLOEXEC);
    if (fd >= 0 || errno != EINTR) {
      return fd;
    }
  }
}

std::pair<std::uint64_t, std::uint64_t> identity(const struct stat& st) {
  return {st.st_dev, st.st_ino};
}

}  // namespace

WalWorker::WalWorker(Database& db, Post post, Options options)
    : main_(db.handle()),
      options_(std::move(options)),
      database_(db.path()),
      wal_(database_.string() + "-wal"),
      post_(std::move(post)) {
  if (!options_.sync_file) {
    options_.sync_file = [](int fd) { return ::fdatasync(fd); };
  }
  auto& mode = db.cached("PRAGMA journal_mode");
  mode.step();
  const auto journal = mode.text(0);
  mode.reset();
  if (journal != "wal") {
    throw StoreError("confirm commits off the loop", SQLITE_MISUSE,
                     fmt::format("the database is in journal mode {}, not wal", journal));
  }
  wal_fd_ = open_read_only(wal_, 0);
  struct stat st {};
  if (wal_fd_ < 0 || ::fstat(wal_fd_, &st) != 0) {
    const std::string detail = std::generic_category().message(errno);
    if (wal_fd_ >= 0) {
      ::close(wal_fd_);
    }
    throw StoreError(fmt::format("open {}", wal_.string()), SQLITE_CANTOPEN, detail);
  }
  wal_identity_ = identity(st);
  // Its name must survive a power cut as well as its contents; SQLite syncs
  // the folder only on a sync of its own, and group commits make none.
  const auto folder = database_.has_parent_path() ? database_.parent_path() : std::filesystem::path(".");
  const int dir = open_read_only(folder, O_DIRECTORY);
  if (dir < 0 || ::fsync(dir) != 0) {
    const std::string detail = std::generic_category().message(errno);
    if (dir >= 0) {
      ::close(dir);
    }
    ::close(wal_fd_);
    throw StoreError(fmt::format("sync folder {}", folder.string()), SQLITE_IOERR_FSYNC, detail);
  }
  ::close(dir);
  try {
    worker_ = std::thread([this] { run(); });
  } catch (...) {
    ::close(wal_fd_);
    throw;
  }
  // Replaces SQLite's automatic checkpoint, which is a hook in the same place.
  sqlite3_wal_hook(main_, &WalWorker::on_commit, this);
}

WalWorker::~WalWorker() {
  sqlite3_wal_hook(main_, nullptr, nullptr);
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  worker_.join();
  ::close(wal_fd_);
}

int WalWorker::on_commit(void* self, sqlite3* /*db*/, const char* /*name*/, int pages) {
  auto* worker = static_cast<WalWorker*>(self);
  if (pages >= worker->options_.checkpoint_pages) {
    {
      const std::lock_guard lock(worker->mutex_);
      worker->checkpoint_wanted_ = true;
    }
    worker->wake_.notify_one();
  }
  return SQLITE_OK;
}

void WalWorker::sync(Done done) {
  {
    const std::lock_guard lock(mutex_);
    if (waiting_.empty()) {
      waiting_since_ = std::chrono::steady_clock::now();
    }
    waiting_.push_back(std::move(done));
  }
  wake_.notify_one();
}

std::error_code WalWorker::sync_now() {
  return sync_wal();
}

std::optional<std::string> WalWorker::trouble(std::chrono::steady_clock::time_point now) const {
  const std::lock_guard lock(mutex_);
  if (failed_) {
    return fmt::format("the disk did not confirm a write of {} ({}); restart the daemon to recover what is on disk",
                       wal_.string(), failed_.message());
  }
  // A stuck fdatasync and a stuck checkpoint (which the next batch waits for) look the same from here.
  for (const auto& since : {batch_since_, waiting_since_}) {
    if (since && now - *since > kStuckAfter) {
      return fmt::format("the disk has not confirmed a write of {} for {} s", wal_.string(),
                         std::chrono::duration_cast<std::chrono::seconds>(now - *since).count());
    }
  }
  return std::nullopt;
}

std::uint64_t WalWorker::syncs() const {
  const std::lock_guard lock(mutex_);
  return syncs_;
}

std::uint64_t WalWorker::checkpoints() const {
  const std::lock_guard lock(mutex_);
  return checkpoints_;
}

bool WalWorker::idle() const {
  const std::lock_guard lock(mutex_);
  return waiting_.empty() && !checkpoint_wanted_ && !working_;
}

bool WalWorker::syncs_waiting() const {
  const std::lock_guard lock(mutex_);
  return !waiting_.empty();
}

void WalWorker::run() {
  for (;;) {
    std::vector<Done> batch;
    bool checkpoint_now = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !waiting_.empty() || checkpoint_wanted_; });
      if (waiting_.empty() && (stopping_ || !checkpoint_wanted_)) {
        break;  // stopping, and nothing left to confirm; the close checkpoints
      }
      batch.swap(waiting_);
      batch_since_ = std::exchange(waiting_since_, std::nullopt);
      checkpoint_now = std::exchange(checkpoint_wanted_, false) && !stopping_;
      working_ = true;
    }
    // Confirmations first: people wait for them, nobody waits for a checkpoint.
    if (!batch.empty()) {
      const auto result = sync_wal();
      {
        // Before the answers go out, so that whoever sees one also sees the batch no longer waiting.
        const std::lock_guard lock(mutex_);
        batch_since_.reset();
      }
      for (auto& done : batch) {
        post_([done = std::move(done), result] { done(result); });
      }
    }
    if (checkpoint_now) {
      checkpoint();
    }
    const std::lock_guard lock(mutex_);
    working_ = false;
  }
  sqlite3_close_v2(checkpointer_);
}

std::error_code WalWorker::sync_wal() {
  const std::lock_guard whole(sync_mutex_);
  {
    const std::lock_guard lock(mutex_);
    if (failed_) {
      return failed_;
    }
  }
  std::error_code result;
  if (options_.sync_file(wal_fd_) != 0) {
    result = last_error();
  } else if (struct stat st{}; ::stat(wal_.c_str(), &st) != 0 || identity(st) != wal_identity_) {
    // Removed or replaced behind SQLite's back: what was synced is not what the next start reads.
    result = std::make_error_code(std::errc::no_such_file_or_directory);
  }
  const std::lock_guard lock(mutex_);
  ++syncs_;
  if (result && !failed_) {
    failed_ = result;
  }
  return failed_ ? failed_ : result;
}

// PASSIVE: it copies what no reader still needs and never waits for a lock,
// so the loop's connection is never held up by it. Its connection syncs the
// WAL before pages are copied and the database file before the WAL may be
// reused (synchronous=FULL, set here rather than left to the build's default).
void WalWorker::checkpoint() {
  if (checkpointer_ == nullptr) {
    if (sqlite3_open_v2(database_.c_str(), &checkpointer_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
            SQLITE_OK ||
        sqlite3_exec(checkpointer_, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr) != SQLITE_OK) {
      sqlite3_close_v2(checkpointer_);
      checkpointer_ = nullptr;
      return;  // tried again at the next commit past the mark
    }
  }
  // Again while the loop wrote much during the last pass, so that what the
  // loop is left to copy is small; not while confirmations wait.
  for (int pass = 0; pass < kCheckpointPasses; ++pass) {
    int frames = 0;
    int copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(checkpointer_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
    if (rc != SQLITE_OK) {
      checkpoint_result(rc);
      return;
    }
    if (frames - copied <= kLeftForTheLoop || syncs_waiting()) {
      break;
    }
  }
  {
    const std::lock_guard lock(mutex_);
    ++checkpoints_;
  }
  // The loop kept writing while this ran, and SQLite starts the WAL again
  // from its beginning only once every frame is in the database: without
  // this the WAL grows for as long as changes keep coming (134 MB in three
  // seconds of `booking.add`). The loop copies the frames written meanwhile
  // between two of its handlers.
  post_([this] { finish_checkpoint(); });
}

void WalWorker::finish_checkpoint() {
  if (sqlite3_get_autocommit(main_) != 0) {
    checkpoint_result(sqlite3_wal_checkpoint_v2(main_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr));
  }
}

// A busy checkpoint is tried again later, as SQLite's own would be. An I/O
// error is final like a failed fdatasync: a retry that succeeds would let the
// WAL start again over pages the database file may not hold.
void WalWorker::checkpoint_result(int rc) {
  if ((rc & 0xff) != SQLITE_IOERR) {
    return;
  }
  const std::lock_guard lock(mutex_);
  if (!failed_) {
    failed_ = std::make_error_code(std::errc::io_error);
  }
}

}  // namespace paminna::store
