// Voicemail callbacks end to end (issue 7; R5, R8): the real daemon, the CLI,
// an Asterisk spool folder the test writes, and log lines at the right fake
// times. The clock starts Monday 2026-11-23 09:00 local (internal 15:00-16:30;
// Tuesday open 09:00-15:30, lunch 12-13). Local time is UTC+1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <regex>

#include "support/daemon_process.h"

namespace paminna::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

std::string ok(const DaemonProcess& d, const std::vector<std::string>& args) {
  auto r = d.ctl(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(Callbacks, R5VoicemailWarnsBeforeAndIsOverdueAfterItsDeadlineDuringPhoneHoursOnly) {
  DaemonProcess daemon(with_config("[callbacks]\nwarn_before = 120\nrepeat_every = 60\n"));
  daemon.start();
  const auto opened = json::parse(ok(daemon, {"--json", "voicemail", "add", "070-123 45 67"}));
  EXPECT_EQ(opened["task"]["deadline_local"], "2026-11-24T09:00");
  EXPECT_EQ(opened["task"]["phone"], "+46 70 *** ** 67");
  ASSERT_TRUE(daemon.wait_for_log("CALLBACK_OPENED task=1 kind=callback caller=+46 70 *** ** 67"));

  // A second message from the same number, left earlier (at 08:30), joins the task and moves its deadline.
  const auto joined =
      json::parse(ok(daemon, {"--json", "voicemail", "add", "+46701234567", "--received", "2026-11-23 08:30"}));
  EXPECT_TRUE(joined["joined"]);
  EXPECT_EQ(joined["task"]["id"], 1);
  EXPECT_EQ(joined["task"]["deadline_local"], "2026-11-24T08:30");
  EXPECT_EQ(joined["task"]["messages"], 2);
  // A withheld number opens a task of its own.
  EXPECT_EQ(json::parse(ok(daemon, {"--json", "voicemail", "add", "withheld"}))["task"]["phone"], "withheld");

  daemon.advance(6h);  // Monday 15:00: the first opening of the day (internal)
  ASSERT_TRUE(daemon.wait_for_log("CALLBACK_SUMMARY open=2 due_today=0 overdue=0 letters_due=0"));
  daemon.advance(15h + 29min);  // Tuesday 06:29
  EXPECT_THAT(daemon.log(), Not(HasSubstr("CALLBACK_DUE_SOON")));
  daemon.advance(1min);  // 06:30: two hours before 08:30
  ASSERT_TRUE(daemon.wait_for_log("CALLBACK_DUE_SOON task=1 kind=callback state=open deadline=2026-11-24T08:30"));
  daemon.advance(2h);  // 08:30: overdue at once, though the phone opens at 09:00
  ASSERT_TRUE(daemon.wait_for_log("CALLBACK_OVERDUE task=1 kind=callback state=open deadline=2026-11-24T08:30"));
  EXPECT_EQ(count(daemon.log(), "CALLBACK_DUE_SOON task=1"), 1u) << "no repeat outside phone hours";
  daemon.advance(30min);  // 09:00 open: the withheld task is overdue too; the morning summary
  ASSERT_TRUE(daemon.wait_for_log("CALLBACK_SUMMARY open=2 due_today=0 overdue=2"));
  daemon.advance(1h);  // 10:00: repeated hourly during phone hours (09:30)
  EXPECT_TRUE(
      daemon.wait_for_log("CALLBACK_OVERDUE task=1 kind=callback state=open deadline=2026-11-24T08:30 "
                          "overdue_min=60"));
  EXPECT_EQ(count(daemon.log(), "CALLBACK_OVERDUE task=1"), 2u);

  // Overdue first in the list; masked unless revealed by the staff group (the test user is).
  const auto list = ok(daemon, {"callback", "list"});
  EXPECT_THAT(list, HasSubstr("OVERDUE"));
  EXPECT_THAT(list, Not(HasSubstr("+46701234567")));
  EXPECT_THAT(ok(daemon, {"callback", "list", "--reveal"}), HasSubstr("+46701234567"));

  ok(daemon, {"--actor", "AL", "callback", "take", "1"});
  const auto shown = ok(daemon, {"callback", "show", "1"});
  EXPECT_THAT(shown, HasSubstr("owner    AL"));
  ok(daemon, {"--actor", "AL", "callback", "attempt", "1", "--outcome", "reached"});
  ASSERT_TRUE(daemon.wait_for_log("CALLBACK_CLOSED task=1 kind=callback outcome=reached actor=AL"));
  daemon.advance(2h);
  EXPECT_EQ(count(daemon.log(), "CALLBACK_OVERDUE task=1"), 2u) << "a closed task is quiet";
  EXPECT_THAT(daemon.log(), Not(HasSubstr("+46701234567")));
  EXPECT_THAT(daemon.log(), Not(HasSubstr("1234567 ")));
}

// An alert whose record cannot be written (another process holds the write
// lock past busy_timeout_ms) is not dropped: it comes again a minute later,
// and once recorded it is quiet until its next level.
TEST(Callbacks, AnAlertThatCannotBeRecordedComesAgainAMinuteLater) {
  // The first line lands in [daemon].
  DaemonProcess daemon(
      with_config("busy_timeout_ms = 100\n[log]\nlevel = \"info\"\ntarget = \"stderr\"\n"
                  "[callbacks]\nwarn_before = 120\nrepeat_every = 60\n"));
  daemon.start();
  ok(daemon, {"voicemail", "add", "070-123 45 67"});  // deadline Tuesday 09:00
  daemon.advance(21h + 59min);                        // Tuesday 06:59
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(daemon.database().c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  daemon.advance(1min);  // 07:00: due soon, but the record fails
  ASSERT_TRUE(daemon.wait_for_log("SCHEDULER_TASK_FAILED task=callback"));
  EXPECT_EQ(count(daemon.log(), "CALLBACK_DUE_SOON task=1"), 1u);
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  daemon.advance(1min);  // 07:01: again, and recorded this time
  EXPECT_EQ(count(daemon.log(), "CALLBACK_DUE_SOON task=1"), 2u);
  daemon.advance(1min);
  EXPECT_EQ(count(daemon.log(), "CALLBACK_DUE_SOON task=1"), 2u);
}

TEST(Callbacks, R8ContactThreeAttemptsThenLetterThenUnreachable) {
  DaemonProcess daemon;
  daemon.start();
  const auto opened = json::parse(
      ok(daemon, {"--json", "contact", "open", "K-2026-0042", "--number", "0701234567", "--language", "ar"}));
  EXPECT_EQ(opened["task"]["deadline_local"], "2026-11-30T09:00");
  for (int i = 0; i < 2; ++i) {
    ok(daemon, {"callback", "attempt", "1", "--outcome", "no-answer"});
  }
  EXPECT_THAT(daemon.log(), Not(HasSubstr("CONTACT_LETTER_DUE")));
  ok(daemon, {"callback", "attempt", "1", "--outcome", "no-answer"});
  ASSERT_TRUE(daemon.wait_for_log("CONTACT_LETTER_DUE task=1 why=attempts language=ar"));
  EXPECT_EQ(json::parse(ok(daemon, {"--json", "callback", "summary"}))["summary"]["letters_due"], 1);
  const auto closed = json::parse(ok(daemon, {"--json", "callback", "close", "1", "--outcome", "letter-sent"}));
  EXPECT_EQ(closed["task"]["outcome"], "unreachable");

  // A second contact: one week passes without an answer.
  ok(daemon, {"contact", "open", "K-2026-0043", "--number", "0701234568"});
  daemon.advance(std::chrono::hours{24 * 7});
  ASSERT_TRUE(daemon.wait_for_log("CONTACT_LETTER_DUE task=2 why=one-week language=sv"));
}

class Spool : public ::testing::Test {
 protected:
  std::unique_ptr<DaemonProcess> daemon;
  std::filesystem::path box;
  void SetUp() override {
    daemon = std::make_unique<DaemonProcess>();
    box = daemon->dir() / "spool" / "1000";
    std::filesystem::create_directories(box / "INBOX");
    std::filesystem::create_directories(box / "tmp");
    daemon->write_config("[callbacks]\nasterisk_spool = \"" + box.string() + "\"\nmailbox = \"1000@default\"\n");
  }
  void deliver(const std::string& name, const std::string& text) const {
    {
      std::ofstream out(box / "tmp" / name);
      out << text;
    }
    std::filesystem::rename(box / "tmp" / name, box / "INBOX" / name);
  }
  static std::string message(const std::string& id, const std::string& number, long origtime = 1795420800) {
    return "[message]\norigmailbox=1000\ncallerid=\"Anna\" <" + number + ">\norigtime=" + std::to_string(origtime) +
           "\nmsg_id=" + id + "\n";
  }
  [[nodiscard]] json tasks() const {
    return json::parse(ok(*daemon, {"--json", "callback", "list", "--all"}))["tasks"];
  }
};

TEST_F(Spool, EachMessageIsRegisteredOnceAcrossRestartsRenumberingAndBadFiles) {
  // 2026-11-23 08:00 local = 1795417200: left before the daemon started.
  deliver("msg0000.txt", message("1795417200-1", "0701234567", 1795417200));
  daemon->start();
  ASSERT_TRUE(daemon->wait_for_log("VOICEMAIL_SPOOL_WATCHING"));
  ASSERT_TRUE(
      daemon->wait_for_log("CALLBACK_OPENED task=1 kind=callback caller=+46 70 *** ** 67 "
                           "deadline=2026-11-24T08:00 source=asterisk"));

  deliver("msg0001.txt", message("1795420800-2", "040-123 45 67"));  // a fixed line is a valid caller
  ASSERT_TRUE(daemon->wait_for_log("CALLBACK_OPENED task=2"));
  deliver("msg0002.txt", "[message]\ncallerid=<0701234599>\norigtime=1795420800\n");
  ASSERT_TRUE(daemon->wait_for_log("VOICEMAIL_SPOOL_SKIPPED file=msg0002.txt reason=\"missing msg_id\""));
  EXPECT_THAT(daemon->log(), Not(HasSubstr("0701234599")));

  // Asterisk renumbers after msg0000 is deleted; a nudge rescans: nothing new.
  std::filesystem::remove(box / "INBOX" / "msg0000.txt");
  std::filesystem::rename(box / "INBOX" / "msg0001.txt", box / "INBOX" / "msg0000.txt");
  ok(*daemon, {"voicemail", "rescan"});
  EXPECT_EQ(tasks().size(), 2u);

  // Stopped; two files arrive (one being written); started again.
  daemon->stop();
  deliver("msg0001.txt", message("1795424400-3", "0701234577"));
  {
    std::ofstream partial(box / "INBOX" / "msg0003.txt");
    partial << "[message]\ncallerid=<0701234588>\norigtime=17954";
  }
  daemon->start();
  ASSERT_TRUE(daemon->wait_for_log("CALLBACK_OPENED task=3"));
  ASSERT_TRUE(daemon->wait_for_log("VOICEMAIL_SPOOL_SKIPPED file=msg0003.txt reason=\"partial\""));
  {
    std::ofstream done(box / "INBOX" / "msg0003.txt");
    done << message("1795424400-4", "0701234588");
  }
  ASSERT_TRUE(daemon->wait_for_log("CALLBACK_OPENED task=4"));
  const auto all = tasks();
  EXPECT_EQ(all.size(), 4u);
  const auto shown = json::parse(ok(*daemon, {"--json", "callback", "show", "1"}))["task"];
  EXPECT_EQ(shown["voicemails"][0]["mailbox"], "1000@default");
  EXPECT_EQ(shown["voicemails"][0]["received_local"], "2026-11-23T08:00");
}

}  // namespace
}  // namespace paminna::test

namespace paminna::test {
namespace {

TEST(Callbacks, AnAbsentOwnerHandsTheTaskBackToTheGroup) {
  DaemonProcess daemon(with_config("[phone]\nroster = [\"AL\", \"MK\"]\n"));
  daemon.start();
  ok(daemon, {"voicemail", "add", "0701234567"});
  ok(daemon, {"callback", "take", "1", "--owner", "AL"});
  ok(daemon, {"staff", "absent", "AL", "--reason", "sjuk"});
  ASSERT_TRUE(daemon.wait_for_log("CALLBACK_OWNER_ABSENT task=1 staff=AL"));
  EXPECT_TRUE(json::parse(ok(daemon, {"--json", "callback", "show", "1"}))["task"]["owner"].is_null());
}

}  // namespace
}  // namespace paminna::test
