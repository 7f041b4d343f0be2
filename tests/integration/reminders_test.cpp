// R1, R2, R12 end to end: the real daemon, a real SQLite file, real HTTP to a
// loopback 46elks-shaped gateway, and a fake clock moved by the test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "support/daemon_process.h"
#include "support/eventually.h"
#include "support/form_decode.h"
#include "support/mock_http_server.h"

namespace paminna::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class RemindersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int next_id = 0;
    gateway_.set_handler([next_id](const RecordedRequest&) mutable {
      return MockReply::json(200, R"({"id":"s)" + std::to_string(++next_id) + R"(","status":"created"})");
    });
  }

  // `sms_extra` goes inside [sms]; `extra` may add other tables.
  void start(const std::string& extra = "", const std::string& sms_extra = "") {
    daemon_ = std::make_unique<DaemonProcess>(with_config(""));
    std::ofstream(daemon_->dir() / "elks.credentials") << "username=u1\npassword=secret\n";
    daemon_->write_config("[office]\nphone = \"040-34 10 00\"\n[sms]\ngateway = \"46elks\"\nbase_url = \"" +
                          gateway_.url() + "\"\ncredentials = \"" + (daemon_->dir() / "elks.credentials").string() +
                          "\"\nrate_per_second = 0\nmax_in_flight = 8\n" + sms_extra + extra);
    daemon_->start();
  }

  void client_with_consent(const std::string& ref) {
    daemon_->result("client.add", {{"client", ref}, {"phone", "070-123 45 67"}, {"lang", "sv"}});
    daemon_->result("consent.grant", {{"client", ref}, {"source", "victim-form"}});
  }

  std::int64_t book(const std::string& ref, const std::string& at) {
    return daemon_->result("booking.add", {{"client", ref}, {"at", at}, {"staff", "AL"}})["booking"]["id"];
  }

  json reminders_of(std::int64_t booking) {
    return daemon_->result("booking.show", {{"booking", booking}})["booking"]["reminders"];
  }

  std::string state_of(std::int64_t booking) {
    return daemon_->result("booking.show", {{"booking", booking}})["booking"]["reminder_state"];
  }

  MockHttpServer gateway_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(RemindersTest, R1ArrivesOnceWithTheRightTextAtTheDueTime) {
  start();  // Monday 2026-11-23 09:00 local
  client_with_consent("K-1");
  const auto booking = book("K-1", "2026-11-25 10:00");
  EXPECT_EQ(state_of(booking), "scheduled");
  EXPECT_EQ(reminders_of(booking)[0]["due_local"], "2026-11-24T10:00");

  daemon_->advance(24h + 59min);  // Tuesday 09:59
  EXPECT_EQ(gateway_.request_count(), 0U);
  daemon_->advance(1min);  // 10:00 the day before
  ASSERT_TRUE(eventually([&] { return state_of(booking) == "sent"; }));
  ASSERT_EQ(gateway_.request_count(), 1U);
  const auto request = gateway_.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/a1/sms");
  const auto fields = decode_form(request.body);
  EXPECT_EQ(fields.at("to"), "+46701234567");
  EXPECT_EQ(fields.at("from"), "Tidbokning");
  EXPECT_EQ(fields.at("dontlog"), "message");
  EXPECT_THAT(fields.at("message"), HasSubstr("onsdag 25 november kl. 10.00"));
  EXPECT_THAT(fields.at("message"), HasSubstr("040-34 10 00"));
  EXPECT_EQ(reminders_of(booking)[0]["provider_id"], "s1");

  daemon_->advance(48h);
  EXPECT_EQ(gateway_.request_count(), 1U);
  // Privacy: the log names the booking, never the number or the text.
  // Written once the outcome's commit is confirmed on disk, a moment after the state shows.
  EXPECT_TRUE(daemon_->wait_for_log("REMINDER_SENT booking=" + std::to_string(booking)));
  EXPECT_THAT(daemon_->log(), ::testing::Not(HasSubstr("0701234567")));
  EXPECT_THAT(daemon_->log(), ::testing::Not(HasSubstr("+46701234567")));
  EXPECT_THAT(daemon_->log(), ::testing::Not(HasSubstr("onsdag 25 november")));
}

TEST_F(RemindersTest, ThrottlingAndServerErrorEndInExactlyOneAcceptedMessage) {
  gateway_.enqueue(MockReply{MockReply::Kind::respond, 429, {{"Retry-After", "120"}}, "slow down", {}, false, {}});
  gateway_.enqueue(MockReply::text(500, "internal error"));
  start();
  client_with_consent("K-1");
  const auto booking = book("K-1", "2026-11-25 10:00");
  daemon_->advance(25h);  // due
  ASSERT_TRUE(eventually([&] { return gateway_.request_count() == 1; }));
  ASSERT_TRUE(eventually([&] { return state_of(booking) == "retry"; }));
  const auto after_429 = reminders_of(booking)[0];
  // Retry-After is a floor: not before two minutes.
  EXPECT_GE(after_429["due_utc"].get<std::string>(), "2026-11-24T09:02:00Z");
  daemon_->advance(119s);
  EXPECT_EQ(gateway_.request_count(), 1U);
  for (int i = 0; i < 40 && state_of(booking) != "sent"; ++i) {
    daemon_->advance(60s);
    eventually([&] { return state_of(booking) != "sending"; }, 5s);
  }
  EXPECT_EQ(state_of(booking), "sent");
  EXPECT_EQ(gateway_.request_count(), 3U);  // 429, 500 (outcome unknown: resent once), 200
  const auto final_state = reminders_of(booking)[0];
  EXPECT_EQ(final_state["possible_duplicate"], true);
  EXPECT_EQ(final_state["attempts"], 3);
  // Written once the outcome's commit is confirmed on disk, a moment after the state shows.
  EXPECT_TRUE(daemon_->wait_for_log("REMINDER_OUTCOME_UNKNOWN booking=" + std::to_string(booking)));
}

// A retry two minutes away stays two minutes away when the wall clock is set
// back three hours meanwhile (an NTP step after a bad RTC): kept as a wall
// time in the database, it would wait three hours and two minutes, and a
// reminder for a visit that morning could expire unsent.
TEST_F(RemindersTest, ARetryWaitsItsMinutesAcrossAClockSetBackHours) {
  gateway_.enqueue(MockReply{MockReply::Kind::respond, 429, {{"Retry-After", "120"}}, "slow down", {}, false, {}});
  start();
  client_with_consent("K-1");
  const auto booking = book("K-1", "2026-11-25 10:00");
  daemon_->advance(25h);  // due Tuesday 10:00 local
  ASSERT_TRUE(eventually([&] { return state_of(booking) == "retry"; }));
  const auto before = reminders_of(booking)[0]["due_utc"].get<std::string>();
  EXPECT_GE(before, "2026-11-24T09:02:00Z");

  daemon_->step(-3h);
  const auto after = reminders_of(booking)[0]["due_utc"].get<std::string>();
  EXPECT_GE(after, "2026-11-24T06:02:00Z");
  EXPECT_LT(after, "2026-11-24T06:03:00Z") << "the retry moved with the clock: " << before << " -> " << after;
  daemon_->advance(119s);
  EXPECT_EQ(gateway_.request_count(), 1U) << "Retry-After is still a floor";
  daemon_->advance(61s);
  ASSERT_TRUE(eventually([&] { return state_of(booking) == "sent"; }));
  EXPECT_EQ(gateway_.request_count(), 2U);
}

// A step forward (or a resume from suspend) does not make the retry wait
// again: the time it waited for may now be close to the visit.
TEST_F(RemindersTest, ARetryIsDueAtOnceAfterAClockSetForward) {
  gateway_.enqueue(MockReply{MockReply::Kind::respond, 429, {{"Retry-After", "120"}}, "slow down", {}, false, {}});
  start();
  client_with_consent("K-1");
  const auto booking = book("K-1", "2026-11-25 10:00");
  daemon_->advance(25h);
  ASSERT_TRUE(eventually([&] { return state_of(booking) == "retry"; }));
  daemon_->step(1h);
  ASSERT_TRUE(eventually([&] { return state_of(booking) == "sent"; }));
  EXPECT_EQ(gateway_.request_count(), 2U);
}

// The same for the pause after the gateway refused our credentials: ten
// minutes stay ten minutes across a step back.
TEST_F(RemindersTest, AGatewayPauseKeepsItsLengthAcrossAClockSetBackHours) {
  gateway_.enqueue(MockReply::text(401, "bad credentials"));
  start();
  client_with_consent("K-1");
  const auto booking = book("K-1", "2026-11-25 10:00");
  daemon_->advance(25h);
  ASSERT_TRUE(eventually([&] { return state_of(booking) == "retry"; }));
  ASSERT_TRUE(eventually([&] { return daemon_->result("status")["reminders"]["gateway"]["paused"] == true; }));
  EXPECT_EQ(daemon_->result("status")["reminders"]["gateway"]["paused_until_utc"], "2026-11-24T09:10:00Z");

  daemon_->step(-3h);
  EXPECT_EQ(daemon_->result("status")["reminders"]["gateway"]["paused_until_utc"], "2026-11-24T06:10:00Z");
  daemon_->advance(10min);
  ASSERT_TRUE(eventually([&] { return state_of(booking) == "sent"; }));
  EXPECT_EQ(gateway_.request_count(), 2U);
}

TEST_F(RemindersTest, R2ConsentWithdrawnBeforeTheDueTimeStopsIt) {
  start();
  client_with_consent("K-1");
  const auto booking = book("K-1", "2026-11-25 10:00");
  daemon_->result("consent.withdraw", {{"client", "K-1"}});
  // The pending reminder is cancelled and the booking says why there is none.
  const auto rows = reminders_of(booking);
  EXPECT_EQ(rows[0]["state"], "cancelled");
  EXPECT_EQ(state_of(booking), "skipped");
  EXPECT_THAT(rows[1]["reason"].get<std::string>(), HasSubstr("not consented"));
  daemon_->advance(26h);
  EXPECT_EQ(gateway_.request_count(), 0U);
}

TEST_F(RemindersTest, R1NoConsentNoReminderAndTheBookingSaysWhy) {
  start();
  daemon_->result("client.add", {{"client", "K-2"}, {"phone", "070-123 45 67"}});
  const auto response =
      daemon_->result("booking.add", {{"client", "K-2"}, {"at", "2026-11-25 10:00"}, {"staff", "AL"}});
  EXPECT_THAT(response["reminder_note"].get<std::string>(), HasSubstr("not consented"));
  EXPECT_EQ(response["booking"]["reminder_state"], "skipped");
  // Consent given later: the coming visit gets its reminder.
  daemon_->result("consent.grant", {{"client", "K-2"}, {"source", "phone"}});
  EXPECT_EQ(state_of(response["booking"]["id"]), "scheduled");
}

TEST_F(RemindersTest, MoveAfterTheReminderWasSentSendsTheMovedText) {
  start();
  client_with_consent("K-1");
  const auto booking = book("K-1", "2026-11-25 10:00");
  daemon_->advance(25h);  // reminder sent Tuesday 10:00
  ASSERT_TRUE(eventually([&] { return state_of(booking) == "sent"; }));
  daemon_->result("booking.move", {{"booking", booking}, {"at", "2026-11-27 14:00"}});
  ASSERT_TRUE(
      eventually([&] { return gateway_.request_count() == 2; }));  // moved text goes at once (10:00 is in the window)
  EXPECT_THAT(decode_form(gateway_.requests()[1].body).at("message"),
              HasSubstr("flyttad till fredag 27 november kl. 14.00"));
  daemon_->advance(48h);  // Thursday 10:00: the usual reminder for the new day
  ASSERT_TRUE(eventually([&] { return gateway_.request_count() == 3; }));
  EXPECT_THAT(decode_form(gateway_.requests()[2].body).at("message"), HasSubstr("fredag 27 november kl. 14.00"));
}

TEST_F(RemindersTest, CancelledBookingIsNotReminded) {
  start();
  client_with_consent("K-1");
  const auto booking = book("K-1", "2026-11-25 10:00");
  daemon_->result("booking.cancel", {{"booking", booking}, {"reason", "client called"}});
  EXPECT_EQ(state_of(booking), "cancelled");
  daemon_->advance(26h);
  EXPECT_EQ(gateway_.request_count(), 0U);
}

TEST_F(RemindersTest, RejectedNumberFailsWithAnErrorNamingTheBooking) {
  gateway_.set_handler([](const RecordedRequest&) { return MockReply::text(400, "Invalid to number"); });
  start();
  client_with_consent("K-1");
  const auto booking = book("K-1", "2026-11-25 10:00");
  daemon_->advance(25h);
  ASSERT_TRUE(eventually([&] { return state_of(booking) == "failed"; }));
  // Written once the outcome's commit is confirmed on disk, a moment after the state shows.
  EXPECT_TRUE(daemon_->wait_for_log("REMINDER_FAILED booking=" + std::to_string(booking)));
  const auto status = daemon_->result("status");
  EXPECT_EQ(status["healthy"], false);
}

TEST_F(RemindersTest, BadCredentialsPauseTheGatewayUntilResumed) {
  gateway_.set_handler([](const RecordedRequest&) { return MockReply::text(401, "Unauthorized"); });
  start();
  client_with_consent("K-1");
  const auto booking = book("K-1", "2026-11-25 10:00");
  daemon_->advance(25h);
  ASSERT_TRUE(daemon_->wait_for_log("GATEWAY_PAUSED"));
  EXPECT_EQ(daemon_->result("status")["reminders"]["gateway"]["paused"], true);
  int next_id = 0;
  gateway_.set_handler([&next_id](const RecordedRequest&) {
    return MockReply::json(200, R"({"id":"ok)" + std::to_string(++next_id) + R"("})");
  });
  daemon_->advance(10min);  // the probe after reminders.gateway_pause_seconds
  ASSERT_TRUE(eventually([&] { return state_of(booking) == "sent"; }));
  // Written once the outcome's commit is confirmed on disk, a moment after the state shows.
  EXPECT_TRUE(daemon_->wait_for_log("GATEWAY_RESUMED"));
}

TEST_F(RemindersTest, StaffSeeAndSettleRemindersWithPaminnactl) {
  gateway_.set_handler([](const RecordedRequest&) { return MockReply::of(MockReply::Kind::never_answer); });
  start("[reminders]\nunknown_outcome = \"hold\"\n", "timeout_ms = 300\n");
  client_with_consent("K-1");
  const auto booking = book("K-1", "2026-11-25 10:00");
  const auto preview = daemon_->ctl({"reminder", "preview", std::to_string(booking)});
  EXPECT_EQ(preview.exit_code, 0) << preview.err;
  EXPECT_THAT(preview.out, HasSubstr("onsdag 25 november kl. 10.00"));
  EXPECT_THAT(preview.out, HasSubstr("GSM-7, 1 segment"));
  EXPECT_THAT(preview.out, HasSubstr("+46 70 *** ** 67"));  // masked for staff too
  daemon_->advance(25h);
  // The gateway never answers: the outcome is unknown and the policy holds it for a person.
  ASSERT_TRUE(eventually([&] { return state_of(booking) == "held"; }));
  const auto list = daemon_->ctl({"reminder", "list", "--state", "held"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("held"));
  const auto id = std::to_string(reminders_of(booking)[0]["id"].get<int>());
  EXPECT_EQ(daemon_->ctl({"reminder", "resolve", id}).exit_code, 2);  // neither --sent nor --resend
  const auto resolved = daemon_->ctl({"--actor", "AL", "reminder", "resolve", id, "--sent"});
  EXPECT_EQ(resolved.exit_code, 0) << resolved.err;
  EXPECT_EQ(state_of(booking), "sent");
  EXPECT_EQ(daemon_->ctl({"reminder", "retry", id}).exit_code, 1);  // only failed ones
}

TEST_F(RemindersTest, KillNineDuringADispatchOfAThousandLosesNoneAndBoundsDuplicates) {
  gateway_.set_handler([](const RecordedRequest& request) {
    MockReply reply = MockReply::json(200, R"({"id":"x"})");
    reply.delay = 2ms;
    (void)request;
    return reply;
  });
  start("[reminders]\nbatch_size = 100\n");
  client_with_consent("K-1");
  // 1,000 visits on Wednesday, one a minute apart from 02:00: all due Tuesday 10:00.
  for (int i = 0; i < 1000; ++i) {
    const int minute = 120 + i;
    book("K-1", fmt::format("2026-11-25 {:02}:{:02}", minute / 60, minute % 60));
  }
  daemon_->advance(25h);
  ASSERT_TRUE(eventually([&] { return gateway_.request_count() >= 300; }));
  daemon_->kill9();
  const auto before_restart = gateway_.request_count();
  daemon_->set_fake_clock("2026-11-24T09:00:30Z");
  daemon_->start();
  daemon_->advance(1s);  // the recovered reminders are due at once
  const auto sent = [&] {
    const auto counts = daemon_->result("status")["reminders"]["by_state"];
    return counts.value("sent", 0);
  };
  for (int i = 0; i < 200 && sent() < 1000; ++i) {
    daemon_->advance(60s);
    eventually([&] { return daemon_->result("status")["reminders"]["in_flight"] == 0; }, 5s);
  }
  ASSERT_EQ(sent(), 1000);
  std::set<std::string> distinct;
  for (const auto& r : gateway_.requests()) {
    distinct.insert(decode_form(r.body).at("message"));
  }
  EXPECT_EQ(distinct.size(), 1000U);  // none lost
  const auto duplicates = gateway_.request_count() - 1000;
  const auto possible = daemon_->result("status")["reminders"]["possible_duplicates"].get<std::size_t>();
  EXPECT_LE(duplicates, possible);  // every extra message is one we counted (README's promise)
  EXPECT_LE(possible, 100U);        // at most batch_size were claimed and unanswered at the kill
  (void)before_restart;
}

}  // namespace
}  // namespace paminna::test
