#include "store/sqlite.h"

#include "store/wal_vfs.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace paminna::store {

StoreError::StoreError(const std::string& context, int code, const std::string& detail)
    : std::runtime_error(fmt::format("{}: {} ({})", context, detail, sqlite3_errstr(code))), code_(code) {}

bool StoreError::transient() const {
  const int primary = code_ & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& context, int code) {
  throw StoreError(context, code, db != nullptr ? sqlite3_errmsg(db) : "");
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  const int rc =
      sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    fail(db, fmt::format("prepare '{}'", sql.substr(0, 60)), sqlite3_extended_errcode(db));
  }
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (const int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) {
    fail(db_, "bind", rc);
  }
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  if (const int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
      rc != SQLITE_OK) {
    fail(db_, "bind", rc);
  }
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  if (const int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) {
    fail(db_, "bind", rc);
  }
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (const int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) {
    fail(db_, "bind", rc);
  }
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  const std::string sql = sqlite3_sql(stmt_) != nullptr ? sqlite3_sql(stmt_) : "";
  sqlite3_reset(stmt_);
  fail(db_, fmt::format("step '{}'", sql.substr(0, 60)), sqlite3_extended_errcode(db_));
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) {
    return {};
  }
  return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};  // NOLINT: SQLite text is UTF-8 bytes
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) {
    return std::nullopt;
  }
  return text(column);
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) {
    return std::nullopt;
  }
  return int64(column);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Database::Database(const std::filesystem::path& path, const OpenOptions& options) : path_(path) {
  // SQLite counts every allocation under a global mutex for
  // sqlite3_memory_used(), which we never read. Turning that off only works
  // before the library's first use; later it is refused (SQLITE_MISUSE) and
  // changes nothing but speed.
  [[maybe_unused]] static const int memstatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  const int flags = (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const char* vfs = wal_vfs_name();
  if (vfs == nullptr) {
    throw StoreError(fmt::format("open database {}", path.string()), SQLITE_ERROR,
                     "the paminna VFS could not be registered");
  }
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs);
  if (rc != SQLITE_OK) {
    const std::string detail = db_ != nullptr ? sqlite3_errmsg(db_) : "";
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw StoreError(fmt::format("open database {}", path.string()), rc, detail);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
}

Database::~Database() {
  defer_wal_sync(false);  // the close's checkpoint syncs the WAL first, for real
  cache_.clear();
  sqlite3_close_v2(db_);
}

void Database::exec(std::string_view sql) {
  ++execs_;  // may change the schema, which no change counter sees (size_bytes)
  char* message = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    const std::string detail = message != nullptr ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    throw StoreError(fmt::format("execute '{}'", sql.substr(0, 60)), sqlite3_extended_errcode(db_), detail);
  }
}

Statement& Database::cached(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    it = cache_.emplace(std::string(sql), std::make_unique<Statement>(db_, sql)).first;
  }
  it->second->reset();
  return *it->second;
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int Database::changes() const {
  return sqlite3_changes(db_);
}

// The file grows only by what this connection writes (the daemon is the only
// writer), so the size is read again only after a row changed or exec() ran:
// the two pragmas are parsed again on every run, 8 % of a `status` call.
std::int64_t Database::size_bytes() {
  const SizeKey key{sqlite3_total_changes64(db_), execs_};
  if (size_ && size_->first == key) {
    return size_->second;
  }
  auto& count = cached("PRAGMA page_count");
  count.step();
  const auto pages = count.int64(0);
  count.reset();
  auto& size = cached("PRAGMA page_size");
  size.step();
  const auto bytes = pages * size.int64(0);
  size.reset();
  if (sqlite3_get_autocommit(db_) != 0) {  // inside a transaction the size may yet be rolled back
    size_ = {key, bytes};
  }
  return bytes;
}

void Database::begin_group(GroupSync sync) {
  group_ = Group::collecting;
  group_sync_ = sync;
  group_change_ = false;
  group_broken_ = false;
}

Database::GroupCommit Database::end_group() {
  // The next transaction, grouped or not, syncs in its COMMIT whatever happens here.
  struct Restore {
    Database& db;
    ~Restore() { db.defer_wal_sync(false); }
  } restore{*this};
  const bool open = group_ == Group::open;
  const bool broken = std::exchange(group_broken_, false);
  group_ = Group::off;
  group_change_ = false;
  if (!open) {
    return {};
  }
  if (sqlite3_get_autocommit(db_) != 0) {
    after_commit_.clear();
    throw StoreError("commit the changes of this turn", SQLITE_ABORT,
                     "an error in one of them made SQLite roll them all back");
  }
  if (broken) {
    rollback_if_open();
    throw StoreError("commit the changes of this turn", SQLITE_ABORT,
                     "a refused change could not be undone alone, so none of them was kept");
  }
  try {
    cached("COMMIT").run();
  } catch (const StoreError&) {
    rollback_if_open();
    throw;
  }
  if (group_sync_ == GroupSync::by_caller) {
    return {true, std::exchange(after_commit_, {})};
  }
  run_after_commit();
  return {true, {}};
}

void Database::defer_wal_sync(bool defer) noexcept {
  // When the WAL is not open through wal_vfs, nothing is deferred and the
  // COMMIT syncs as every other: slower, never less safe.
  if (!defer && !wal_sync_deferred_) {
    return;  // nothing deferred: the common case, without a file control
  }
  wal_sync_deferred_ = store::defer_wal_sync(db_, defer) && defer;
}

void Database::rollback_if_open() noexcept {
  after_commit_.clear();
  if (sqlite3_get_autocommit(db_) != 0) {
    return;  // SQLite rolled back already (SQLITE_FULL, IOERR)
  }
  try {
    cached("ROLLBACK").run();
  } catch (const StoreError&) {
    // Nothing more can be undone; whoever called says what was lost.
  }
}

bool Database::take_group_change() {
  return std::exchange(group_change_, false);
}

void Database::after_commit(std::function<void()> action) {
  if (sqlite3_get_autocommit(db_) != 0) {
    // What is written is on disk; anything still queued belonged to a
    // transaction that SQLite rolled back on its own.
    after_commit_.clear();
    after_commit_.push_back(std::move(action));
    run_after_commit();
    return;
  }
  after_commit_.push_back(std::move(action));
}

void Database::run_after_commit() noexcept {
  run_after_commit(after_commit_);
}

void Database::run_after_commit(std::vector<std::function<void()>>& actions) noexcept {
  for (auto& action : std::exchange(actions, {})) {
    try {
      action();
    } catch (...) {  // NOLINT(bugprone-empty-catch): the commit stands; see after_commit()
    }
  }
}

// Transaction control goes through cached statements: sqlite3_exec parses the
// text on every call, which was a tenth of a `status` call.
Transaction::Transaction(Database& db) : db_(db) {
  if (db_.group_ != Database::Group::open) {
    const bool synced_by_caller =
        db_.group_ == Database::Group::collecting && db_.group_sync_ == Database::GroupSync::by_caller;
    if (!synced_by_caller) {
      db_.defer_wal_sync(false);  // a group that never reached end_group()
    }
    // In a group, on failure this change fails alone and the group stays empty.
    db_.cached("BEGIN IMMEDIATE").run();
    if (synced_by_caller) {
      db_.defer_wal_sync(true);
    }
    db_.after_commit_.clear();  // none is left, unless SQLite ended a transaction on its own
    if (db_.group_ == Database::Group::off) {
      return;
    }
    db_.group_ = Database::Group::open;
  } else if (sqlite3_get_autocommit(db_.handle()) != 0 || db_.group_broken_) {
    throw StoreError("join the changes of this turn", SQLITE_ABORT,
                     "an earlier change failed and the changes of this turn are being undone");
  }
  after_commit_mark_ = db_.after_commit_.size();
  db_.cached("SAVEPOINT change").run();
  savepoint_ = true;
}

Transaction::~Transaction() {
  if (done_) {
    return;
  }
  if (!savepoint_) {
    db_.rollback_if_open();
    return;
  }
  db_.after_commit_.resize(std::min(after_commit_mark_, db_.after_commit_.size()));
  try {
    db_.cached("ROLLBACK TO change").run();
    db_.cached("RELEASE change").run();
  } catch (const StoreError&) {
    // A savepoint that cannot be undone would leave half a change in the group, so the group goes.
    db_.group_broken_ = true;
  }
}

void Transaction::commit() {
  if (savepoint_) {
    db_.cached("RELEASE change").run();
    db_.group_change_ = true;
  } else {
    db_.cached("COMMIT").run();
    db_.run_after_commit();
  }
  done_ = true;
}

ReadSnapshot::ReadSnapshot(Database& db) : db_(db) {
  if (sqlite3_get_autocommit(db_.handle()) == 0) {
    return;  // already inside a transaction, which is a snapshot of its own
  }
  try {
    db_.cached("BEGIN DEFERRED").run();
    db_.after_commit_.clear();  // as in Transaction: nothing earlier can still be committed
    open_ = true;
  } catch (const StoreError&) {
    // The reads that follow meet the same fault and report it themselves.
  }
}

ReadSnapshot::~ReadSnapshot() {
  // A failed read may have ended the transaction already (SQLite rolls back on some errors).
  if (open_ && sqlite3_get_autocommit(db_.handle()) == 0) {
    try {
      db_.cached("COMMIT").run();
      db_.run_after_commit();
    } catch (const StoreError&) {
      // Nothing was written, so nothing is lost; but left open, the read
      // transaction would make every later BEGIN IMMEDIATE fail.
      db_.rollback_if_open();
    }
  }
}

}  // namespace paminna::store
