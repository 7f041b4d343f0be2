// The WAL's disk work off the loop: confirmations of commits and checkpoints,
// on a real file. What the worker posts runs on the test's thread, as it runs
// on the daemon's loop.
#include "store/wal_worker.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite.h"
#include "support/temp_dir.h"

namespace paminna::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class WalWorkerTest : public ::testing::Test {
 protected:
  WalWorkerTest() {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = FULL");
    db_.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  }

  WalWorker::Post poster() {
    return [this](std::function<void()> task) {
      {
        const std::lock_guard lock(mutex_);
        posted_.push_back(std::move(task));
      }
      wake_.notify_one();
    };
  }

  // Runs what the worker posted until `done` holds; false after ten seconds.
  bool run_posted_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        // The worker may also get there without posting anything (idle()): look again every millisecond.
        if (!wake_.wait_for(lock, 1ms, [this] { return !posted_.empty(); })) {
          if (std::chrono::steady_clock::now() > deadline) {
            return done();
          }
          continue;
        }
        task = std::move(posted_.front());
        posted_.pop_front();
      }
      task();
    }
    return true;
  }

  void run_posted() {
    for (;;) {
      std::function<void()> task;
      {
        const std::lock_guard lock(mutex_);
        if (posted_.empty()) {
          return;
        }
        task = std::move(posted_.front());
        posted_.pop_front();
      }
      task();
    }
  }

  // A commit of about `pages` pages, as the loop's group commit makes it.
  void commit_pages(int pages) {
    db_.begin_group(Database::GroupSync::by_caller);
    {
      Transaction tx(db_);
      db_.cached("INSERT INTO notes(body) VALUES (?1)")
          .bind(1, std::string(static_cast<std::size_t>(pages) * 4000, 'x'))
          .run();
      tx.commit();
    }
    ASSERT_TRUE(db_.end_group().committed);
  }

  std::uintmax_t wal_bytes() const {
    std::error_code ignored;
    const auto size = fs::file_size(dir_.path() / "notes.db-wal", ignored);
    return ignored ? 0 : size;
  }

  test::TempDir dir_;
  Database db_{dir_.path() / "notes.db", {}};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> posted_;
};

TEST_F(WalWorkerTest, AConfirmationComesOnTheLoopAfterAnFdatasync) {
  WalWorker worker(db_, poster());
  commit_pages(2);
  std::optional<std::error_code> result;
  worker.sync([&result](std::error_code error) { result = error; });
  ASSERT_TRUE(run_posted_until([&] { return result.has_value(); }));
  EXPECT_FALSE(*result) << result->message();
  EXPECT_EQ(worker.syncs(), 1U);
}

TEST_F(WalWorkerTest, ARequestMadeDuringAnFdatasyncWaitsForTheNextOne) {
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> calls{0};
  std::promise<void> first_began;
  WalWorker worker(db_, poster(), {WalWorker::kCheckpointPages, [&](int fd) {
                                     if (calls.fetch_add(1) == 0) {
                                       first_began.set_value();
                                       released.wait_for(10s);  // bounded: a failed test must not hang the binary
                                     }
                                     return ::fdatasync(fd);
                                   }});
  std::vector<int> confirmed;
  worker.sync([&confirmed](std::error_code) { confirmed.push_back(1); });
  first_began.get_future().wait();
  commit_pages(1);  // written while the first fdatasync runs: it may not be covered
  worker.sync([&confirmed](std::error_code) { confirmed.push_back(2); });
  release.set_value();
  ASSERT_TRUE(run_posted_until([&] { return confirmed.size() == 2; }));
  EXPECT_EQ(calls.load(), 2) << "the second request had its own fdatasync";
  EXPECT_EQ(confirmed, (std::vector<int>{1, 2}));
}

TEST_F(WalWorkerTest, AFailedFdatasyncFailsEveryLaterConfirmationToo) {
  int calls = 0;
  WalWorker worker(db_, poster(), {WalWorker::kCheckpointPages, [&calls](int fd) {
                                     if (++calls == 1) {
                                       errno = EIO;
                                       return -1;
                                     }
                                     return ::fdatasync(fd);
                                   }});
  std::vector<std::error_code> results;
  for (int i = 0; i < 2; ++i) {
    commit_pages(1);
    worker.sync([&results](std::error_code error) { results.push_back(error); });
    ASSERT_TRUE(run_posted_until([&] { return results.size() == static_cast<std::size_t>(i + 1); }));
  }
  EXPECT_EQ(results[0], std::errc::io_error);
  EXPECT_EQ(results[1], std::errc::io_error) << "a later success would not fill a hole the failure may have left";
  const auto trouble = worker.trouble(std::chrono::steady_clock::now());
  ASSERT_TRUE(trouble);
  EXPECT_NE(trouble->find("did not confirm"), std::string::npos) << *trouble;
  EXPECT_EQ(worker.sync_now(), std::errc::io_error);
}

TEST_F(WalWorkerTest, AConfirmationWaitingTooLongIsTrouble) {
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<void> began;
  WalWorker worker(db_, poster(), {WalWorker::kCheckpointPages, [&](int fd) {
                                     began.set_value();
                                     released.wait_for(10s);  // a disk that does not answer
                                     return ::fdatasync(fd);
                                   }});
  const auto asked = std::chrono::steady_clock::now();
  bool confirmed = false;
  worker.sync([&confirmed](std::error_code) { confirmed = true; });
  began.get_future().wait();
  EXPECT_FALSE(worker.trouble(asked + WalWorker::kStuckAfter - 1s));
  const auto trouble = worker.trouble(asked + WalWorker::kStuckAfter + 1s);
  ASSERT_TRUE(trouble);
  EXPECT_NE(trouble->find("has not confirmed"), std::string::npos) << *trouble;
  release.set_value();
  ASSERT_TRUE(run_posted_until([&] { return confirmed; }));
  EXPECT_FALSE(worker.trouble(asked + WalWorker::kStuckAfter + 1s)) << "answered: no longer stuck";
}

TEST_F(WalWorkerTest, AWalReplacedBehindSqlitesBackIsAFailure) {
  WalWorker worker(db_, poster());
  EXPECT_FALSE(worker.trouble(std::chrono::steady_clock::now()));
  fs::rename(dir_.path() / "notes.db-wal", dir_.path() / "elsewhere");
  EXPECT_EQ(worker.sync_now(), std::errc::no_such_file_or_directory);
  EXPECT_TRUE(worker.trouble(std::chrono::steady_clock::now()));
}

TEST_F(WalWorkerTest, ADatabaseNotInWalModeIsRefused) {
  Database other(dir_.path() / "rollback.db", {});
  other.exec("CREATE TABLE t (x)");
  EXPECT_THROW(WalWorker(other, poster()), StoreError);
}

TEST_F(WalWorkerTest, CheckpointsRunOnTheWorkerAndKeepTheWalSmall) {
  constexpr int kMark = 64;
  WalWorker worker(db_, poster(), {kMark, {}});
  std::uintmax_t largest = 0;
  for (int i = 0; i < 250; ++i) {
    commit_pages(8);  // 2,000 pages in all
    largest = std::max(largest, wal_bytes());
    ASSERT_TRUE(run_posted_until([&] { return worker.idle(); }));
    run_posted();  // the loop's part of a checkpoint
  }
  EXPECT_GT(worker.checkpoints(), 10U);
  // SQLite's own checkpoint, at 1,000 pages, would have let it grow to 4 MB.
  EXPECT_LT(largest, static_cast<std::uintmax_t>(2 * kMark) * (4096 + 24))
      << "the WAL started again from its beginning";
  auto& count = db_.cached("SELECT count(*) FROM notes");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.int64(0), 250);
  count.reset();
}

TEST_F(WalWorkerTest, TheStopsFdatasyncNeverOverlapsTheWorkers) {
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<void> began;
  std::atomic<int> calls{0};
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
  WalWorker worker(db_, poster(), {WalWorker::kCheckpointPages, [&](int fd) {
                                     if (++inside > 1) {
                                       overlapped = true;
                                     }
                                     if (calls.fetch_add(1) == 0) {
                                       began.set_value();
                                       released.wait_for(10s);
                                     }
                                     const int rc = ::fdatasync(fd);
                                     --inside;
                                     return rc;
                                   }});
  commit_pages(1);
  bool confirmed = false;
  worker.sync([&confirmed](std::error_code) { confirmed = true; });
  ASSERT_EQ(began.get_future().wait_for(10s), std::future_status::ready);
  std::promise<void> stop_began;
  auto stop = std::async(std::launch::async, [&worker, &stop_began] {
    stop_began.set_value();
    return worker.sync_now();
  });
  ASSERT_EQ(stop_began.get_future().wait_for(10s), std::future_status::ready);
  // A bounded look for what must not happen: overlapping, only one of the
  // two would hear of a failed write-back (Linux reports it once per file).
  EXPECT_EQ(stop.wait_for(100ms), std::future_status::timeout) << "the stop's fdatasync waits for the worker's";
  release.set_value();
  EXPECT_FALSE(stop.get());
  ASSERT_TRUE(run_posted_until([&] { return confirmed; }));
  EXPECT_EQ(calls.load(), 2);
  EXPECT_FALSE(overlapped.load()) << "never two fdatasyncs of the WAL at once";
}

// While it lives, no file of this process may grow past `bytes` (RLIMIT_FSIZE),
// and a write that would is refused (EFBIG) instead of killing the process.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(std::uintmax_t bytes) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ok_ = ::sigaction(SIGXFSZ, &ignore, &previous_action_) == 0 && ::getrlimit(RLIMIT_FSIZE, &previous_) == 0;
    const rlimit small{static_cast<rlim_t>(bytes), previous_.rlim_max};
    ok_ = ok_ && ::setrlimit(RLIMIT_FSIZE, &small) == 0;
  }
  ~FileSizeLimit() {
    (void)::setrlimit(RLIMIT_FSIZE, &previous_);
    (void)::sigaction(SIGXFSZ, &previous_action_, nullptr);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;
  [[nodiscard]] bool ok() const { return ok_; }

 private:
  struct sigaction previous_action_ {};
  rlimit previous_{};
  bool ok_ = false;
};

// The database file may not grow, as on a full disk: the checkpoint cannot
// copy the WAL into it.
TEST_F(WalWorkerTest, ACheckpointThatCannotWriteTheDatabaseIsFinal) {
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<void> began;
  std::atomic<int> calls{0};
  WalWorker worker(db_, poster(), {64, [&](int fd) {
                                     if (calls.fetch_add(1) == 0) {
                                       began.set_value();
                                       released.wait_for(10s);
                                     }
                                     return ::fdatasync(fd);
                                   }});
  commit_pages(1);
  bool first = false;
  worker.sync([&first](std::error_code) { first = true; });
  // The worker is in its fdatasync: the checkpoint waits for it.
  ASSERT_EQ(began.get_future().wait_for(10s), std::future_status::ready);
  commit_pages(80);  // past the mark of 64 pages
  ASSERT_FALSE(worker.idle());
  bool settled = false;
  {
    const FileSizeLimit limit(fs::file_size(dir_.path() / "notes.db"));
    release.set_value();
    ASSERT_TRUE(limit.ok());
    settled = run_posted_until([&] { return first && worker.idle(); });
  }
  ASSERT_TRUE(settled);
  const auto trouble = worker.trouble(std::chrono::steady_clock::now());
  ASSERT_TRUE(trouble) << "a failed checkpoint is trouble";
  EXPECT_NE(trouble->find("did not confirm"), std::string::npos) << *trouble;
  // The disk has room again and fdatasync succeeds, but the failure stands:
  // the WAL must not start again over pages the database may not hold.
  commit_pages(1);
  std::optional<std::error_code> later;
  worker.sync([&later](std::error_code error) { later = error; });
  ASSERT_TRUE(run_posted_until([&] { return later.has_value(); }));
  EXPECT_EQ(*later, std::errc::io_error);
}

}  // namespace
}  // namespace paminna::store
