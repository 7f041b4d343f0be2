#include "store/backup.h"

#include <fmt/format.h>

namespace paminna::store {

OnlineBackup::OnlineBackup(Database& source, const std::filesystem::path& destination) : destination_(destination) {
  const int rc = sqlite3_open_v2(
      destination.c_str(), &dest_,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nullptr);
  if (rc != SQLITE_OK) {
    const std::string detail = dest_ != nullptr ? sqlite3_errmsg(dest_) : "";
    sqlite3_close_v2(dest_);
    dest_ = nullptr;
    throw StoreError(fmt::format("open backup file {}", destination.string()), rc, detail);
  }
  backup_ = sqlite3_backup_init(dest_, "main", source.handle(), "main");
  if (backup_ == nullptr) {
    const int code = sqlite3_extended_errcode(dest_);
    const std::string detail = sqlite3_errmsg(dest_);
    sqlite3_close_v2(dest_);
    dest_ = nullptr;
    throw StoreError(fmt::format("start backup to {}", destination.string()), code, detail);
  }
}

OnlineBackup::~OnlineBackup() {
  // Abandoned (an error, or the daemon stopping): release both handles; the caller removes the file.
  if (backup_ != nullptr) {
    sqlite3_backup_finish(backup_);
  }
  if (dest_ != nullptr) {
    sqlite3_close_v2(dest_);
  }
}

bool OnlineBackup::step(int pages) {
  const int rc = sqlite3_backup_step(backup_, pages);
  if (rc == SQLITE_DONE) {
    return true;
  }
  if (rc == SQLITE_OK) {
    return false;
  }
  throw StoreError(fmt::format("copy pages to {}", destination_.string()), rc, sqlite3_errmsg(dest_));
}

void OnlineBackup::close() {
  const int rc = sqlite3_backup_finish(backup_);
  backup_ = nullptr;
  if (rc != SQLITE_OK) {
    const std::string detail = sqlite3_errmsg(dest_);
    sqlite3_close_v2(dest_);
    dest_ = nullptr;
    throw StoreError(fmt::format("finish backup to {}", destination_.string()), rc, detail);
  }
  const int closed = sqlite3_close(dest_);
  dest_ = nullptr;
  if (closed != SQLITE_OK) {
    throw StoreError(fmt::format("close backup file {}", destination_.string()), closed, "");
  }
}

int OnlineBackup::remaining() const {
  return backup_ != nullptr ? sqlite3_backup_remaining(backup_) : 0;
}

int OnlineBackup::page_count() const {
  return backup_ != nullptr ? sqlite3_backup_pagecount(backup_) : 0;
}

IntegrityReport seal_and_check(const std::filesystem::path& path) {
  Database db(path, OpenOptions{1000, false});
  db.exec("PRAGMA journal_mode=DELETE");
  IntegrityReport report;
  auto& check = db.cached("PRAGMA integrity_check(10)");
  std::string detail;
  while (check.step()) {
    detail += (detail.empty() ? "" : "; ") + check.text(0);
  }
  check.reset();
  report.ok = detail == "ok";
  report.detail = detail;
  auto& count = db.cached("PRAGMA page_count");
  count.step();
  report.pages = count.int64(0);
  count.reset();
  auto& size = db.cached("PRAGMA page_size");
  size.step();
  report.page_size = size.int64(0);
  size.reset();
  return report;
}

}  // namespace paminna::store
