// The store on real SQLite files in a private temporary folder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/audit_store.h"
#include "store/booking_store.h"
#include "store/migrations.h"
#include "store/open_store.h"
#include "store/reminder_store.h"
#include "store/sqlite.h"
#include "support/temp_dir.h"

namespace paminna::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

// Runs `open` and returns the StoreError's message; fails the test if none is thrown.
template <typename Open>
std::string store_error_from(Open open) {
  try {
    open();
  } catch (const StoreError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a StoreError";
  return {};
}

std::int64_t count_rows(Database& db, const std::string& table) {
  auto& stmt = db.cached("SELECT count(*) FROM " + table);
  EXPECT_TRUE(stmt.step());
  const auto n = stmt.int64(0);
  stmt.reset();
  return n;
}

class StoreTest : public ::testing::Test {
 protected:
  fs::path db_path() const { return dir_ / "state" / "paminna.db"; }
  // The file an older paminna left behind: schema `version`, then `rows`.
  void write_at_version(int version, const std::string& rows = "") const {
    fs::create_directories(db_path().parent_path());
    Database db(db_path(), {});
    Transaction tx(db);
    for (const auto& migration : migrations()) {
      if (migration.version <= version) {
        db.exec(migration.sql);
      }
    }
    db.exec("PRAGMA user_version = " + std::to_string(version));
    if (!rows.empty()) {
      db.exec(rows);
    }
    tx.commit();
  }

  test::TempDir dir_;
};

// --- Opening: folder, file, permissions ---------------------------------------------------------------------------

TEST_F(StoreTest, CreatesAnOwnerOnlyFolderAndFile) {
  const auto opened = open_store(db_path(), 1000);
  ASSERT_NE(opened.db, nullptr);
  EXPECT_EQ(mode_of(db_path().parent_path()), 0700U);
  EXPECT_EQ(mode_of(db_path()), 0600U);
  EXPECT_TRUE(opened.tightened.empty()) << "nothing was wider than it should be";
}

TEST_F(StoreTest, CreatesMissingParentFolders) {
  const auto path = dir_ / "a" / "b" / "paminna.db";
  const auto opened = open_store(path, 1000);
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(mode_of(path), 0600U);
}

TEST_F(StoreTest, TheWalAndShmFilesAreOwnerOnlyToo) {
  const auto opened = open_store(db_path(), 1000);
  AuditStore(*opened.db).record({0, Instant{1'700'000'000s}, {}, {}, "test", {}, {}});
  for (const char* suffix : {"-wal", "-shm"}) {
    const fs::path file = db_path().string() + suffix;
    if (fs::exists(file)) {
      EXPECT_EQ(mode_of(file) & 077, 0U) << file;
    }
  }
}

TEST_F(StoreTest, AWideFolderAndFileAreTightenedAndReported) {
  open_store(db_path(), 1000);  // create, then close
  ASSERT_EQ(chmod(db_path().parent_path().c_str(), 0755), 0);
  ASSERT_EQ(chmod(db_path().c_str(), 0644), 0);

  const auto opened = open_store(db_path(), 1000);
  EXPECT_EQ(mode_of(db_path().parent_path()), 0700U);
  EXPECT_EQ(mode_of(db_path()), 0600U);
  EXPECT_THAT(opened.tightened, ::testing::UnorderedElementsAre(db_path().parent_path().string(), db_path().string()));
}

TEST_F(StoreTest, ANarrowerModeIsLeftAlone) {
  open_store(db_path(), 1000);
  ASSERT_EQ(chmod(db_path().c_str(), 0400), 0);
  const auto opened = open_store(db_path(), 1000);
  EXPECT_EQ(mode_of(db_path()), 0400U);
  EXPECT_TRUE(opened.tightened.empty());
}

TEST_F(StoreTest, AFolderThatCannotBeCreatedIsAStoreError) {
  dir_.write("file", "not a folder");
  const auto message = store_error_from([&] { open_store(dir_ / "file" / "paminna.db", 1000); });
  EXPECT_THAT(message, HasSubstr((dir_ / "file").string()));
}

// --- Migrations ---------------------------------------------------------------------------------------------------

TEST(Migrations, AreNumberedOneUpWithoutGaps) {
  int expected = 1;
  for (const auto& migration : migrations()) {
    EXPECT_EQ(migration.version, expected) << migration.name;
    EXPECT_FALSE(migration.name.empty());
    EXPECT_FALSE(migration.sql.empty());
    ++expected;
  }
  EXPECT_EQ(latest_schema_version(), expected - 1);
}

TEST_F(StoreTest, ANewDatabaseIsMigratedToTheLatestVersion) {
  const auto opened = open_store(db_path(), 1000);
  EXPECT_EQ(opened.migration.from, 0);
  EXPECT_EQ(opened.migration.to, latest_schema_version());
  EXPECT_EQ(schema_version(*opened.db), latest_schema_version());
  EXPECT_EQ(count_rows(*opened.db, "audit"), 0);
}

TEST_F(StoreTest, ReopeningIsIdempotentAndKeepsTheData) {
  {
    const auto opened = open_store(db_path(), 1000);
    AuditStore(*opened.db).record({0, Instant{1'700'000'000s}, 1000, "AB", "status", {}, {}});
  }
  for (int i = 0; i < 2; ++i) {
    const auto opened = open_store(db_path(), 1000);
    EXPECT_EQ(opened.migration.from, latest_schema_version());
    EXPECT_EQ(opened.migration.to, latest_schema_version());
    EXPECT_TRUE(opened.tightened.empty());
    EXPECT_EQ(count_rows(*opened.db, "audit"), 1);
  }
}

TEST_F(StoreTest, AnOlderDatabaseIsMigratedForward) {
  // A database at version 1 (the first release) gets every later migration.
  write_at_version(1);
  const auto opened = open_store(db_path(), 1000);
  EXPECT_EQ(opened.migration.from, 1);
  EXPECT_EQ(opened.migration.to, latest_schema_version());
  EXPECT_EQ(schema_version(*opened.db), latest_schema_version());
}

// Migration 8 rebuilds the reminders table (its CHECKs cannot change in
// place): every row, index, trigger and the cascade from bookings must come
// through, and the counts by state must stay right.
TEST_F(StoreTest, RemindersComeThroughTheRebuildOfMigration8) {
  const auto rows_of = [](Database& db) {
    std::vector<std::string> rows;
    auto& s = db.cached(
        "SELECT id || '|' || booking_id || '|' || recipient || '|' || kind || '|' || state || '|' || due || '|' || "
        "visit_start || '|' || attempts || '|' || reference || '|' || ifnull(provider_id, '-') || '|' || "
        "ifnull(reason, '-') || '|' || possible_duplicate || '|' || created_at || '|' || updated_at || '|' || "
        "ifnull(sent_at, '-') FROM reminders ORDER BY id");
    while (s.step()) {
      rows.push_back(s.text(0));
    }
    s.reset();
    return rows;
  };
  write_at_version(
      7,
      "INSERT INTO clients(id, ref, phone, language, created_at, last_contact_at) "
      "VALUES (1, 'K-1', '+46701234567', 'sv', 0, 0); "
      "INSERT INTO bookings(id, client_id, staff, start_utc, minutes, place, status, created_at, updated_at) "
      "VALUES (1, 1, 'AL', 2000, 60, 'office', 'booked', 0, 0), (2, 1, 'AL', 9000, 60, 'office', 'booked', 0, 0); "
      "INSERT INTO reminders(id, booking_id, recipient, kind, state, due, visit_start, attempts, reference, "
      "provider_id, reason, possible_duplicate, created_at, updated_at, sent_at) VALUES "
      "(3, 1, 'client:1', 'reminder', 'sent', 1000, 2000, 1, 'pam-3', 'p-1', NULL, 0, 10, 20, 1000), "
      "(7, 1, 'guardian:2', 'moved', 'retry', 1500, 2000, 2, 'pam-7', NULL, 'busy', 1, 10, 30, NULL), "
      "(9, 2, 'client:1', 'reminder', 'scheduled', 8000, 9000, 0, 'pam-9', NULL, NULL, 0, 10, 10, NULL)");
  std::vector<std::string> before;
  {
    Database db(db_path(), {});
    before = rows_of(db);
  }
  const auto opened = open_store(db_path(), 1000);
  auto& db = *opened.db;
  EXPECT_EQ(opened.migration.from, 7);
  EXPECT_EQ(rows_of(db), before);
  ReminderStore reminders(db);
  EXPECT_EQ(reminders.counts_by_state(),
            (std::map<std::string, std::int64_t>{{"retry", 1}, {"scheduled", 1}, {"sent", 1}}));
  EXPECT_EQ(reminders.next_due(), Instant{1500s});

  // The indexes are back, and the triggers and the cascade still keep the counts.
  std::vector<std::string> names;
  auto& s = db.cached("SELECT name FROM sqlite_schema WHERE tbl_name = 'reminders' AND type <> 'table' ORDER BY name");
  while (s.step()) {
    names.push_back(s.text(0));
  }
  s.reset();
  EXPECT_EQ(names,
            (std::vector<std::string>{"reminder_counts_delete", "reminder_counts_insert", "reminder_counts_update",
                                      "reminders_booking", "reminders_due", "reminders_possible_duplicate",
                                      "reminders_sent_at", "reminders_state", "sqlite_autoindex_reminders_1"}));
  db.exec("UPDATE reminders SET state = 'sent' WHERE id = 7");
  db.exec("DELETE FROM bookings WHERE id = 2");
  EXPECT_EQ(reminders.counts_by_state(), (std::map<std::string, std::int64_t>{{"sent", 2}}));
  EXPECT_EQ(count_rows(db, "reminders"), 2);
  EXPECT_THROW(db.exec("UPDATE reminders SET state = 'lost' WHERE id = 3"), StoreError);
  EXPECT_THROW(db.exec("INSERT INTO reminders(booking_id, recipient, kind, state, due, visit_start, reference, "
                       "created_at, updated_at) VALUES (99, 'client:1', 'reminder', 'scheduled', 0, 0, 'x', 0, 0)"),
               StoreError);  // no such booking
  auto& check = db.cached("PRAGMA integrity_check");
  ASSERT_TRUE(check.step());
  EXPECT_EQ(check.text(0), "ok");
  check.reset();
}

// A row whose parent was deleted with foreign keys off would make the copy of
// migration 8 fail with SQLite's bare "FOREIGN KEY constraint failed".
TEST_F(StoreTest, AnUpgradeIsRefusedWithTheRowWhoseParentIsMissing) {
  write_at_version(7,  // foreign keys off, as SQLite opens by default
                   "INSERT INTO reminders(id, booking_id, recipient, kind, state, due, visit_start, reference, "
                   "created_at, updated_at) VALUES (5, 42, 'client:1', 'reminder', 'sent', 0, 0, 'pam-5', 0, 0)");
  const auto message = store_error_from([&] { (void)open_store(db_path(), 1000); });
  EXPECT_THAT(message, HasSubstr("reminders row 5 refers to a missing bookings row"));
  Database db(db_path(), {});
  EXPECT_EQ(schema_version(db), 7);  // nothing half done
}

TEST_F(StoreTest, ADatabaseFromANewerPaminnaIsRefused) {
  {
    const auto opened = open_store(db_path(), 1000);
    opened.db->exec("PRAGMA user_version = " + std::to_string(latest_schema_version() + 1));
  }
  const auto message = store_error_from([&] { open_store(db_path(), 1000); });
  EXPECT_THAT(message, HasSubstr("newer"));
  EXPECT_THAT(message, HasSubstr(db_path().string()));
  // And it was not touched: still the newer version.
  Database db(db_path(), {});
  EXPECT_EQ(schema_version(db), latest_schema_version() + 1);
}

// --- Files that are not (whole) databases -------------------------------------------------------------------------

TEST_F(StoreTest, AFileOfRandomBytesIsRefusedWithAClearError) {
  fs::create_directories(db_path().parent_path());
  std::mt19937 random(42);  // NOLINT(cert-msc32-c,cert-msc51-cpp): reproducible noise
  std::string noise(8192, '\0');
  for (auto& c : noise) {
    c = static_cast<char>(random() & 0xff);
  }
  {
    std::ofstream out(db_path(), std::ios::binary);
    out << noise;
  }
  const auto message = store_error_from([&] { open_store(db_path(), 1000); });
  EXPECT_THAT(message, HasSubstr("not a database"));
  // The file is left as it was, for a person to look at.
  std::ifstream in(db_path(), std::ios::binary);
  const std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(after, noise);
}

TEST_F(StoreTest, ATextFileIsRefusedWithAClearError) {
  fs::create_directories(db_path().parent_path());
  {
    std::ofstream out(db_path());
    out << "[office]\nname = \"this is a config file, not a database\"\n";
  }
  const auto message = store_error_from([&] { open_store(db_path(), 1000); });
  EXPECT_THAT(message, HasSubstr("not a database"));
}

TEST_F(StoreTest, ATruncatedDatabaseIsRefusedOrFailsCleanly) {
  {
    const auto opened = open_store(db_path(), 1000);
    AuditStore audit(*opened.db);
    Transaction tx(*opened.db);
    for (int i = 0; i < 2000; ++i) {
      audit.record({0, Instant{1'700'000'000s + std::chrono::seconds{i}}, 1000, "AB", "booking.add",
                    "booking:" + std::to_string(i), std::string(200, 'x')});
    }
    tx.commit();
  }
  ASSERT_FALSE(fs::exists(db_path().string() + "-wal")) << "closing checkpoints the WAL into the file";
  const auto size = fs::file_size(db_path());
  ASSERT_GT(size, 100'000U);
  fs::resize_file(db_path(), size / 3);

  // Either open_store notices, or the first read of the lost pages does: a StoreError, not a crash.
  const auto message = store_error_from([&] {
    const auto opened = open_store(db_path(), 1000);
    AuditStore(*opened.db).list({std::nullopt, std::nullopt, 10000});
    (void)count_rows(*opened.db, "audit");
  });
  EXPECT_THAT(message, ::testing::AnyOf(HasSubstr("malformed"), HasSubstr("corrupt")));
}

TEST_F(StoreTest, ADatabaseCutInsideItsFirstPageIsRefused) {
  { const auto opened = open_store(db_path(), 1000); }
  fs::resize_file(db_path(), 50);  // less than the 100-byte header
  const auto message = store_error_from([&] { open_store(db_path(), 1000); });
  EXPECT_FALSE(message.empty());
}

// --- Database, Statement, Transaction -----------------------------------------------------------------------------

class DatabaseTest : public StoreTest {
 protected:
  DatabaseTest() : opened_(open_store(db_path(), 1000)), db_(*opened_.db) {
    db_.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  }

  OpenedStore opened_;
  Database& db_;
};

TEST_F(DatabaseTest, CachedReturnsTheSameStatementForTheSameSql) {
  auto& first = db_.cached("INSERT INTO t(v) VALUES (?1)");
  auto& second = db_.cached("INSERT INTO t(v) VALUES (?1)");
  EXPECT_EQ(&first, &second);
  auto& other = db_.cached("SELECT v FROM t ORDER BY id");
  EXPECT_NE(&first, &other);
}

TEST_F(DatabaseTest, ACachedStatementIsReusableAndStartsWithoutBindings) {
  for (const char* value : {"a", "b", "c"}) {
    db_.cached("INSERT INTO t(v) VALUES (?1)").bind(1, value).run();
  }
  EXPECT_EQ(count_rows(db_, "t"), 3);
  // The next use starts clean: the old binding is gone, so NOT NULL fails.
  EXPECT_THROW(db_.cached("INSERT INTO t(v) VALUES (?1)").run(), StoreError);

  auto& select = db_.cached("SELECT v FROM t ORDER BY id");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.text(0), "a");
  // Taking it again mid-iteration starts over.
  auto& again = db_.cached("SELECT v FROM t ORDER BY id");
  ASSERT_TRUE(again.step());
  EXPECT_EQ(again.text(0), "a");
  ASSERT_TRUE(again.step());
  EXPECT_EQ(again.text(0), "b");
  ASSERT_TRUE(again.step());
  EXPECT_FALSE(again.step());
}

TEST_F(DatabaseTest, AStatementStaysUsableAfterAFailure) {
  auto& insert = db_.cached("INSERT INTO t(id, v) VALUES (?1, ?2)");
  insert.bind(1, 1).bind(2, "x").run();
  try {
    db_.cached("INSERT INTO t(id, v) VALUES (?1, ?2)").bind(1, 1).bind(2, "dup").run();
    FAIL() << "expected a constraint error";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code(), SQLITE_CONSTRAINT_PRIMARYKEY);
    EXPECT_FALSE(e.transient());
    EXPECT_THAT(e.what(), HasSubstr("UNIQUE"));
  }
  db_.cached("INSERT INTO t(id, v) VALUES (?1, ?2)").bind(1, 2).bind(2, "y").run();
  EXPECT_EQ(count_rows(db_, "t"), 2);
}

TEST_F(DatabaseTest, BindsAndReadsEveryType) {
  db_.exec("CREATE TABLE all_types (i INTEGER, s TEXT, n TEXT, d REAL, o INTEGER)");
  db_.cached("INSERT INTO all_types VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, std::int64_t{-9'000'000'000})
      .bind(2, std::string_view("åäö\0x", 8))
      .bind(3, std::nullopt)
      .bind(4, 2.5)
      .bind(5, std::optional<std::int64_t>(7))
      .run();
  auto& select = db_.cached("SELECT i, s, n, d, o FROM all_types");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.int64(0), -9'000'000'000);
  EXPECT_EQ(select.text(1), std::string("åäö\0x", 8)) << "text with a NUL byte is kept whole";
  EXPECT_TRUE(select.is_null(2));
  EXPECT_EQ(select.optional_text(2), std::nullopt);
  EXPECT_EQ(select.text(2), "");
  EXPECT_EQ(select.optional_int64(4), std::optional<std::int64_t>(7));
  EXPECT_EQ(select.optional_text(1), std::optional<std::string>(std::string("åäö\0x", 8)));
  select.reset();
}

TEST_F(DatabaseTest, BadSqlIsAStoreErrorSayingWhatFailed) {
  try {
    db_.exec("SELEKT 1");
    FAIL() << "expected a StoreError";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code() & 0xff, SQLITE_ERROR);
    EXPECT_THAT(e.what(), HasSubstr("SELEKT"));
    EXPECT_THAT(e.what(), HasSubstr("syntax error"));
  }
  EXPECT_THROW(db_.cached("SELECT nope FROM t"), StoreError);
}

TEST_F(DatabaseTest, ATransactionNotCommittedRollsBack) {
  {
    Transaction tx(db_);
    db_.cached("INSERT INTO t(v) VALUES (?1)").bind(1, "lost").run();
    EXPECT_EQ(count_rows(db_, "t"), 1);
  }
  EXPECT_EQ(count_rows(db_, "t"), 0);
}

// `status` reads a dozen counts: inside a ReadSnapshot they all come from the
// same moment, even while another connection (the dispatcher's writes, a
// backup tool) commits in between.
TEST_F(DatabaseTest, AReadSnapshotSeesOneMomentWhileAnotherConnectionWrites) {
  Database other(db_path(), {});
  {
    const ReadSnapshot snapshot(db_);
    EXPECT_EQ(count_rows(db_, "t"), 0);
    other.cached("INSERT INTO t(v) VALUES ('later')").run();
    EXPECT_EQ(count_rows(db_, "t"), 0);
  }
  EXPECT_EQ(count_rows(db_, "t"), 1);
}

TEST_F(DatabaseTest, AReadSnapshotInsideATransactionLeavesItOpen) {
  Transaction tx(db_);
  db_.cached("INSERT INTO t(v) VALUES ('kept')").run();
  { const ReadSnapshot snapshot(db_); }
  tx.commit();
  EXPECT_EQ(count_rows(db_, "t"), 1);
}

TEST_F(DatabaseTest, ATransactionRollsBackWhenAnExceptionLeavesIt) {
  try {
    Transaction tx(db_);
    db_.cached("INSERT INTO t(v) VALUES (?1)").bind(1, "lost").run();
    throw std::runtime_error("a rule refused the change");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(count_rows(db_, "t"), 0);
  // And the connection is usable for the next transaction.
  Transaction tx(db_);
  db_.cached("INSERT INTO t(v) VALUES (?1)").bind(1, "kept").run();
  tx.commit();
  EXPECT_EQ(count_rows(db_, "t"), 1);
}

TEST_F(DatabaseTest, ACommittedTransactionIsKeptAndSeenByAnotherConnection) {
  {
    Transaction tx(db_);
    db_.cached("INSERT INTO t(v) VALUES (?1)").bind(1, "kept").run();
    tx.commit();
  }
  Database other(db_path(), {});
  EXPECT_EQ(count_rows(other, "t"), 1);
}

TEST_F(DatabaseTest, AWriterHeldElsewhereIsATransientError) {
  Database other(db_path(), OpenOptions{0, false});
  Transaction held(db_);
  try {
    Transaction blocked(other);
    FAIL() << "expected SQLITE_BUSY";
  } catch (const StoreError& e) {
    EXPECT_TRUE(e.transient()) << e.what();
  }
}

TEST_F(DatabaseTest, ReportsItsSizeAndPath) {
  EXPECT_GT(db_.size_bytes(), 0);
  EXPECT_EQ(db_.path(), db_path());
}

TEST_F(DatabaseTest, TheSizeFollowsEveryWriteThoughItIsReadOnlyAfterOne) {
  const auto empty = db_.size_bytes();
  db_.exec("CREATE TABLE blobs AS SELECT zeroblob(400000) AS b");  // no row change is counted
  const auto with_table = db_.size_bytes();
  EXPECT_GT(with_table, empty + 200000) << "what exec() wrote is seen";
  EXPECT_EQ(db_.size_bytes(), with_table);
  {
    Transaction tx(db_);
    for (int i = 0; i < 20; ++i) {
      db_.cached("INSERT INTO blobs(b) VALUES (zeroblob(4096))").run();
    }
    tx.commit();
  }
  EXPECT_GE(db_.size_bytes(), with_table + 20 * 4096) << "rows written in a transaction are seen";
  const auto before = db_.size_bytes();
  db_.cached("INSERT INTO blobs(b) VALUES (zeroblob(65536))").run();
  EXPECT_GE(db_.size_bytes(), before + 65536) << "a write outside a transaction is seen";
  const auto committed = db_.size_bytes();
  {
    Transaction tx(db_);
    db_.cached("INSERT INTO blobs(b) VALUES (zeroblob(262144))").run();
    EXPECT_GT(db_.size_bytes(), committed);
  }  // rolled back
  EXPECT_EQ(db_.size_bytes(), committed) << "a size seen inside a transaction that was undone is not kept";
}

TEST(StoreError, TransientOnlyForBusyAndLocked) {
  EXPECT_TRUE(StoreError("x", SQLITE_BUSY, "d").transient());
  EXPECT_TRUE(StoreError("x", SQLITE_BUSY_SNAPSHOT, "d").transient());
  EXPECT_TRUE(StoreError("x", SQLITE_LOCKED, "d").transient());
  EXPECT_FALSE(StoreError("x", SQLITE_IOERR_WRITE, "d").transient());
  EXPECT_FALSE(StoreError("x", SQLITE_FULL, "d").transient());
  EXPECT_FALSE(StoreError("x", SQLITE_CORRUPT, "d").transient());
}

TEST(StoreError, MessageHasContextDetailAndSqliteText) {
  const StoreError error("insert booking", SQLITE_FULL, "database or disk is full");
  EXPECT_THAT(error.what(), HasSubstr("insert booking"));
  EXPECT_THAT(error.what(), HasSubstr("database or disk is full"));
  EXPECT_EQ(error.code(), SQLITE_FULL);
}

// --- Audit trail --------------------------------------------------------------------------------------------------

class AuditStoreTest : public StoreTest {
 protected:
  AuditStoreTest() : opened_(open_store(db_path(), 1000)), audit_(*opened_.db) {}

  OpenedStore opened_;
  AuditStore audit_;
};

const Instant kT0{1'773'129'600s};  // 2026-03-10T08:00:00Z

TEST_F(AuditStoreTest, RecordsAndListsNewestFirstWithEveryField) {
  const auto first = audit_.record({0, kT0, 1000, "AB", "booking.add", "booking:1", R"({"minutes":60})"});
  const auto second =
      audit_.record({0, kT0 + 1min, std::nullopt, std::nullopt, "log.level", std::nullopt, std::nullopt});
  EXPECT_LT(first, second);

  const auto entries = audit_.list({});
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].id, second);
  EXPECT_EQ(entries[0].at, kT0 + 1min);
  EXPECT_EQ(entries[0].peer_uid, std::nullopt);
  EXPECT_EQ(entries[0].actor, std::nullopt);
  EXPECT_EQ(entries[0].action, "log.level");
  EXPECT_EQ(entries[0].subject, std::nullopt);
  EXPECT_EQ(entries[0].detail, std::nullopt);

  EXPECT_EQ(entries[1].id, first);
  EXPECT_EQ(entries[1].at, kT0);
  EXPECT_EQ(entries[1].peer_uid, std::optional<std::int64_t>(1000));
  EXPECT_EQ(entries[1].actor, std::optional<std::string>("AB"));
  EXPECT_EQ(entries[1].action, "booking.add");
  EXPECT_EQ(entries[1].subject, std::optional<std::string>("booking:1"));
  EXPECT_EQ(entries[1].detail, std::optional<std::string>(R"({"minutes":60})"));
}

TEST_F(AuditStoreTest, FiltersBySubject) {
  audit_.record({0, kT0, {}, {}, "booking.add", "booking:1", {}});
  audit_.record({0, kT0 + 1s, {}, {}, "booking.add", "booking:2", {}});
  audit_.record({0, kT0 + 2s, {}, {}, "booking.cancel", "booking:1", {}});
  const auto entries = audit_.list({"booking:1", std::nullopt, 100});
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].action, "booking.cancel");
  EXPECT_EQ(entries[1].action, "booking.add");
  EXPECT_TRUE(audit_.list({"booking:9", std::nullopt, 100}).empty());
}

TEST_F(AuditStoreTest, FiltersBySinceInclusive) {
  audit_.record({0, kT0, {}, {}, "a", {}, {}});
  audit_.record({0, kT0 + 1h, {}, {}, "b", {}, {}});
  audit_.record({0, kT0 + 2h, {}, {}, "c", {}, {}});
  const auto entries = audit_.list({std::nullopt, kT0 + 1h, 100});
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].action, "c");
  EXPECT_EQ(entries[1].action, "b");
}

TEST_F(AuditStoreTest, SubjectAndSinceTogether) {
  audit_.record({0, kT0, {}, {}, "a", "client:1", {}});
  audit_.record({0, kT0 + 1h, {}, {}, "b", "client:2", {}});
  audit_.record({0, kT0 + 2h, {}, {}, "c", "client:1", {}});
  const auto entries = audit_.list({"client:1", kT0 + 30min, 100});
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].action, "c");
}

TEST_F(AuditStoreTest, LimitKeepsTheNewest) {
  for (int i = 0; i < 10; ++i) {
    audit_.record({0, kT0 + std::chrono::seconds{i}, {}, {}, "a" + std::to_string(i), {}, {}});
  }
  const auto entries = audit_.list({std::nullopt, std::nullopt, 3});
  ASSERT_EQ(entries.size(), 3U);
  EXPECT_EQ(entries[0].action, "a9");
  EXPECT_EQ(entries[2].action, "a7");
  // The cached query is reusable with other filters right after.
  EXPECT_EQ(audit_.list({}).size(), 10U);
}

TEST_F(AuditStoreTest, SurvivesReopening) {
  audit_.record({0, kT0, 1000, "KL", "config.reload", {}, {}});
  const auto reopened = open_store(db_path(), 1000);
  const auto entries = AuditStore(*reopened.db).list({});
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].actor, std::optional<std::string>("KL"));
}

}  // namespace
}  // namespace paminna::store

namespace paminna::store {
namespace {

// SQLite's plan for `sql`, its steps joined by ";".
std::string query_plan(Database& db, const std::string& sql) {
  auto& plan = db.cached("EXPLAIN QUERY PLAN " + sql);
  std::string detail;
  while (plan.step()) {
    detail += plan.text(3) + ";";
  }
  plan.reset();
  return detail;
}

// `status` runs these on every call, also in the middle of a 100,000-reminder
// dispatch: each must be answered from an index, never by scanning the outbox.
TEST(StatusQueries, UseAnIndexNotAScanOfTheOutbox) {
  test::TempDir dir;
  const auto opened = open_store(dir.path() / "plan.db", 1000);
  auto& db = *opened.db;
  for (const char* query : {"SELECT count(*) FROM reminders WHERE possible_duplicate = 1",
                            "SELECT max(sent_at) FROM reminders WHERE sent_at IS NOT NULL",
                            "SELECT count(*) FROM reminders WHERE state = 'failed'"}) {
    const auto detail = query_plan(db, query);
    EXPECT_THAT(detail, ::testing::HasSubstr("INDEX")) << query;
    EXPECT_THAT(detail, ::testing::Not(::testing::HasSubstr("SCAN reminders"))) << query;
  }
}

// booking.add checks every new visit against the staff member's others; a
// lookup in the table for each of them was half of that check.
TEST(OverlapQuery, IsAnsweredFromTheIndexAlone) {
  test::TempDir dir;
  const auto opened = open_store(dir.path() / "plan.db", 1000);
  const auto detail = query_plan(*opened.db, BookingStore::kOverlappingSql);
  EXPECT_THAT(detail, ::testing::HasSubstr("USING COVERING INDEX bookings_staff_start"));
  EXPECT_THAT(detail, ::testing::Not(::testing::HasSubstr("TEMP B-TREE")));  // no sort for the ORDER BY
}

}  // namespace
}  // namespace paminna::store
