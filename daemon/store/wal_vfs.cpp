#include "store/wal_vfs.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace paminna::store {
namespace {

// A turn's commit writes a few hundred KiB; a larger transaction (the
// nightly purge, a migration) goes out a MiB at a time.
constexpr std::size_t kGatherLimit = std::size_t{1} << 20U;
// The unix VFS keeps only the low 17 bits of a write's length (it expects
// pages of at most 64 KiB), so a longer write goes out in pieces below that.
constexpr std::size_t kWriteLimit = std::size_t{31} << 12U;  // 124 KiB

struct Gathered {
  std::vector<unsigned char> bytes;
  sqlite3_int64 offset = 0;  // of bytes[0] in the file
  bool defer_sync = false;
  // Since the last xSync: any write, and a write of the WAL's header (offset
  // 0, when the WAL starts again). See wal_sync.
  bool wrote = false;
  bool wrote_header = false;
  std::uint64_t synced = 0;  // xSync calls passed to the unix VFS
};

// SQLite allocates the VFS's szOsFile bytes for every file it opens. A WAL's
// begin with this, and the unix VFS's own file object follows; any other
// file is the unix VFS's object alone.
struct WalFile {
  sqlite3_file base;
  Gathered* gathered;
};
constexpr std::size_t kRealOffset =
    (sizeof(WalFile) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) * alignof(std::max_align_t);

sqlite3_vfs* unix_vfs() {
  static sqlite3_vfs* const found = sqlite3_vfs_find("unix");
  return found;
}

Gathered& gathered(sqlite3_file* file) {
  return *reinterpret_cast<WalFile*>(file)->gathered;  // NOLINT: SQLite's C objects are laid out by hand
}

sqlite3_file* real(sqlite3_file* file) {
  return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);  // NOLINT: see WalFile
}

// What is gathered is kept until it is written: frames of an open
// transaction that SQLite believes written must reach the file before it
// publishes them, even after a failure on the way (a full disk that frees up).
int write_out(sqlite3_file* file) {
  auto& g = gathered(file);
  auto* r = real(file);
  std::size_t written = 0;
  int rc = SQLITE_OK;
  while (written < g.bytes.size() && rc == SQLITE_OK) {
    const auto piece = std::min(kWriteLimit, g.bytes.size() - written);
    rc = r->pMethods->xWrite(r, g.bytes.data() + written, static_cast<int>(piece),
                             g.offset + static_cast<sqlite3_int64>(written));
    if (rc == SQLITE_OK) {
      written += piece;
    }
  }
  g.bytes.erase(g.bytes.begin(), g.bytes.begin() + static_cast<std::ptrdiff_t>(written));
  g.offset += static_cast<sqlite3_int64>(written);
  return rc;
}

int wal_close(sqlite3_file* file) {
  // Only the frames of a transaction that did not commit can be left here (a
  // commit writes out in xSync), and no transaction is open at a close.
  auto* r = real(file);
  const int rc = r->pMethods->xClose(r);
  delete &gathered(file);
  return rc;
}

int wal_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  if (const int rc = write_out(file); rc != SQLITE_OK) {
    return rc;
  }
  auto* r = real(file);
  return r->pMethods->xRead(r, buffer, amount, offset);
}

int wal_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  auto& g = gathered(file);
  g.wrote = true;
  g.wrote_header = g.wrote_header || offset == 0;
  const auto size = static_cast<std::size_t>(amount);
  const auto* bytes = static_cast<const unsigned char*>(data);
  try {
    if (g.defer_sync && !g.bytes.empty() && offset == g.offset + static_cast<sqlite3_int64>(g.bytes.size()) &&
        g.bytes.size() + size <= kGatherLimit) {
      g.bytes.insert(g.bytes.end(), bytes, bytes + size);
      return SQLITE_OK;
    }
    // Anywhere else in the file (SQLite rewrites a frame it spilled earlier in
    // the same transaction): what is gathered goes first, to keep the order.
    if (const int rc = write_out(file); rc != SQLITE_OK) {
      return rc;
    }
    if (g.defer_sync && size < kGatherLimit) {
      g.bytes.assign(bytes, bytes + size);
      g.offset = offset;
      return SQLITE_OK;
    }
  } catch (const std::bad_alloc&) {
    return SQLITE_IOERR_NOMEM;
  }
  auto* r = real(file);
  return r->pMethods->xWrite(r, data, amount, offset);
}

int wal_truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (const int rc = write_out(file); rc != SQLITE_OK) {
    return rc;
  }
  auto* r = real(file);
  return r->pMethods->xTruncate(r, size);
}

// A deferred sync is skipped only at the end of a commit, where frames were
// just written. SQLite also syncs the WAL right after writing its header when
// the WAL starts again (before any frame follows it: an old header with new
// frames behind it would replay old frames after a power cut), and before a
// checkpoint copies frames into the database, with nothing written since;
// both stay real syncs, as they were with synchronous=NORMAL.
int wal_sync(sqlite3_file* file, int flags) {
  if (const int rc = write_out(file); rc != SQLITE_OK) {
    return rc;
  }
  auto& g = gathered(file);
  const bool end_of_commit = g.wrote && !g.wrote_header;
  g.wrote = false;
  g.wrote_header = false;
  if (g.defer_sync && end_of_commit) {
    return SQLITE_OK;  // the owner's fdatasync confirms it (wal_vfs.h)
  }
  auto* r = real(file);
  const int rc = r->pMethods->xSync(r, flags);
  if (rc == SQLITE_OK) {
    ++g.synced;
  }
  return rc;
}

int wal_file_size(sqlite3_file* file, sqlite3_int64* size) {
  if (const int rc = write_out(file); rc != SQLITE_OK) {
    return rc;
  }
  auto* r = real(file);
  return r->pMethods->xFileSize(r, size);
}

int wal_lock(sqlite3_file* file, int level) {
  auto* r = real(file);
  return r->pMethods->xLock(r, level);
}

int wal_unlock(sqlite3_file* file, int level) {
  auto* r = real(file);
  return r->pMethods->xUnlock(r, level);
}

int wal_check_reserved_lock(sqlite3_file* file, int* reserved) {
  auto* r = real(file);
  return r->pMethods->xCheckReservedLock(r, reserved);
}

int wal_file_control(sqlite3_file* file, int op, void* argument) {
  auto* r = real(file);
  return r->pMethods->xFileControl(r, op, argument);
}

int wal_sector_size(sqlite3_file* file) {
  auto* r = real(file);
  return r->pMethods->xSectorSize(r);
}

int wal_device_characteristics(sqlite3_file* file) {
  auto* r = real(file);
  return r->pMethods->xDeviceCharacteristics(r);
}

// Version 1: SQLite maps no shared memory and fetches no pages through a WAL.
const sqlite3_io_methods kWalMethods = {
    .iVersion = 1,
    .xClose = wal_close,
    .xRead = wal_read,
    .xWrite = wal_write,
    .xTruncate = wal_truncate,
    .xSync = wal_sync,
    .xFileSize = wal_file_size,
    .xLock = wal_lock,
    .xUnlock = wal_unlock,
    .xCheckReservedLock = wal_check_reserved_lock,
    .xFileControl = wal_file_control,
    .xSectorSize = wal_sector_size,
    .xDeviceCharacteristics = wal_device_characteristics,
    .xShmMap = nullptr,
    .xShmLock = nullptr,
    .xShmBarrier = nullptr,
    .xShmUnmap = nullptr,
    .xFetch = nullptr,
    .xUnfetch = nullptr,
};

int open_file(sqlite3_vfs* /*vfs*/, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* root = unix_vfs();
  if ((flags & SQLITE_OPEN_WAL) == 0) {
    return root->xOpen(root, name, file, flags, out_flags);
  }
  file->pMethods = nullptr;  // until it is whole: SQLite then calls no xClose
  auto* g = new (std::nothrow) Gathered;
  if (g == nullptr) {
    return SQLITE_NOMEM;
  }
  auto* r = real(file);
  const int rc = root->xOpen(root, name, r, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (r->pMethods != nullptr) {
      r->pMethods->xClose(r);
    }
    delete g;
    return rc;
  }
  reinterpret_cast<WalFile*>(file)->gathered = g;  // NOLINT: see WalFile
  file->pMethods = &kWalMethods;
  return SQLITE_OK;
}

// Everything but xOpen is the unix VFS's, called with the unix VFS.
sqlite3_vfs make_vfs() {
  auto* root = unix_vfs();
  sqlite3_vfs vfs{};
  vfs.iVersion = root->iVersion;
  vfs.szOsFile = static_cast<int>(kRealOffset) + root->szOsFile;
  vfs.mxPathname = root->mxPathname;
  vfs.zName = "paminna";
  vfs.xOpen = open_file;
  vfs.xDelete = [](sqlite3_vfs*, const char* name, int sync_dir) {
    return unix_vfs()->xDelete(unix_vfs(), name, sync_dir);
  };
  vfs.xAccess = [](sqlite3_vfs*, const char* name, int flags, int* result) {
    return unix_vfs()->xAccess(unix_vfs(), name, flags, result);
  };
  vfs.xFullPathname = [](sqlite3_vfs*, const char* name, int size, char* out) {
    return unix_vfs()->xFullPathname(unix_vfs(), name, size, out);
  };
  vfs.xDlOpen = [](sqlite3_vfs*, const char* name) { return unix_vfs()->xDlOpen(unix_vfs(), name); };
  vfs.xDlError = [](sqlite3_vfs*, int size, char* out) { unix_vfs()->xDlError(unix_vfs(), size, out); };
  vfs.xDlSym = [](sqlite3_vfs*, void* handle, const char* symbol) {
    return unix_vfs()->xDlSym(unix_vfs(), handle, symbol);
  };
  vfs.xDlClose = [](sqlite3_vfs*, void* handle) { unix_vfs()->xDlClose(unix_vfs(), handle); };
  vfs.xRandomness = [](sqlite3_vfs*, int size, char* out) { return unix_vfs()->xRandomness(unix_vfs(), size, out); };
  vfs.xSleep = [](sqlite3_vfs*, int microseconds) { return unix_vfs()->xSleep(unix_vfs(), microseconds); };
  vfs.xCurrentTime = [](sqlite3_vfs*, double* now) { return unix_vfs()->xCurrentTime(unix_vfs(), now); };
  vfs.xGetLastError = [](sqlite3_vfs*, int size, char* out) {
    return unix_vfs()->xGetLastError(unix_vfs(), size, out);
  };
  vfs.xCurrentTimeInt64 = [](sqlite3_vfs*, sqlite3_int64* now) {
    return unix_vfs()->xCurrentTimeInt64(unix_vfs(), now);
  };
  vfs.xSetSystemCall = [](sqlite3_vfs*, const char* name, sqlite3_syscall_ptr call) {
    return unix_vfs()->xSetSystemCall(unix_vfs(), name, call);
  };
  vfs.xGetSystemCall = [](sqlite3_vfs*, const char* name) { return unix_vfs()->xGetSystemCall(unix_vfs(), name); };
  vfs.xNextSystemCall = [](sqlite3_vfs*, const char* name) { return unix_vfs()->xNextSystemCall(unix_vfs(), name); };
  return vfs;
}

// The WAL of `db`'s main database when it is open through this VFS.
sqlite3_file* wal_of(sqlite3* db) {
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file) != SQLITE_OK || file == nullptr ||
      file->pMethods != &kWalMethods) {
    return nullptr;
  }
  return file;
}

}  // namespace

const char* wal_vfs_name() {
  static const char* const name = []() -> const char* {
    if (unix_vfs() == nullptr) {
      return nullptr;
    }
    static sqlite3_vfs vfs = make_vfs();
    return sqlite3_vfs_register(&vfs, 0) == SQLITE_OK ? vfs.zName : nullptr;
  }();
  return name;
}

bool defer_wal_sync(sqlite3* db, bool defer) noexcept {
  auto* file = wal_of(db);
  if (file == nullptr) {
    return false;
  }
  auto& g = gathered(file);
  if (defer) {
    // Without powersafe overwrite SQLite pads a commit to a sector and syncs
    // inside the padding, not at its end: the last frames could be
    // published before they are written.
    sqlite3_file* database = nullptr;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &database) != SQLITE_OK || database == nullptr ||
        database->pMethods == nullptr ||
        (database->pMethods->xDeviceCharacteristics(database) & SQLITE_IOCAP_POWERSAFE_OVERWRITE) == 0) {
      return false;
    }
  } else if (!g.bytes.empty()) {
    if (sqlite3_txn_state(db, "main") == SQLITE_TXN_WRITE) {
      write_out(file);  // the open transaction's own frames: kept until written, even if this fails
    } else {
      // A failed or undone transaction's frames, never published. Written
      // now, after its write lock is gone, they could land on another
      // writer's; kept, every read would try them again.
      g.bytes.clear();
    }
  }
  g.defer_sync = defer;
  return true;
}

std::optional<bool> wal_sync_deferred(sqlite3* db) noexcept {
  auto* file = wal_of(db);
  if (file == nullptr) {
    return std::nullopt;
  }
  return gathered(file).defer_sync;
}

std::optional<std::uint64_t> wal_syncs(sqlite3* db) noexcept {
  auto* file = wal_of(db);
  if (file == nullptr) {
    return std::nullopt;
  }
  return gathered(file).synced;
}

}  // namespace paminna::store
