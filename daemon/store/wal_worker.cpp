#include "store/wal_worker.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "store/sqlite.h"

namespace paminna::store {

namespace {

std::error_code last_error() {
  return {errno, std::generic_category()};
}

// Opened by name for each sync: the WAL SQLite writes now, not one it may
// have removed and created again since.
int open_for_sync(const std::filesystem::path& path, int flags) {
  for (;;) {
    const int fd = ::open(path.c_str(), flags | O_RDONLY | O_CLOEXEC);
    if (fd >= 0 || errno != EINTR) {
      return fd;
    }
  }
}

std::error_code sync_and_close(int fd, bool data_only) {
  std::error_code error;
  if ((data_only ? ::fdatasync(fd) : ::fsync(fd)) != 0) {
    error = last_error();
  }
  ::close(fd);
  return error;
}

}  // namespace

WalWorker::WalWorker(Database& db, Post post, int checkpoint_pages)
    : main_(db.handle()),
      checkpoint_pages_(checkpoint_pages),
      database_(db.path()),
      wal_(database_.string() + "-wal"),
      post_(std::move(post)),
      worker_([this] { run(); }) {
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
}

int WalWorker::on_commit(void* self, sqlite3* /*db*/, const char* /*name*/, int pages) {
  auto* worker = static_cast<WalWorker*>(self);
  if (pages >= worker->checkpoint_pages_) {
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
    waiting_.push_back(std::move(done));
  }
  wake_.notify_one();
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
      checkpoint_now = std::exchange(checkpoint_wanted_, false) && !stopping_;
      working_ = true;
    }
    // Confirmations first: people wait for them, nobody waits for a checkpoint.
    if (!batch.empty()) {
      const auto result = sync_files();
      {
        const std::lock_guard lock(mutex_);
        ++syncs_;
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

std::error_code WalWorker::sync_files() {
  int fd = open_for_sync(wal_, 0);
  if (fd < 0) {
    if (errno != ENOENT) {
      return last_error();
    }
    // No WAL: the database is not in WAL mode, or its last connection
    // checkpointed it away. Either way what was committed is in the file.
    fd = open_for_sync(database_, 0);
    return fd < 0 ? last_error() : sync_and_close(fd, true);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const auto error = last_error();
    ::close(fd);
    return error;
  }
  const std::pair<std::uint64_t, std::uint64_t> identity{st.st_dev, st.st_ino};
  if (auto error = sync_and_close(fd, true)) {
    return error;
  }
  if (identity != wal_named_) {
    const auto folder = database_.has_parent_path() ? database_.parent_path() : std::filesystem::path(".");
    const int dir = open_for_sync(folder, O_DIRECTORY);
    if (dir < 0) {
      return last_error();
    }
    if (auto error = sync_and_close(dir, false)) {
      return error;
    }
    wal_named_ = identity;
  }
  return {};
}

// PASSIVE: it copies what no reader still needs and never waits for a lock,
// so the loop's connection is never held up by it. Its connection keeps
// SQLite's default synchronous=FULL: the WAL is synced before pages are
// copied and the database file before the WAL may be reused.
void WalWorker::checkpoint() {
  if (checkpointer_ == nullptr) {
    if (sqlite3_open_v2(database_.c_str(), &checkpointer_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
      sqlite3_close_v2(checkpointer_);
      checkpointer_ = nullptr;
      return;  // tried again at the next commit past the mark
    }
  }
  // Again while the loop wrote much during the last pass, so that what the
  // loop is left to copy is small.
  for (int pass = 0; pass < kCheckpointPasses; ++pass) {
    int frames = 0;
    int copied = 0;
    if (sqlite3_wal_checkpoint_v2(checkpointer_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied) != SQLITE_OK) {
      return;
    }
    if (frames - copied <= kLeftForTheLoop) {
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
  // seconds of `booking.add`). The loop copies the frames written meanwhile,
  // a few hundred pages at most, between two of its handlers.
  post_([this] { finish_checkpoint(); });
}

void WalWorker::finish_checkpoint() {
  if (sqlite3_get_autocommit(main_) != 0) {
    sqlite3_wal_checkpoint_v2(main_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
}

}  // namespace paminna::store
