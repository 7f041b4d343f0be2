// The SQLite VFS that every Database connection opens through: the default
// unix VFS, except that a write-ahead log can gather a commit's writes and
// hand them to the kernel in one pwrite.
//
// Why: SQLite writes each WAL frame as two pwrite calls (its 24-byte header,
// then the page), about eight a `booking.add`. On this VM a system call is
// expensive, and those calls were a fifth of the loop thread's time
// (bench/README.md). Gathered, a turn's commit is one call.
//
// When: only while the connection's owner has deferred the WAL's sync
// (Database's GroupSync::by_caller groups), with synchronous=FULL. FULL makes
// SQLite call xSync on the WAL at the end of every commit, after the commit's
// last frame and before the wal-index tells any other connection that the
// frames exist; the gathered writes are written out there, and a failure is
// that COMMIT's error. A deferred xSync at the end of a commit writes without
// fdatasync: the caller confirms with an fdatasync of its own
// (store::WalWorker), as it did when these groups ran with
// synchronous=NORMAL; SQLite's other syncs of the WAL (of its header when it
// starts again, before a checkpoint) stay real, as NORMAL kept them.
// Anything that reads, sizes or truncates the WAL writes what is gathered
// first, so SQLite never sees the file differ from what it wrote. Without a
// deferral every write goes straight through, as in the unix VFS.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>

namespace paminna::store {

// Registers the VFS on first use (not as the default) and returns its name.
const char* wal_vfs_name();

// Defers, or stops deferring, the sync of `db`'s WAL as described above.
// Stopping writes out what an open write transaction still has gathered, and
// drops what a failed or undone one left. Returns false, changing nothing,
// when `db` has no WAL open through this VFS, or when its database file does
// not promise powersafe overwrite (then SQLite syncs inside a commit's
// padding, before its end).
bool defer_wal_sync(sqlite3* db, bool defer) noexcept;

// Whether `db`'s WAL sync is deferred, and how many syncs of its WAL reached
// the disk (tests); nullopt when `db` has no WAL open through this VFS.
std::optional<bool> wal_sync_deferred(sqlite3* db) noexcept;
std::optional<std::uint64_t> wal_syncs(sqlite3* db) noexcept;

}  // namespace paminna::store
