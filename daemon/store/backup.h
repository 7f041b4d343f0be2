// A consistent copy of the open database while the daemon keeps writing
// (SQLite's online backup API: sqlite3_backup_init/step/finish).
//
// Contract
//  - The copy is taken through the daemon's own connection. SQLite then
//    applies every write made through that connection during the backup to
//    the copy as well, so the backup never has to start over and finishes
//    even while the office keeps booking. (A write by another process would
//    restart it; the daemon is the only writer.)
//  - step() copies a bounded number of pages and returns, so the caller can
//    run other work on its loop between steps. It must not be called while
//    a transaction is open on the source connection (the loop guarantees it:
//    transactions live inside one handler).
//  - Failures throw StoreError; transient ones (SQLITE_BUSY/LOCKED: another
//    process holds a lock) say so through StoreError::transient() and the
//    caller may step again later.
//  - The destination file should exist (created 0600 by the caller): SQLite
//    keeps an existing file's mode. Its -journal or -wal file is gone when
//    close() returns.
// Not thread-safe; the loop's thread only.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "store/sqlite.h"

namespace paminna::store {

class OnlineBackup {
 public:
  OnlineBackup(Database& source, const std::filesystem::path& destination);
  ~OnlineBackup();
  OnlineBackup(const OnlineBackup&) = delete;
  OnlineBackup& operator=(const OnlineBackup&) = delete;

  // Copies up to `pages` pages (-1: all that remain); true when the copy is complete.
  bool step(int pages);
  // Ends the backup and closes the destination; throws if SQLite reports an error.
  void close();
  [[nodiscard]] int remaining() const;
  [[nodiscard]] int page_count() const;

 private:
  std::filesystem::path destination_;
  sqlite3* dest_ = nullptr;
  sqlite3_backup* backup_ = nullptr;
};

struct IntegrityReport {
  bool ok = false;
  std::string detail;  // "ok", or the first problems integrity_check found
  std::int64_t pages = 0;
  std::int64_t page_size = 0;
};

// Prepares a finished copy to stand alone and verifies it: switches it from
// WAL (copied with the pages) to a rollback journal, so the copy is one file
// with no -wal or -shm beside it, then runs PRAGMA integrity_check (at most
// 10 problems reported). The daemon turns WAL back on when it opens a restored copy.
IntegrityReport seal_and_check(const std::filesystem::path& path);

}  // namespace paminna::store
