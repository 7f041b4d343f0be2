#include "store/open_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace paminna::store {

namespace {

namespace fs = std::filesystem;

// Narrow a path we own to `mode`; report whether it was wider.
bool tighten(const fs::path& path, mode_t mode) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return false;
  }
  if ((st.st_mode & 0777) == mode || st.st_uid != geteuid()) {
    return false;
  }
  if ((st.st_mode & 0777 & ~mode) == 0) {
    return false;  // already narrower than asked
  }
  // Only ever remove bits: a folder the daemon may not write stays so, and is reported.
  if (chmod(path.c_str(), st.st_mode & 0777 & mode) != 0) {
    throw StoreError(fmt::format("chmod {}", path.string()), SQLITE_PERM, std::generic_category().message(errno));
  }
  return true;
}

// SQLite needs to write the file and, for its -wal and -shm files, the folder.
// Say which is read-only and for whom, not "attempt to write a readonly database".
void require_writable(const fs::path& path, const char* what) {
  if (::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) != 0) {
    const int error = errno;
    throw StoreError(fmt::format("{} {} is not writable by the daemon's user (uid {}){}", what, path.string(),
                                 ::geteuid(), error == EROFS ? " on a read-only filesystem" : ""),
                     SQLITE_READONLY,
                     fmt::format("{}; nothing was changed: make it writable for that user and start again",
                                 std::generic_category().message(error)));
  }
}

}  // namespace

OpenedStore open_store(const fs::path& path, int busy_timeout_ms) {
  OpenedStore opened;
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::exists(folder, ec)) {
    fs::create_directories(folder, ec);
    if (ec) {
      throw StoreError(fmt::format("create folder {}", folder.string()), SQLITE_CANTOPEN, ec.message());
    }
    ::chmod(folder.c_str(), 0700);
  }
  const bool existed = fs::exists(path, ec);
  require_writable(folder, "state folder");
  if (existed && fs::is_regular_file(path, ec)) {
    require_writable(path, "database");
  }
  if (folder != fs::path(".") && tighten(folder, 0700)) {
    opened.tightened.push_back(folder.string());
  }
  // Files SQLite creates (the database, -wal, -shm) inherit this: owner-only.
  const mode_t old_mask = umask(077);
  try {
    opened.db = std::make_unique<Database>(path, OpenOptions{busy_timeout_ms, false});
    auto& db = *opened.db;
    // The first statement reads the header: a corrupt or foreign file fails here.
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("SELECT count(*) FROM sqlite_schema");
    // Migrations sort on disk: migration 8 rebuilds the indexes of every
    // reminder, 145 MiB of memory for a million of them with temp_store in
    // memory, 9 MiB without.
    opened.migration = migrate(db);
    // Savepoint and statement journals (the group commit's savepoints, every
    // UPDATE with a trigger) in memory: on disk they spilled past 64 KiB into a
    // temporary file, 14 % of booking.add's time, and held page images with
    // people's numbers in the temporary folder. A turn's journal is a few
    // hundred KiB; the largest is the nightly retention purge's (26 MiB of
    // memory for 300,000 bookings anonymised at once, against 8 MiB on disk).
    db.exec("PRAGMA temp_store = MEMORY");
  } catch (...) {
    umask(old_mask);
    throw;
  }
  umask(old_mask);
  if (existed && tighten(path, 0600)) {
    opened.tightened.push_back(path.string());
  }
  return opened;
}

}  // namespace paminna::store
