// Phone availability end to end (issue 6; R6, R7): the real daemon publishes
// its state files and webhook at the right moments as its fake clock moves.
// 2026-11-23 is a Monday (internal 15:00-16:30); Tuesday 24th opens 09:00,
// lunch 12-13, closes 15:30. Local time is UTC+1 in November.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "support/daemon_process.h"
#include "support/eventually.h"
#include "support/mock_http_server.h"

namespace paminna::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class PhoneTest : public ::testing::Test {
 protected:
  std::unique_ptr<DaemonProcess> daemon;

  void start(const std::string& clock, const std::string& extra = "") {
    DaemonOptions options;
    options.fake_clock = clock;
    daemon = std::make_unique<DaemonProcess>(options);
    configure(extra);
    daemon->start();
  }
  void configure(const std::string& extra) const {
    daemon->write_config("[phone]\nstate_file = \"" + (daemon->dir() / "phone.json").string() + "\"\nstatus_file = \"" +
                         (daemon->dir() / "phone.status").string() + "\"\n" + extra);
  }
  [[nodiscard]] std::string word() const { return read(daemon->dir() / "phone.status"); }
  [[nodiscard]] json state() const { return json::parse(read(daemon->dir() / "phone.json")); }
};

TEST_F(PhoneTest, R6MondayInternalThenTuesdayHoursWithLunch) {
  start("2026-11-23T08:00:00Z");  // Monday 09:00
  EXPECT_EQ(word(), "closed\n");
  EXPECT_EQ(state()["reason"], "outside_hours");
  EXPECT_EQ(state()["next_change_local"], "2026-11-23T15:00");
  daemon->advance(6h);  // 15:00
  EXPECT_EQ(word(), "internal\n");
  daemon->advance(90min);  // 16:30
  EXPECT_EQ(word(), "closed\n");
  EXPECT_EQ(state()["next_change_local"], "2026-11-24T09:00");
  daemon->advance(16h + 29min);  // Tuesday 08:59
  EXPECT_EQ(word(), "closed\n");
  daemon->advance(1min);  // 09:00
  EXPECT_EQ(word(), "open\n");
  EXPECT_EQ(state()["since_local"], "2026-11-24T09:00");
  daemon->advance(3h);  // 12:00
  EXPECT_EQ(word(), "closed\n");
  EXPECT_EQ(state()["reason"], "lunch");
  daemon->advance(1h);  // 13:00
  EXPECT_EQ(word(), "open\n");
  daemon->advance(150min);  // 15:30
  EXPECT_EQ(word(), "closed\n");
  EXPECT_EQ(state()["reason"], "outside_hours");
  EXPECT_THAT(daemon->log(), HasSubstr("PHONE_STATE_CHANGED from=open/hours to=closed reason=lunch"));
}

TEST_F(PhoneTest, OverrideClosedUntil1400SpansLunch) {
  start("2026-11-24T09:00:00Z");  // Tuesday 10:00
  EXPECT_EQ(word(), "open\n");
  const auto closed = daemon->ctl({"--actor", "AL", "phone", "close", "--until", "14:00", "--reason", "APT-möte"});
  ASSERT_EQ(closed.exit_code, 0) << closed.err;
  EXPECT_THAT(closed.out, HasSubstr("closed (override: APT-möte)"));
  EXPECT_EQ(word(), "closed\n");
  EXPECT_EQ(state()["note"], "APT-möte");
  EXPECT_EQ(state()["next_change_local"], "2026-11-24T14:00");
  daemon->advance(150min);  // 12:30, lunch under the override
  EXPECT_EQ(word(), "closed\n");
  EXPECT_EQ(state()["reason"], "override");
  daemon->advance(90min);  // 14:00
  EXPECT_EQ(word(), "open\n");
  EXPECT_EQ(state()["reason"], "hours");
  EXPECT_THAT(daemon->log(), HasSubstr("PHONE_OVERRIDE_EXPIRED"));
  const auto audit = daemon->result("audit.list", json{{"subject", "phone"}});
  EXPECT_THAT(audit.dump(), HasSubstr("phone.set"));
}

TEST_F(PhoneTest, AWallClockSteppedBackOrForwardIsPublishedAtOnce) {
  start("2026-11-24T11:30:00Z");  // Tuesday 12:30, lunch
  EXPECT_EQ(word(), "closed\n");
  EXPECT_EQ(state()["reason"], "lunch");
  daemon->step(-2h);  // 10:30: the clock was wrong; the phones are open now, not at 13:00
  EXPECT_EQ(word(), "open\n");
  EXPECT_EQ(state()["next_change_local"], "2026-11-24T12:00");
  daemon->step(5h);  // 15:30
  EXPECT_EQ(word(), "closed\n");
  EXPECT_EQ(state()["reason"], "outside_hours");
  EXPECT_THAT(daemon->log(), HasSubstr("SCHEDULER_CLOCK_STEPPED"));
}

TEST_F(PhoneTest, OverrideWithoutUntilEndsAtTheNextScheduledChange) {
  start("2026-11-24T09:00:00Z");  // Tuesday 10:00
  const auto r = daemon->result("phone.set", json{{"status", "closed"}, {"reason", "handledning"}});
  EXPECT_EQ(r["overrides"][0]["until_local"], "2026-11-24T12:00");
  daemon->advance(2h);
  EXPECT_EQ(state()["reason"], "lunch");
}

TEST_F(PhoneTest, ClearReturnsToTheSchedule) {
  start("2026-11-24T09:00:00Z");
  ASSERT_EQ(daemon->ctl({"phone", "close", "--until", "15:00", "--reason", "möte"}).exit_code, 0);
  EXPECT_EQ(word(), "closed\n");
  const auto cleared = daemon->ctl({"phone", "clear"});
  ASSERT_EQ(cleared.exit_code, 0) << cleared.err;
  EXPECT_EQ(word(), "open\n");
}

TEST_F(PhoneTest, OverrideThatExpiredWhileStoppedIsInactiveAtStart) {
  start("2026-11-24T09:00:00Z");  // 10:00
  ASSERT_EQ(daemon->ctl({"phone", "close", "--until", "11:00", "--reason", "möte"}).exit_code, 0);
  EXPECT_EQ(word(), "closed\n");
  ASSERT_EQ(daemon->stop(), 0);
  daemon->set_fake_clock("2026-11-24T10:30:00Z");  // 11:30: the override ended while stopped
  daemon->start();
  EXPECT_EQ(word(), "open\n");
  EXPECT_EQ(state()["reason"], "hours");
  EXPECT_THAT(daemon->log(), HasSubstr("PHONE_OVERRIDE_EXPIRED"));
}

TEST_F(PhoneTest, OverrideStillActiveAfterRestart) {
  start("2026-11-24T09:00:00Z");  // 10:00
  ASSERT_EQ(daemon->ctl({"phone", "close", "--until", "11:00", "--reason", "möte"}).exit_code, 0);
  ASSERT_EQ(daemon->stop(), 0);
  daemon->set_fake_clock("2026-11-24T09:30:00Z");  // 10:30
  daemon->start();
  EXPECT_EQ(word(), "closed\n");
  daemon->advance(30min);
  EXPECT_EQ(word(), "open\n");
}

TEST_F(PhoneTest, R7AllStaffAbsentClosesUntilAnAbsenceEnds) {
  start("2026-11-24T09:00:00Z", "roster = [\"AL\", \"MK\"]\n");  // 10:00
  EXPECT_EQ(state()["available_staff"], json::array({"AL", "MK"}));
  auto r = daemon->ctl({"staff", "absent", "AL", "--reason", "sjuk"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(word(), "open\n");
  EXPECT_EQ(state()["available_staff"], json::array({"MK"}));
  r = daemon->ctl({"staff", "absent", "MK", "--until", "2026-11-24 11:00", "--reason", "kurs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(word(), "closed\n");
  EXPECT_EQ(state()["reason"], "no_staff");
  EXPECT_EQ(state()["next_change_local"], "2026-11-24T11:00");
  const auto list = daemon->ctl({"staff", "list"});
  EXPECT_THAT(list.out, HasSubstr("2026-11-24 11:00"));
  daemon->advance(1h);  // MK is back at 11:00
  EXPECT_EQ(word(), "open\n");
  EXPECT_EQ(state()["available_staff"], json::array({"MK"}));
  ASSERT_EQ(daemon->ctl({"staff", "present", "AL"}).exit_code, 0);
  EXPECT_EQ(state()["available_staff"], json::array({"AL", "MK"}));
  const auto unknown = daemon->ctl({"staff", "absent", "XX"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.err, HasSubstr("not on the phone roster"));
}

TEST_F(PhoneTest, ReloadAppliesANewScheduleAtOnce) {
  start("2026-11-24T09:00:00Z");  // Tuesday 10:00
  EXPECT_EQ(word(), "open\n");
  configure("hours = { tuesday = [\"13:00-15:30\"] }\n");
  const auto reloaded = daemon->ctl({"reload"});
  ASSERT_EQ(reloaded.exit_code, 0) << reloaded.err;
  EXPECT_EQ(word(), "closed\n");
  EXPECT_EQ(state()["next_change_local"], "2026-11-24T13:00");
  daemon->advance(3h);
  EXPECT_EQ(word(), "open\n");
}

TEST_F(PhoneTest, BadRequestsNameTheField) {
  start("2026-11-24T09:00:00Z");
  auto r = daemon->ctl({"phone", "close", "--until", "09:00", "--reason", "x"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("until: 09:00 has already passed"));
  r = daemon->ctl({"phone", "close", "--until", "25:00", "--reason", "x"});
  EXPECT_THAT(r.err, HasSubstr("until:"));
  r = daemon->ctl({"phone", "close", "--until", "14:00", "--reason", " "});
  EXPECT_THAT(r.err, HasSubstr("reason:"));
  const auto bad = daemon->call("phone.set", json{{"status", "closed"}, {"reason", "a\x01"}});
  EXPECT_TRUE(bad.contains("error"));
}

TEST_F(PhoneTest, StatusAndWeekForPeople) {
  start("2026-11-23T08:00:00Z");
  const auto status = daemon->ctl({"phone", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("phone: closed (outside_hours)"));
  EXPECT_THAT(status.out, HasSubstr("2026-11-23 15:00"));
  const auto week = daemon->ctl({"phone", "week"});
  ASSERT_EQ(week.exit_code, 0) << week.err;
  EXPECT_THAT(week.out, HasSubstr("15:00-16:30"));
  EXPECT_THAT(week.out, HasSubstr("09:00-12:00, 13:00-15:30"));
  const auto json_status = json::parse(daemon->ctl({"--json", "phone", "status"}).out);
  EXPECT_EQ(json_status["changes"][0]["at_utc"], "2026-11-23T14:00:00Z");
  EXPECT_EQ(json_status["changes"][0]["status"], "internal");
}

TEST_F(PhoneTest, WebhookGetsTheLatestStateAfterAnOutage) {
  MockHttpServer server;
  start("2026-11-24T09:00:00Z", "webhook_url = \"" + server.url("/phone") + "\"\n");
  ASSERT_TRUE(eventually([&] { return server.request_count() >= 1; }));
  auto first = server.requests().at(0);
  EXPECT_EQ(first.method, "POST");
  EXPECT_EQ(first.target, "/phone");
  EXPECT_EQ(json::parse(first.body)["status"], "open");

  server.set_default(MockReply::json(503, "{}"));
  ASSERT_EQ(daemon->ctl({"phone", "close", "--until", "14:00", "--reason", "APT"}).exit_code, 0);
  ASSERT_TRUE(daemon->wait_for_log("PHONE_PUBLISH_FAILED sink=webhook"));
  const auto failed = server.request_count();
  daemon->advance(5s);  // first retry, still failing
  ASSERT_TRUE(eventually([&] { return server.request_count() > failed; }));
  server.set_default(MockReply::json(200, "{}"));
  ASSERT_EQ(daemon->ctl({"phone", "open", "--until", "16:00", "--reason", "extra"}).exit_code, 0);
  ASSERT_TRUE(daemon->wait_for_log("PHONE_PUBLISH_RECOVERED sink=webhook"));
  // The receiver ends on the latest state (the failed retry may or may not have got through first).
  ASSERT_TRUE(eventually([&] {
    const auto all = server.requests();
    const auto last = json::parse(all.back().body);
    return last["status"] == "open" && last["reason"] == "override" && last["note"] == "extra";
  }));
  EXPECT_THAT(daemon->log(), Not(HasSubstr("127.0.0.1:" + std::to_string(server.port()) + "/phone")));
  EXPECT_EQ(daemon->stop(), 0);  // a webhook in flight or waiting does not hold up the stop
}

}  // namespace
}  // namespace paminna::test
