// What every fault campaign (tests/fault/) shares: how an invariant breaks,
// reading the database file behind the daemon's back, reading a gateway form.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace paminna::fault {

[[noreturn]] inline void broken(const std::string& what) {
  std::fprintf(stderr, "INVARIANT BROKEN: %s\n", what.c_str());
  std::exit(1);
}

// One field of an application/x-www-form-urlencoded body, still encoded.
inline std::string form_field(const std::string& body, const std::string& name) {
  const auto key = name + "=";
  auto start = body.find(key);
  while (start != std::string::npos && start != 0 && body[start - 1] != '&') {
    start = body.find(key, start + 1);
  }
  if (start == std::string::npos) {
    return {};
  }
  start += key.size();
  return body.substr(start, body.find('&', start) - start);
}

// A visit's local time for booking.add: `month` (November unless said) 2026, `minute` minutes after `hour`:00.
inline std::string visit(int day, int hour, int minute, int month = 11) {
  char text[32];
  std::snprintf(text, sizeof text, "2026-%02d-%02d %02d:%02d", month, day, hour + minute / 60, minute % 60);
  return text;
}

// One SQL value from the database file, read-only (WAL lets it run beside the
// daemon); "ok" reads as 1, other text as 0, no row or an error as -1.
inline sqlite3* open_read_only(const std::filesystem::path& database) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    broken("cannot open " + database.string());
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

inline std::int64_t scalar(const std::filesystem::path& database, const std::string& sql) {
  sqlite3* db = open_read_only(database);
  sqlite3_stmt* statement = nullptr;
  std::int64_t value = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    value = sqlite3_column_type(statement, 0) == SQLITE_TEXT
                ? (std::string(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0))) == "ok" ? 1 : 0)
                : sqlite3_column_int64(statement, 0);
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return value;
}

// The first of `ids` with no row in `table`, read in one read-only connection:
// a connection of its own per id rebuilt the WAL's index from the file each
// time, since no daemon holds it after a kill (12 ms a time for a 40 MB WAL).
inline std::optional<std::int64_t> first_missing(const std::filesystem::path& database, const std::string& table,
                                                 const std::vector<std::int64_t>& ids) {
  sqlite3* db = open_read_only(database);
  sqlite3_stmt* statement = nullptr;
  const auto sql = "SELECT count(*) FROM " + table + " WHERE id = ?1";
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    broken("cannot read " + table + " in " + database.string());
  }
  std::optional<std::int64_t> missing;
  for (const auto id : ids) {
    sqlite3_bind_int64(statement, 1, id);
    const bool found = sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_int64(statement, 0) == 1;
    sqlite3_reset(statement);
    if (!found) {
      missing = id;
      break;
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return missing;
}

}  // namespace paminna::fault
