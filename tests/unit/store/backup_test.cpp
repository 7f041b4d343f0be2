// The online backup (issue 9): a consistent copy while the daemon's own connection keeps writing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "store/backup.h"
#include "store/open_store.h"
#include "store/sqlite.h"
#include "support/temp_dir.h"

namespace paminna::store {
namespace {

namespace fs = std::filesystem;

std::int64_t count_notes(Database& db) {
  auto& s = db.cached("SELECT count(*) FROM notes");
  s.step();
  const auto n = s.int64(0);
  s.reset();
  return n;
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = open_store(dir_ / "state/paminna.db", 1000);
    source_.db->exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    // Enough pages that a one-page step leaves work for many turns.
    Transaction tx(*source_.db);
    for (int i = 0; i < 400; ++i) {
      source_.db->cached("INSERT INTO notes (body) VALUES (?)").bind(1, std::string(1000, 'x')).run();
    }
    tx.commit();
  }

  void insert(const std::string& body) const {
    auto& s = source_.db->cached("INSERT INTO notes (body) VALUES (?)");
    s.bind(1, body);
    s.run();
  }

  test::TempDir dir_;
  OpenedStore source_;
};

TEST_F(BackupTest, CopiesEveryPageAndTheCopyIsSound) {
  const auto copy = dir_ / "copy.db";
  std::ofstream(copy).close();
  OnlineBackup backup(*source_.db, copy);
  while (!backup.step(64)) {
  }
  backup.close();
  const auto report = seal_and_check(copy);
  EXPECT_TRUE(report.ok) << report.detail;
  EXPECT_EQ(report.detail, "ok");
  EXPECT_GT(report.pages, 100);
  Database reopened(copy, OpenOptions{1000, true});
  EXPECT_EQ(count_notes(reopened), 400);
  // Sealed: one self-contained file, no WAL beside it.
  EXPECT_FALSE(fs::exists(dir_ / "copy.db-wal"));
}

TEST_F(BackupTest, WritesThroughTheSameConnectionDuringTheBackupReachTheCopy) {
  const auto copy = dir_ / "copy.db";
  std::ofstream(copy).close();
  OnlineBackup backup(*source_.db, copy);
  int turns = 0;
  // One page per turn, a write between turns: as on the daemon's loop, where requests run between steps.
  while (!backup.step(1)) {
    insert("during " + std::to_string(turns));
    ++turns;
  }
  ASSERT_GT(turns, 10);
  backup.close();
  ASSERT_TRUE(seal_and_check(copy).ok);
  Database reopened(copy, OpenOptions{1000, true});
  EXPECT_EQ(count_notes(reopened), 400 + turns);
}

TEST_F(BackupTest, KeepsTheModeOfTheFileTheCallerCreated) {
  const auto copy = dir_ / "copy.db";
  std::ofstream(copy).close();
  ASSERT_EQ(::chmod(copy.c_str(), 0600), 0);
  OnlineBackup backup(*source_.db, copy);
  backup.step(-1);
  backup.close();
  ASSERT_TRUE(seal_and_check(copy).ok);
  struct stat st {};
  ASSERT_EQ(::stat(copy.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
}

TEST_F(BackupTest, ACorruptCopyFailsTheCheck) {
  const auto copy = dir_ / "copy.db";
  std::ofstream(copy).close();
  {
    OnlineBackup backup(*source_.db, copy);
    backup.step(-1);
    backup.close();
  }
  ASSERT_TRUE(seal_and_check(copy).ok);
  // Scribble over the middle of the file: b-tree pages the check reads.
  {
    std::fstream f(copy, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(copy) / 2));
    const std::string junk(8192, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  bool ok = true;
  try {
    ok = seal_and_check(copy).ok;
  } catch (const StoreError&) {
    ok = false;  // SQLite may refuse the file outright: also not a sound copy
  }
  EXPECT_FALSE(ok);
}

}  // namespace
}  // namespace paminna::store
