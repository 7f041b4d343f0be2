// Opening the daemon's database: folder and file permissions, pragmas, migrations.
//
// Pragmas: WAL (readers never block the writer), synchronous=FULL (what the
// daemon acknowledged survives a power loss: design.md pitfalls; the control
// socket's group commits defer the WAL's sync to an fdatasync of their own,
// store::WalWorker and store/wal_vfs.h), foreign keys on, a busy timeout. The folder is created
// 0700 and the file made 0600; a looser mode is tightened and reported. A
// file that is not a SQLite database, or is corrupt, fails here with a
// message that says so.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/migrations.h"
#include "store/sqlite.h"

namespace paminna::store {

struct OpenedStore {
  std::unique_ptr<Database> db;
  MigrationReport migration{};
  std::vector<std::string> tightened;  // paths whose permissions were narrowed
};

OpenedStore open_store(const std::filesystem::path& path, int busy_timeout_ms);

}  // namespace paminna::store
