// The WAL's gathered writes (store/wal_vfs.h), on real files: what a commit
// wrote is in the file before another connection can see the commit, however
// the writes came (in order, out of order, larger than one write), and a
// failed write fails the COMMIT instead of vanishing. The other connection
// opens through the plain unix VFS, as another process would.
#include "store/wal_vfs.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <string>

#include "store/sqlite.h"
#include "support/temp_dir.h"

namespace paminna::store {
namespace {

class WalVfsTest : public ::testing::Test {
 protected:
  WalVfsTest() {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = FULL");
    db_.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
    EXPECT_EQ(sqlite3_open_v2(path_.c_str(), &reader_, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  }
  ~WalVfsTest() override { sqlite3_close_v2(reader_); }
  WalVfsTest(const WalVfsTest&) = delete;
  WalVfsTest& operator=(const WalVfsTest&) = delete;

  // One turn of the control socket: a group whose COMMIT leaves the sync to the caller.
  void deferred_group(int rows, int bytes) {
    db_.begin_group(Database::GroupSync::by_caller);
    {
      Transaction tx(db_);
      EXPECT_EQ(wal_sync_deferred(db_.handle()), true);
      insert(rows, bytes);
      tx.commit();
    }
    db_.end_group();
  }

  // A commit as the control socket's turn makes it, while the sync stays deferred.
  void commit(int rows, int bytes) {
    db_.exec("BEGIN IMMEDIATE");
    insert(rows, bytes);
    db_.exec("COMMIT");
  }

  std::uint64_t syncs() { return wal_syncs(db_.handle()).value_or(0); }

  void insert(int rows, int bytes) {
    auto& add = db_.cached("INSERT INTO notes(body) VALUES (randomblob(?1))");
    for (int i = 0; i < rows; ++i) {
      add.bind(1, bytes).run();
    }
  }

  // What the other connection sees: rows and their total length.
  std::pair<std::int64_t, std::int64_t> seen() {
    return {query("SELECT count(*) FROM notes"), query("SELECT coalesce(sum(length(body)), 0) FROM notes")};
  }

  std::string integrity() {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(reader_, "PRAGMA integrity_check", -1, &stmt, nullptr), SQLITE_OK);
    std::string result = sqlite3_step(stmt) == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))
                                                          : sqlite3_errmsg(reader_);
    sqlite3_finalize(stmt);
    return result;
  }

  std::int64_t query(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(reader_, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(reader_);
    const int rc = sqlite3_step(stmt);
    EXPECT_EQ(rc, SQLITE_ROW) << sqlite3_errmsg(reader_);
    const auto value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    return value;
  }

  test::TempDir dir_;
  std::filesystem::path path_ = dir_ / "paminna.db";
  Database db_{path_, {}};
  sqlite3* reader_ = nullptr;
};

TEST_F(WalVfsTest, EveryDeferredCommitIsInTheFileBeforeAnotherConnectionSeesIt) {
  // While the sync stays deferred, as it does from a group's COMMIT until
  // its end_group(), when the daemon's checkpointer may be reading.
  ASSERT_TRUE(defer_wal_sync(db_.handle(), true));
  std::int64_t rows = 0;
  std::int64_t bytes = 0;
  for (int turn = 0; turn < 200; ++turn) {
    // Several pages a commit, as a turn of `booking.add` writes.
    db_.exec("BEGIN IMMEDIATE");
    insert(3, 1500);
    db_.exec("COMMIT");
    rows += 3;
    bytes += std::int64_t{3} * 1500;
    ASSERT_EQ(seen(), std::make_pair(rows, bytes)) << "turn " << turn;
    if (turn % 10 == 0) {  // and now and then a transaction that syncs in its COMMIT
      ASSERT_TRUE(defer_wal_sync(db_.handle(), false));
      db_.exec("BEGIN IMMEDIATE");
      insert(1, 100);
      db_.exec("COMMIT");
      rows += 1;
      bytes += 100;
      ASSERT_EQ(seen(), std::make_pair(rows, bytes)) << "turn " << turn;
      ASSERT_TRUE(defer_wal_sync(db_.handle(), true));
    }
  }
  ASSERT_TRUE(defer_wal_sync(db_.handle(), false));
  EXPECT_EQ(integrity(), "ok");
}

TEST_F(WalVfsTest, ACommitLargerThanOneWriteGoesOutInPieces) {
  deferred_group(30, 100000);  // 3 MB: the unix VFS writes at most 128 KiB in one call
  EXPECT_EQ(seen(), std::make_pair(std::int64_t{30}, std::int64_t{3000000}));
  EXPECT_EQ(integrity(), "ok");
}

TEST_F(WalVfsTest, PagesSpilledEarlierInTheTransactionAreReadBackAndRewrittenInOrder) {
  db_.exec("PRAGMA cache_size = 10");  // pages: the transaction spills frames to the WAL and reads them back
  db_.begin_group(Database::GroupSync::by_caller);
  {
    Transaction tx(db_);
    insert(400, 300);
    db_.cached("UPDATE notes SET body = zeroblob(200) WHERE id % 2 = 0").run();
    db_.cached("DELETE FROM notes WHERE id % 7 = 0").run();
    tx.commit();
  }
  db_.end_group();
  const auto deleted = 400 / 7;
  const auto even_kept = 200 - 400 / 14;
  const auto odd_kept = 400 - deleted - even_kept;
  EXPECT_EQ(seen(), std::make_pair(std::int64_t{400 - deleted}, std::int64_t{even_kept * 200 + odd_kept * 300}));
  EXPECT_EQ(integrity(), "ok");
}

TEST_F(WalVfsTest, AWriteThatFailsAtTheCommitFailsTheCommitAndLosesNothingCommitted) {
  deferred_group(5, 1000);
  const auto wal_size = static_cast<rlim_t>(std::filesystem::file_size(path_.string() + "-wal"));
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &before), 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG
  rlimit low = before;
  low.rlim_cur = wal_size + 32768;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &low), 0);
  db_.begin_group(Database::GroupSync::by_caller);
  {
    Transaction tx(db_);
    insert(1, 200000);  // gathered (below the gathering limit), written out in the COMMIT's xSync
    tx.commit();
  }
  EXPECT_THROW(db_.end_group(), StoreError);
  // Still over the limit: what the failed commit had gathered is dropped, not tried again at every read.
  auto& count = db_.cached("SELECT count(*) FROM notes");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.int64(0), 5);
  count.reset();
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &before), 0);
  (void)std::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(seen(), std::make_pair(std::int64_t{5}, std::int64_t{5000})) << "the failed commit is not seen";
  EXPECT_EQ(integrity(), "ok");
  deferred_group(2, 1000);
  EXPECT_EQ(seen(), std::make_pair(std::int64_t{7}, std::int64_t{7000})) << "and the next commit is";
  EXPECT_EQ(integrity(), "ok");
}

TEST_F(WalVfsTest, ADeferredCommitSkipsItsSyncButAWalStartingAgainSyncsItsHeaderFirst) {
  ASSERT_TRUE(defer_wal_sync(db_.handle(), true));
  commit(2, 1000);
  const auto before = syncs();
  commit(2, 1000);
  EXPECT_EQ(syncs(), before) << "the caller syncs";
  ASSERT_TRUE(defer_wal_sync(db_.handle(), false));
  commit(1, 100);
  EXPECT_GT(syncs(), before) << "a commit outside a deferral syncs in the COMMIT";
  db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  ASSERT_TRUE(defer_wal_sync(db_.handle(), true));
  const auto truncated = syncs();
  commit(2, 1000);  // the WAL starts again: a new header at offset 0, then the frames
  EXPECT_EQ(syncs(), truncated + 1) << "the header is on disk before any frame behind it";
  commit(2, 1000);
  EXPECT_EQ(syncs(), truncated + 1);
  ASSERT_TRUE(defer_wal_sync(db_.handle(), false));
  EXPECT_EQ(seen(), std::make_pair(std::int64_t{9}, std::int64_t{8100}));
}

TEST_F(WalVfsTest, ACheckpointWhileTheSyncIsDeferredSyncsTheWalBeforeCopyingIt) {
  ASSERT_TRUE(defer_wal_sync(db_.handle(), true));
  commit(2, 1000);
  const auto before = syncs();
  db_.exec("PRAGMA wal_checkpoint(PASSIVE)");
  EXPECT_GT(syncs(), before);
  ASSERT_TRUE(defer_wal_sync(db_.handle(), false));
}

TEST_F(WalVfsTest, NothingIsDeferredWithoutPowersafeOverwrite) {
  sqlite3* db = nullptr;
  const auto uri = "file:" + (dir_ / "psow.db").string() + "?psow=0";
  ASSERT_EQ(
      sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, wal_vfs_name()),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA journal_mode = WAL; CREATE TABLE t (x)", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_FALSE(defer_wal_sync(db, true)) << "SQLite would sync inside a commit's padding to the sector";
  EXPECT_EQ(wal_sync_deferred(db), false);
  sqlite3_close_v2(db);
}

TEST_F(WalVfsTest, AConnectionOpensThroughIt) {
  EXPECT_EQ(wal_sync_deferred(db_.handle()), false) << "the WAL is open through wal_vfs";
  EXPECT_FALSE(wal_sync_deferred(reader_).has_value()) << "the unix VFS's is not";
  EXPECT_FALSE(defer_wal_sync(reader_, true));
}

}  // namespace
}  // namespace paminna::store
