// The disk work of the daemon's write-ahead log, on a thread of its own, so
// that the loop handles the next requests while the disk works
// (bench/README.md: with it on the loop, the loop sat in fdatasync for a
// third of `booking.add`'s time):
//
// - Confirming commits. The control socket's group commits run with
//   synchronous=NORMAL (Database::GroupSync::by_caller); sync() answers once
//   an fdatasync of the WAL that began after the call has succeeded. One
//   fdatasync covers every commit written before it began, so the requests
//   that come in while one runs share the next. Without a WAL the database
//   file is synced. The first time a WAL file is seen its folder is synced
//   too, so that the file's name survives a power loss (SQLite does that only
//   on a sync of its own).
// - Checkpoints. SQLite's automatic checkpoint ran inside a COMMIT on the loop
//   and synced the WAL and the database file there; it is replaced by a
//   PASSIVE checkpoint on a connection of this thread, asked for at a larger
//   WAL size (kCheckpointPages), and finished on the loop (the frames written while
//   it ran), so that the WAL can start again from its beginning. A failed
//   checkpoint is tried again at the next commit, as SQLite's own would be;
//   the WAL only grows meanwhile. `post` must run what it is given on the
//   thread that uses `db`.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace paminna::store {

class Database;

class WalWorker {
 public:
  using Done = std::function<void(std::error_code)>;
  // Hands a completion to the thread that asked (the daemon's io_context).
  using Post = std::function<void(std::function<void()>)>;

  // SQLite's automatic checkpoint runs at 1,000 pages. Ten times that copies
  // a page changed by many commits once instead of ten times: `booking.add`
  // wrote a quarter less to the disk and ran a quarter faster
  // (bench/README.md). The WAL grows to about 40 MiB before it starts again.
  static constexpr int kCheckpointPages = 10000;
  static constexpr int kCheckpointPasses = 3;
  static constexpr int kLeftForTheLoop = 256;  // frames

  // Takes over `db`'s checkpoints: `db` must outlive this worker.
  WalWorker(Database& db, Post post, int checkpoint_pages = kCheckpointPages);
  // Syncs what was asked for, then joins. Its answers are posted and may
  // never run. The checkpoint of `db`'s close takes what is left.
  ~WalWorker();
  WalWorker(const WalWorker&) = delete;
  WalWorker& operator=(const WalWorker&) = delete;

  // From any thread: `done` is posted with the result of an fdatasync that began after this call.
  void sync(Done done);

  // fdatasync calls and checkpoints made so far, and whether nothing is
  // asked for or under way (tests).
  [[nodiscard]] std::uint64_t syncs() const;
  [[nodiscard]] std::uint64_t checkpoints() const;
  [[nodiscard]] bool idle() const;

 private:
  static int on_commit(void* self, sqlite3* db, const char* name, int pages);
  void run();
  std::error_code sync_files();
  void checkpoint();
  void finish_checkpoint();  // on the thread that owns `db`

  sqlite3* main_;
  int checkpoint_pages_;
  std::filesystem::path database_;
  std::filesystem::path wal_;
  Post post_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Done> waiting_;
  bool checkpoint_wanted_ = false;
  bool stopping_ = false;
  bool working_ = false;
  std::uint64_t syncs_ = 0;
  std::uint64_t checkpoints_ = 0;
  // Only the worker thread touches these two.
  sqlite3* checkpointer_ = nullptr;
  std::pair<std::uint64_t, std::uint64_t> wal_named_{0, 0};  // (device, inode) of a WAL whose name is on disk
  std::thread worker_;                                       // last: it starts once everything above is ready
};

}  // namespace paminna::store
