// The dispatcher's commits confirmed off the loop: no reminder leaves before
// its claim is confirmed on disk (I3), a failed confirmation sends nothing,
// and the outcomes are written without waiting while the next batch waits for
// its own confirmation; their log lines follow that confirmation, or the
// stop's sync, and only a successful one. Its window: never more than
// reminders.batch_size out, half of it claimed as half comes back, one probe
// at a time while paused. The gateway and the confirmation are the test's, so
// that each step happens when the test says; the database is a real file.
#include "service/reminder_dispatcher.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "config/config_loader.h"
#include "domain/local_time.h"
#include "service/clock.h"
#include "service/scheduler.h"
#include "service/wall_timer.h"
#include "store/open_store.h"
#include "store/reminder_store.h"
#include "store/wal_vfs.h"
#include "support/captured_log.h"
#include "support/temp_dir.h"

namespace paminna {
namespace {

class HeldGateway final : public sms::SmsGateway {
 public:
  void send(sms::SmsRequest request, sms::SendCallback done) override {
    sent.emplace_back(std::move(request), std::move(done));
  }
  [[nodiscard]] std::string_view provider() const override { return "held"; }

  std::vector<std::pair<sms::SmsRequest, sms::SendCallback>> sent;
};

class ReminderDispatcherTest : public ::testing::Test {
 protected:
  ReminderDispatcherTest() {
    config_.office.phone = "040-34 10 00";
    auto& db = *store_.db;
    db.exec(
        "INSERT INTO clients(id, ref, phone, language, created_at, last_contact_at) "
        "VALUES (1, 'K-1', '+46701234567', 'sv', 0, 0)");
    db.exec("INSERT INTO consents(client_id, channel, event, source, at) VALUES (1, 'sms', 'grant', 'phone', 0)");
    for (int i = 1; i <= 3; ++i) {
      add_reminder(i);
    }
  }

  // Booking i, its visit i hours after Wednesday 09:00, its reminder due now.
  void add_reminder(int i) {
    auto& db = *store_.db;
    const auto visit = parse_utc("2026-11-25T09:00:00Z")->time_since_epoch().count();
    db.cached(
          "INSERT INTO bookings(id, client_id, staff, start_utc, minutes, place, first_visit, status, "
          "reminder_state, created_at, updated_at) VALUES (?1, 1, 'AL', ?2, 60, 'office', 0, 'booked', "
          "'scheduled', 0, 0)")
        .bind(1, i)
        .bind(2, static_cast<std::int64_t>(visit + i * std::int64_t{3600}))
        .run();
    db.cached(
          "INSERT INTO reminders(booking_id, recipient, kind, state, due, visit_start, reference, created_at, "
          "updated_at) VALUES (?1, 'client:1', 'reminder', 'scheduled', ?2, ?3, 'pam-' || ?1, 0, 0)")
        .bind(1, i)
        .bind(2, static_cast<std::int64_t>(clock_.now().time_since_epoch().count()))
        .bind(3, static_cast<std::int64_t>(visit + i * std::int64_t{3600}))
        .run();
  }

  // With reminders.batch_size = `window`: the first answer is accepted and
  // its room claimed; the second pauses the gateway while that claim waits
  // for the disk. Returns the claim's confirmation, not yet given; what is
  // left in confirms_ is the two outcomes'.
  std::function<void(std::error_code)> pause_while_a_claim_waits(int window) {
    config_.reminders.batch_size = window;
    dispatcher_.start();
    settle();
    confirm();
    gateway_.sent.at(0).second(sms::Accepted{"id-1"});
    settle();
    gateway_.sent.at(1).second(sms::GatewayUnavailable{"no credit"});
    settle();
    auto claim = std::move(confirms_.at(1));  // after the first's outcome
    confirms_.erase(confirms_.begin() + 1);
    return claim;
  }

  // All three claimed, confirmed, sent and accepted; their outcomes written and waiting for the disk.
  void send_all_and_write_their_outcomes() {
    dispatcher_.start();
    settle();
    confirm();
    ASSERT_EQ(gateway_.sent.size(), 3U);
    for (auto& [request, done] : gateway_.sent) {
      done(sms::Accepted{"id"});
    }
    settle();
    ASSERT_EQ(in_state("sent"), 3);
    ASSERT_EQ(confirms_.size(), 1U) << "the outcomes' confirmation";
  }

  // Runs what is ready on the loop, as the daemon's would between events.
  void settle() {
    io_.restart();
    io_.poll();
  }

  void confirm(std::error_code error = {}) {
    ASSERT_FALSE(confirms_.empty());
    auto done = std::move(confirms_.front());
    confirms_.erase(confirms_.begin());
    done(error);
    settle();
  }

  std::int64_t in_state(const std::string& state) const {
    auto counts = store::ReminderStore(*store_.db).counts_by_state();
    return counts[state];
  }

  test::TempDir dir_;
  store::OpenedStore store_ = store::open_store(dir_ / "paminna.db", 1000);
  Config config_ = embedded_defaults();
  boost::asio::io_context io_;
  ManualClock clock_{*parse_utc("2026-11-24T09:00:00Z")};
  ManualWallTimer timer_{[this] { return clock_.now(); },
                         [this](std::function<void()> task) { boost::asio::post(io_, std::move(task)); }};
  Scheduler scheduler_{clock_, timer_};
  HeldGateway gateway_;
  std::vector<std::function<void(std::error_code)>> confirms_;
  ReminderDispatcher dispatcher_{
      io_,
      *store_.db,
      scheduler_,
      clock_,
      [this]() -> const Config& { return config_; },
      gateway_,
      [this](std::function<void(std::error_code)> done) { confirms_.push_back(std::move(done)); }};
};

TEST_F(ReminderDispatcherTest, NoReminderLeavesBeforeItsClaimIsConfirmedOnDisk) {
  dispatcher_.start();
  const auto syncs = store::wal_syncs(store_.db->handle());
  settle();
  EXPECT_EQ(store::wal_syncs(store_.db->handle()), syncs) << "the claim's COMMIT left its sync to the confirmation";
  EXPECT_EQ(in_state("sending"), 3) << "claimed and committed";
  EXPECT_TRUE(gateway_.sent.empty()) << "but not confirmed yet";
  EXPECT_EQ(dispatcher_.status()["in_flight"], 3) << "about to leave: not yet settled";
  ASSERT_EQ(confirms_.size(), 1U);
  confirm();
  EXPECT_EQ(gateway_.sent.size(), 3U);
}

TEST_F(ReminderDispatcherTest, AFailedConfirmationSendsNothing) {
  dispatcher_.start();
  settle();
  confirm(std::make_error_code(std::errc::io_error));
  EXPECT_TRUE(gateway_.sent.empty());
  EXPECT_EQ(in_state("sending"), 3) << "the next start resolves them";
  EXPECT_TRUE(confirms_.empty()) << "and nothing more is claimed";
}

TEST_F(ReminderDispatcherTest, ABatchStillWaitingForItsConfirmationAtStopGoesBackUnsent) {
  dispatcher_.start();
  settle();
  ASSERT_EQ(in_state("sending"), 3);
  dispatcher_.stop();
  EXPECT_EQ(in_state("sending"), 0) << "not a possible duplicate at the next start: it never left";
  EXPECT_EQ(in_state("scheduled"), 3);
  EXPECT_EQ(store::ReminderStore(*store_.db).find(1)->attempts, 0);
  dispatcher_.stopped({});
  confirm();  // the confirmation the stop did not wait for
  EXPECT_TRUE(gateway_.sent.empty());
  dispatcher_.changed();  // as an answer arriving while the socket drains would
  settle();
  EXPECT_TRUE(confirms_.empty()) << "nothing more is claimed after the stop";
  EXPECT_EQ(in_state("scheduled"), 3);
}

TEST_F(ReminderDispatcherTest, NoMoreThanTheBatchSizeIsClaimedAndUnansweredAtOnce) {
  config_.reminders.batch_size = 2;
  dispatcher_.start();
  settle();
  confirm();
  ASSERT_EQ(gateway_.sent.size(), 2U);
  EXPECT_TRUE(confirms_.empty()) << "what a crash may resend stays within reminders.batch_size (README)";
  EXPECT_EQ(in_state("scheduled"), 1);
  EXPECT_EQ(dispatcher_.status()["in_flight"], 2);
}

TEST_F(ReminderDispatcherTest, OnceHalfAreAnsweredTheirRoomIsClaimedWhileTheRestAre) {
  config_.reminders.batch_size = 2;
  add_reminder(4);
  dispatcher_.start();
  settle();
  confirm();
  ASSERT_EQ(gateway_.sent.size(), 2U);
  gateway_.sent.front().second(sms::Accepted{"id-1"});
  settle();
  EXPECT_EQ(in_state("sent"), 1) << "written without waiting for the disk";
  EXPECT_EQ(in_state("sending"), 2) << "the second still out, the third claimed";
  EXPECT_EQ(in_state("scheduled"), 1) << "the fourth waits for room";
  ASSERT_EQ(confirms_.size(), 2U) << "the outcome's confirmation, and the claim's";
  confirm();  // the outcome's
  EXPECT_EQ(gateway_.sent.size(), 2U) << "the claim waits for its own";
  confirm();  // the claim's
  EXPECT_EQ(gateway_.sent.size(), 3U) << "and leaves while the second is unanswered";
  EXPECT_EQ(dispatcher_.status()["in_flight"], 2);
  EXPECT_EQ(in_state("scheduled"), 1) << "two are out: the fourth still waits";
  EXPECT_TRUE(confirms_.empty());
}

TEST_F(ReminderDispatcherTest, OutcomesAreWrittenByHalfTheWindow) {
  config_.reminders.batch_size = 4;
  for (int i = 4; i <= 7; ++i) {
    add_reminder(i);
  }
  dispatcher_.start();
  settle();
  confirm();
  ASSERT_EQ(gateway_.sent.size(), 4U);
  // Both before the loop turns: the group's few milliseconds play no part.
  gateway_.sent[0].second(sms::Accepted{"id-1"});
  gateway_.sent[1].second(sms::Accepted{"id-2"});
  settle();
  EXPECT_EQ(in_state("sent"), 2) << "two of four close a group: written without waiting for the other two";
  EXPECT_EQ(in_state("sending"), 4) << "two still out, two claimed in their room";
  EXPECT_EQ(in_state("scheduled"), 1);
}

TEST_F(ReminderDispatcherTest, NothingElseIsClaimedWhileAClaimWaitsForTheDisk) {
  config_.reminders.batch_size = 2;
  dispatcher_.start();
  settle();
  ASSERT_EQ(confirms_.size(), 1U);
  dispatcher_.changed();  // as a new booking would
  settle();
  EXPECT_EQ(confirms_.size(), 1U) << "one claim waits at a time";
  EXPECT_EQ(in_state("scheduled"), 1);
  confirm();
  EXPECT_EQ(gateway_.sent.size(), 2U);
}

TEST_F(ReminderDispatcherTest, AfterAPauseBeginsNothingMoreLeavesUntilItEndsThenOneProbe) {
  add_reminder(4);
  auto claim = pause_while_a_claim_waits(2);
  ASSERT_EQ(gateway_.sent.size(), 2U);
  ASSERT_TRUE(dispatcher_.paused());
  const auto paused_until = dispatcher_.status()["gateway"]["paused_until_utc"];
  confirm();  // the first's outcome
  clock_.advance(std::chrono::seconds{1});
  claim({});  // the third's, confirmed after the pause began
  settle();
  EXPECT_EQ(gateway_.sent.size(), 2U) << "claimed before the pause, it does not leave into it";
  const auto third = store::ReminderStore(*store_.db).find(3);
  EXPECT_EQ(third->state, ReminderState::retry) << "written back with the group, to wait for the pause";
  EXPECT_EQ(third->attempts, 0) << "a pause spends no attempt";
  EXPECT_EQ(nlohmann::json(format_utc(third->due)), paused_until) << "due when the probe is";
  EXPECT_EQ(dispatcher_.status()["gateway"]["paused_until_utc"], paused_until) << "the pause is left as it is";
  while (!confirms_.empty()) {
    confirm();  // the outcomes'
  }
  EXPECT_EQ(in_state("scheduled"), 1) << "nothing claimed before the pause ends";
  EXPECT_EQ(dispatcher_.status()["in_flight"], 0);

  clock_.advance(config_.reminders.gateway_pause + std::chrono::seconds{1});
  timer_.advance_to(clock_.now());
  settle();
  confirm();  // the probe's claim
  ASSERT_EQ(gateway_.sent.size(), 3U) << "one probe, sent though the pause has not been lifted yet";
  timer_.advance_to(clock_.now());
  settle();
  EXPECT_TRUE(confirms_.empty()) << "while the probe is out, no other";
  EXPECT_EQ(dispatcher_.status()["in_flight"], 1);
}

TEST_F(ReminderDispatcherTest, AResumeWhileABatchIsWithheldStands) {
  auto claim = pause_while_a_claim_waits(2);
  confirm();             // the first's outcome
  claim({});             // withheld: written at the loop's next turn
  dispatcher_.resume();  // staff fixed the credit meanwhile
  settle();
  EXPECT_FALSE(dispatcher_.paused()) << "writing the withheld batch does not pause again";
  EXPECT_EQ(store::ReminderStore(*store_.db).find(3)->attempts, 1) << "claimed again at once, its first attempt";
  while (!confirms_.empty()) {
    confirm();
  }
  EXPECT_EQ(gateway_.sent.size(), 3U) << "the withheld one leaves";
}

TEST_F(ReminderDispatcherTest, AnAnswerWrittenWithAWithheldBatchThatEndsThePauseLetsItGoAtOnce) {
  add_reminder(4);
  auto claim = pause_while_a_claim_waits(3);  // outcomes written one by one
  ASSERT_EQ(gateway_.sent.size(), 3U) << "the third still out";
  ASSERT_TRUE(dispatcher_.paused());
  claim({});                                       // withheld, its write posted
  gateway_.sent[2].second(sms::Accepted{"id-3"});  // and the third's answer before the loop turns: the same write
  settle();
  EXPECT_FALSE(dispatcher_.paused()) << "the gateway answered: the pause is over";
  const auto fourth = store::ReminderStore(*store_.db).find(4);
  EXPECT_EQ(fourth->attempts, 1) << "claimed again at once, not after the pause that ended";
  EXPECT_EQ(fourth->state, ReminderState::sending);
}

TEST_F(ReminderDispatcherTest, AResumeOrAClockStepWhileAClaimWaitsForTheDiskClaimsNothingMore) {
  config_.reminders.batch_size = 2;
  dispatcher_.start();
  settle();
  ASSERT_EQ(confirms_.size(), 1U);
  dispatcher_.resume();  // staff say the gateway is back, though it was never paused
  settle();
  EXPECT_EQ(confirms_.size(), 1U) << "a resume claims nothing while a claim waits";
  clock_.step_wall(-std::chrono::hours{2});
  timer_.clock_stepped();
  settle();
  clock_.step_wall(std::chrono::hours{3});
  timer_.clock_stepped();
  settle();
  EXPECT_EQ(confirms_.size(), 1U) << "nor does a clock step, back or forward";
  EXPECT_EQ(in_state("sending"), 2);
  EXPECT_EQ(in_state("scheduled"), 1);
  confirm();
  EXPECT_EQ(gateway_.sent.size(), 2U) << "the waiting claim leaves once confirmed";
  EXPECT_TRUE(confirms_.empty()) << "and the window is full";
}

TEST_F(ReminderDispatcherTest, AFailedOutcomeConfirmationLogsTheFailureAndNotTheOutcomes) {
  const test::CapturedLog log;
  ASSERT_NO_FATAL_FAILURE(send_all_and_write_their_outcomes());
  confirm(std::make_error_code(std::errc::io_error));
  EXPECT_EQ(log.count("REMINDER_SENT"), 0U) << "not on disk: a power cut could still undo them";
  EXPECT_EQ(log.count("what=reminder-outcomes-sync count=3"), 1U);
}

TEST_F(ReminderDispatcherTest, AtStopTheOutcomesAreLoggedOnceTheStopsSyncSucceeds) {
  const test::CapturedLog log;
  ASSERT_NO_FATAL_FAILURE(send_all_and_write_their_outcomes());
  dispatcher_.stop();
  dispatcher_.stopped({});
  EXPECT_EQ(log.count("REMINDER_SENT"), 3U);
  confirm();  // the confirmation the stop did not wait for
  EXPECT_EQ(log.count("REMINDER_SENT"), 3U) << "logged once";
}

TEST_F(ReminderDispatcherTest, AtStopAFailedSyncLogsTheFailureAndNotTheOutcomes) {
  const test::CapturedLog log;
  ASSERT_NO_FATAL_FAILURE(send_all_and_write_their_outcomes());
  dispatcher_.stop();
  dispatcher_.stopped(std::make_error_code(std::errc::io_error));
  EXPECT_EQ(log.count("what=reminder-outcomes-sync count=3"), 1U);
  confirm();
  EXPECT_EQ(log.count("REMINDER_SENT"), 0U) << "neither at stop nor by a late confirmation";
}

}  // namespace
}  // namespace paminna
