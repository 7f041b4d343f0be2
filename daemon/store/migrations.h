// Versioned schema migrations compiled into the binary.
//
// The schema version is SQLite's user_version. At start every migration newer
// than the file's version is applied, each in its own transaction together
// with its version bump, so a crash mid-upgrade leaves a consistent older
// version. A database from a newer paminna is refused, never downgraded.
#pragma once

#include <span>
#include <string_view>

#include "store/sqlite.h"

namespace paminna::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::span<const Migration> migrations();
int latest_schema_version();
int schema_version(Database& db);

struct MigrationReport {
  int from;
  int to;
};

// Throws StoreError when the file is newer than this binary or a migration fails.
MigrationReport migrate(Database& db);

}  // namespace paminna::store
