// The disk work of the daemon's write-ahead log, on a thread of its own, so
// that the loop handles the next requests while the disk works
// (bench/README.md: with it on the loop, the loop sat in fdatasync for a
// third of `booking.add`'s time):
//
// - Confirming commits. The control socket's group commits defer the WAL's
//   sync (Database::GroupSync::by_caller, store/wal_vfs.h); sync() answers once
//   an fdatasync of the WAL that began after the call has returned. One
//   fdatasync covers every commit written before it began, so the requests
//   that come in while one runs share the next. The WAL is opened once, when
//   the worker starts: Linux reports a failed write-back once to each open
//   file, so a file opened later could miss it. A failure is final: the WAL
//   may have a hole that a later successful sync would not fill, so every
//   later confirmation fails too and trouble() says so (the watchdog stops,
//   and a restart recovers what is really on disk).
// - Checkpoints. SQLite's automatic checkpoint ran inside a COMMIT on the loop
//   and synced the WAL and the database file there; it is replaced by a
//   PASSIVE checkpoint on a connection of this thread, asked for at a larger
//   WAL size (kCheckpointPages), and finished on the loop (the frames written
//   while it ran), so that the WAL can start again from its beginning. A
//   failed checkpoint is tried again at the next commit, as SQLite's own
//   would be; the WAL only grows meanwhile. `post` must run what it is given
//   on the thread that uses `db`.
//
// SQLite pads no frame to a sector boundary here: the unix VFS reports
// powersafe overwrite, which wal_vfs passes on.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
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
  // fdatasync(2) by default; tests put a failure or a wait in its place.
  using SyncFile = std::function<int(int fd)>;

  // SQLite's automatic checkpoint runs at 1,000 pages. Ten times that copies
  // a page changed by many commits once instead of ten times: `booking.add`
  // wrote less to the disk and ran a quarter faster (bench/README.md). The
  // WAL grows to about 40 MiB before it starts again.
  static constexpr int kCheckpointPages = 10000;
  static constexpr int kCheckpointPasses = 3;
  static constexpr int kLeftForTheLoop = 256;  // frames
  static constexpr std::chrono::seconds kStuckAfter{30};

  struct Options {
    int checkpoint_pages = kCheckpointPages;
    SyncFile sync_file;
  };

  // Takes over `db`'s checkpoints: `db` must outlive this worker. Throws
  // StoreError when `db` is not in WAL mode or its WAL cannot be opened.
  WalWorker(Database& db, Post post, Options options);
  WalWorker(Database& db, Post post) : WalWorker(db, std::move(post), Options{}) {}
  // Syncs what was asked for, then joins. Its answers are posted and may
  // never run. The checkpoint of `db`'s close takes what is left.
  ~WalWorker();
  WalWorker(const WalWorker&) = delete;
  WalWorker& operator=(const WalWorker&) = delete;

  // From any thread: `done` is posted with the result of an fdatasync that began after this call.
  void sync(Done done);
  // The same on the calling thread, for a stop that answers what waits before it closes the sockets.
  std::error_code sync_now();

  // A failed fdatasync or checkpoint, or a confirmation asked for longer than
  // kStuckAfter ago: the daemon cannot say "done" and should not go on as if
  // it could.
  [[nodiscard]] std::optional<std::string> trouble(std::chrono::steady_clock::time_point now) const;

  // fdatasync calls and checkpoints made so far, and whether nothing is
  // asked for or under way (tests).
  [[nodiscard]] std::uint64_t syncs() const;
  [[nodiscard]] std::uint64_t checkpoints() const;
  [[nodiscard]] bool idle() const;

 private:
  static int on_commit(void* self, sqlite3* db, const char* name, int pages);
  void run();
  std::error_code sync_wal();
  void checkpoint();
  void finish_checkpoint();  // on the thread that owns `db`
  void checkpoint_result(int rc);
  [[nodiscard]] bool syncs_waiting() const;

  sqlite3* main_;
  Options options_;
  std::filesystem::path database_;
  std::filesystem::path wal_;
  Post post_;
  int wal_fd_ = -1;
  std::pair<std::uint64_t, std::uint64_t> wal_identity_{0, 0};  // (device, inode)
  // Held for a whole fdatasync: the worker's and sync_now()'s must not
  // overlap, or only one of them would hear of a failed write-back.
  std::mutex sync_mutex_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Done> waiting_;
  bool checkpoint_wanted_ = false;
  bool stopping_ = false;
  bool working_ = false;
  std::error_code failed_;  // the first failed sync or checkpoint; final
  // When the oldest confirmation still waiting (or in the batch under way) was asked for.
  std::optional<std::chrono::steady_clock::time_point> waiting_since_;
  std::optional<std::chrono::steady_clock::time_point> batch_since_;
  std::uint64_t syncs_ = 0;
  std::uint64_t checkpoints_ = 0;
  sqlite3* checkpointer_ = nullptr;  // only the worker thread touches it
  std::thread worker_;               // last: it starts once everything above is ready
};

}  // namespace paminna::store
