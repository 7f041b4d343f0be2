// The spool watcher against a folder the test writes, on a real io_context
// driven one step at a time under a deadline (no sleeps).
#include "voicemail/spool_watcher.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace paminna::voicemail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string message(const std::string& id) {
  return "[message]\ncallerid=\"X\" <0701234567>\norigtime=1795420800\nmsg_id=" + id + "\n";
}

class SpoolWatcherTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  boost::asio::io_context io;
  std::vector<std::pair<std::string, std::string>> seen;     // file, msg_id
  std::vector<std::pair<std::string, std::string>> skipped;  // file, reason
  std::shared_ptr<SpoolWatcher> watcher;

  fs::path inbox() const { return dir.path() / "INBOX"; }
  void write(const fs::path& path, const std::string& text) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }
  // As Asterisk does: write elsewhere, rename into INBOX.
  void deliver(const std::string& name, const std::string& text) const {
    write(dir.path() / "tmp" / name, text);
    fs::rename(dir.path() / "tmp" / name, inbox() / name);
  }
  void start() {
    fs::create_directories(dir.path() / "tmp");
    watcher = SpoolWatcher::create(
        io, dir.path(),
        {[this](const std::string& f, const AsteriskMessage& m) { seen.emplace_back(f, m.msg_id); },
         [this](const std::string& f, const std::string& r) { skipped.emplace_back(f, r); },
         [](const std::string& problem) { ADD_FAILURE() << problem; }});
    ASSERT_TRUE(watcher->start());
  }
  // Runs the loop until `done` or a deadline.
  bool until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.run_one_for(100ms);
    }
    return done();
  }
};

TEST_F(SpoolWatcherTest, FilesThatArrivedWhileStoppedAreReadAtStart) {
  fs::create_directories(inbox());
  write(inbox() / "msg0000.txt", message("m-1"));
  write(inbox() / "msg0001.txt", message("m-2"));
  write(inbox() / "msg0001.wav", "RIFF");
  start();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].second, "m-1");
  EXPECT_EQ(seen[1].second, "m-2");
}

TEST_F(SpoolWatcherTest, NewFilesAreSeenThroughInotifyAlsoWhenInboxAppearsLater) {
  start();
  EXPECT_TRUE(seen.empty());
  fs::create_directories(inbox());
  deliver("msg0000.txt", message("m-1"));
  ASSERT_TRUE(until([&] { return !seen.empty(); }));
  EXPECT_EQ(seen.back(), std::make_pair(std::string("msg0000.txt"), std::string("m-1")));
}

TEST_F(SpoolWatcherTest, TemporaryNamesAreIgnored) {
  fs::create_directories(inbox());
  start();
  write(inbox() / "msg0000.txt.tmp", message("m-1"));
  write(inbox() / "msg0000.txt", message("m-2"));
  ASSERT_TRUE(until([&] { return !seen.empty(); }));
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].second, "m-2");
}

TEST_F(SpoolWatcherTest, APartialWriteIsSkippedOnceAndReadWhenComplete) {
  fs::create_directories(inbox());
  const auto full = message("m-1");
  write(inbox() / "msg0000.txt", full.substr(0, full.size() - 4));
  start();
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0], std::make_pair(std::string("msg0000.txt"), std::string("partial")));
  watcher->rescan();
  EXPECT_EQ(skipped.size(), 1u) << "the same version is reported once";
  write(inbox() / "msg0000.txt", full);
  ASSERT_TRUE(until([&] { return !seen.empty(); }));
  EXPECT_EQ(seen[0].second, "m-1");
}

TEST_F(SpoolWatcherTest, AMalformedFileIsSkippedAndTheOthersStillRead) {
  fs::create_directories(inbox());
  write(inbox() / "msg0000.txt", "[message]\ncallerid=<0701234567>\norigtime=1\n");
  write(inbox() / "msg0001.txt", message("m-2"));
  start();
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].second, "missing msg_id");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].second, "m-2");
}

TEST_F(SpoolWatcherTest, ARenumberedFileReportsTheSameMsgIdForTheReceiverToDedupe) {
  fs::create_directories(inbox());
  write(inbox() / "msg0001.txt", message("m-2"));
  start();
  fs::rename(inbox() / "msg0001.txt", inbox() / "msg0000.txt");
  ASSERT_TRUE(until([&] { return seen.size() == 2; }));
  EXPECT_EQ(seen[1], std::make_pair(std::string("msg0000.txt"), std::string("m-2")));
}

TEST_F(SpoolWatcherTest, AMissingMailboxFolderIsAnError) {
  auto w = SpoolWatcher::create(io, dir.path() / "nope", {});
  EXPECT_FALSE(w->start());
}

}  // namespace
}  // namespace paminna::voicemail
