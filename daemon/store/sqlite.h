// A thin RAII layer over SQLite: a connection, prepared statements, transactions.
//
// Contract: every failure throws StoreError carrying SQLite's message, its
// extended result code and what we were doing; callers at the edge turn it into
// a JSON-RPC error or a STORE_ERROR log line. Statements are cached per SQL
// text so hot paths prepare once. Not thread-safe: one connection, one loop.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace paminna::store {

class StoreError : public std::runtime_error {
 public:
  StoreError(const std::string& context, int code, const std::string& detail);
  [[nodiscard]] int code() const { return code_; }
  // SQLITE_BUSY/LOCKED: another process holds the database; worth retrying later.
  [[nodiscard]] bool transient() const;

 private:
  int code_;
};

class Database;

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::nullopt_t);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }
  Statement& bind(int index, double value);

  // true when a row is available; false when done.
  bool step();
  // Runs to completion, for statements without rows.
  void run();
  void reset();

  [[nodiscard]] std::int64_t int64(int column) const;
  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] std::optional<std::string> optional_text(int column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_int64(int column) const;
  [[nodiscard]] bool is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

struct OpenOptions {
  int busy_timeout_ms = 5000;
  bool read_only = false;
};

class Database {
 public:
  Database(const std::filesystem::path& path, const OpenOptions& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  // A statement prepared once and reset for each use.
  Statement& cached(std::string_view sql);
  [[nodiscard]] std::int64_t last_insert_rowid() const;
  [[nodiscard]] int changes() const;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] sqlite3* handle() const { return db_; }
  [[nodiscard]] std::int64_t size_bytes();

  // Group commit (control::MethodTable's turns). Between begin_group() and
  // end_group() each Transaction is a SAVEPOINT inside one shared BEGIN
  // IMMEDIATE, which the first of them opens, so the changes of one turn of
  // the loop cost one fsync together instead of one each. end_group() commits
  // them; when it throws, every change of the group is gone and whoever was
  // told "done" must be told otherwise. Nothing else may run in between: the
  // group lives inside one loop handler.
  //
  // GroupSync::by_caller: the group's COMMIT defers the WAL's sync
  // (store::defer_wal_sync), so it writes the WAL and returns without
  // waiting for the disk, and its after-commit actions come back in
  // GroupCommit instead of running. The caller must not say "done" (nor run
  // them) before an fdatasync of the WAL that began after the COMMIT has
  // succeeded (store::WalWorker). Every other transaction syncs in its COMMIT
  // (synchronous=FULL).
  enum class GroupSync { in_commit, by_caller };
  struct GroupCommit {
    bool committed = false;                         // a transaction was open and is committed
    std::vector<std::function<void()>> after_sync;  // by_caller only: the after-commit actions
  };
  void begin_group(GroupSync sync = GroupSync::in_commit);
  GroupCommit end_group();
  // True when a Transaction committed into the group since the last call.
  bool take_group_change();
  // ROLLBACK of the open transaction, if SQLite has not rolled it back itself.
  void rollback_if_open() noexcept;

  // Runs `action` once what is being written now is on disk: at once outside
  // a transaction, else after the COMMIT that keeps it (in a group, the
  // group's); never if that change is undone. For what must not be said
  // before it is true, like the audit's log line of a change. An action must
  // not throw; one that does is skipped so the others still run.
  void after_commit(std::function<void()> action);
  // Runs after-commit actions in order once their change is known to be on
  // disk (here, or by whoever confirmed a GroupSync::by_caller commit),
  // skipping one that throws, and leaves `actions` empty.
  static void run_after_commit(std::vector<std::function<void()>>& actions) noexcept;

 private:
  friend class Transaction;
  friend class ReadSnapshot;
  void run_after_commit() noexcept;
  void defer_wal_sync(bool defer) noexcept;
  enum class Group { off, collecting, open };

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
  Group group_ = Group::off;
  GroupSync group_sync_ = GroupSync::in_commit;
  bool wal_sync_deferred_ = false;
  bool group_change_ = false;
  bool group_broken_ = false;                        // a change could not be undone: the whole group must go
  std::vector<std::function<void()>> after_commit_;  // of the open transaction, in order
  // size_bytes() as of (rows changed, exec() calls); see there.
  using SizeKey = std::pair<std::int64_t, std::uint64_t>;
  std::optional<std::pair<SizeKey, std::int64_t>> size_;
  std::uint64_t execs_ = 0;
};

// BEGIN IMMEDIATE on construction; ROLLBACK unless commit() was called.
// Inside a group (Database::begin_group) it is a savepoint of the shared
// transaction instead: commit() keeps its changes for the group's commit and
// rollback undoes its own changes only.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool savepoint_ = false;
  bool done_ = false;
  std::size_t after_commit_mark_ = 0;  // the actions before this one belong to earlier changes
};

// A read transaction (BEGIN DEFERRED) around several reads: they see one
// snapshot and take the WAL read lock once instead of once per statement (the
// lock's fcntl calls were a quarter of `status`). Best effort by design: when
// it cannot begin, each statement runs on its own and reports its own error.
// Nothing may write inside it.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Database& db);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Database& db_;
  bool open_ = false;
};

}  // namespace paminna::store
