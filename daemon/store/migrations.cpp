#include "store/migrations.h"

#include <fmt/format.h>

#include <array>

namespace paminna::store {

namespace {

// Append only: a released migration is never edited. Times are UTC seconds since the epoch.
constexpr std::array kMigrations{
    Migration{1, "audit trail", R"sql(
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  peer_uid INTEGER,
  actor TEXT,
  action TEXT NOT NULL,
  subject TEXT,
  detail TEXT
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_subject ON audit(subject);
)sql"},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations.back().version; }

int schema_version(Database& db) {
  auto& stmt = db.cached("PRAGMA user_version");
  stmt.step();
  const auto version = static_cast<int>(stmt.int64(0));
  stmt.reset();
  return version;
}

MigrationReport migrate(Database& db) {
  const int from = schema_version(db);
  if (from > latest_schema_version()) {
    throw StoreError(fmt::format("database {} has schema version {}, newer than this paminna understands ({}); "
                                 "run the newer paminna or restore a backup made for this version",
                                 db.path().string(), from, latest_schema_version()),
                     SQLITE_ERROR, "refusing to open");
  }
  for (const auto& migration : kMigrations) {
    if (migration.version <= from) {
      continue;
    }
    Transaction tx(db);
    db.exec(migration.sql);
    db.exec(fmt::format("PRAGMA user_version = {}", migration.version));
    tx.commit();
  }
  return {from, latest_schema_version()};
}

}  // namespace paminna::store
