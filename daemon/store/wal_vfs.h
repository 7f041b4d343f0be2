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
// that COMMIT's error. A deferred xSync writes without fdatasync: the caller
// confirms with an fdatasync of its own (store::WalWorker), as it did when
// these groups ran with synchronous=NORMAL. Anything that reads, sizes,
// truncates or closes the WAL writes what is gathered first, so SQLite never
// sees the file differ from what it wrote. Without a deferral every write
// goes straight through, as in the unix VFS.
#pragma once

#include <sqlite3.h>

#include <optional>

namespace paminna::store {

// Registers the VFS on first use (not as the default) and returns its name.
const char* wal_vfs_name();

// Defers, or stops deferring, the sync of `db`'s WAL as described above.
// Stopping writes out what is still gathered. Returns false, changing
// nothing, when `db` has no WAL open through this VFS.
bool defer_wal_sync(sqlite3* db, bool defer) noexcept;

// Whether `db`'s WAL sync is deferred; nullopt when `db` has no WAL open
// through this VFS.
std::optional<bool> wal_sync_deferred(sqlite3* db) noexcept;

}  // namespace paminna::store
