// A whole office day through paminnactl against the real daemon: clients,
// guardians, consents, bookings, moves, cancellations, marks and the audit
// trail (issue 4). The daemon runs on a fake clock starting Monday
// 2026-11-23 09:00 local.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/daemon_process.h"

namespace paminna::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

class OfficeDay : public ::testing::Test {
 protected:
  DaemonProcess daemon;

  void SetUp() override { daemon.start(); }

  // Runs paminnactl as staff member AL and expects success.
  std::string ok(std::vector<std::string> args) {
    args.insert(args.begin(), {"--actor", "AL"});
    const auto r = daemon.ctl(args);
    EXPECT_EQ(r.exit_code, 0) << testing::PrintToString(args) << "\n" << r.err;
    return r.out;
  }
  json ok_json(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    return json::parse(ok(std::move(args)));
  }
  // Expects the daemon to refuse; returns its message.
  std::string refused(const std::vector<std::string>& args) {
    const auto r = daemon.ctl(args);
    EXPECT_EQ(r.exit_code, 1) << testing::PrintToString(args) << "\n" << r.out;
    return r.err;
  }
};

TEST_F(OfficeDay, FromFirstCallToAudit) {
  // Morning: an adult client and a child with two guardians.
  const auto adult =
      ok({"client", "add", "--ref", "K-2026-0042", "--phone", "070-123 45 67", "--lang", "sv", "--born", "1985-04-02"});
  EXPECT_THAT(adult, HasSubstr("+46 70 *** ** 67"));
  EXPECT_THAT(adult, Not(HasSubstr("+46701234567")));
  ok({"client", "add", "--ref", "K-2026-0050", "--lang", "ar", "--born", "2012-05-01"});
  const auto g1 = ok_json({"guardian", "add", "--client", "K-2026-0050", "--phone", "0709876543"})["guardian"];
  ok({"guardian", "add", "--client", "K-2026-0050", "--phone", "073-111 22 33", "--lang", "sv"});
  EXPECT_THAT(refused({"guardian", "add", "--client", "K-2026-0042", "--phone", "0709876543"}), HasSubstr("under 15"));
  EXPECT_THAT(refused({"client", "add", "--ref", "K-2026-0051", "--phone", "040-34 10 00"}),
              HasSubstr("not a mobile number"));

  // Consents (R2, R3).
  ok({"consent", "grant", "--client", "K-2026-0042", "--source", "victim-form"});
  const auto one_guardian = ok({"consent", "grant", "--client", "K-2026-0050", "--guardian",
                                std::to_string(g1.get<int>()), "--source", "police-report"});
  EXPECT_THAT(one_guardian, HasSubstr("1 of 2 guardians consented"));

  // Bookings for Tuesday.
  const auto first =
      ok_json({"booking", "add", "--client", "K-2026-0042", "--at", "2026-11-24 10:00", "--staff", "AL", "--new"});
  const auto first_id = std::to_string(first["booking"]["id"].get<int>());
  EXPECT_TRUE(first["warnings"].empty());
  const auto second = ok({"booking", "add", "--client", "K-2026-0050", "--at", "2026-11-24 10:30", "--staff", "AL",
                          "--new", "--interpreter", "arabiska", "--interpreter-booking", "T-4471"});
  EXPECT_THAT(second, HasSubstr("warning: overlaps booking " + first_id));
  EXPECT_THAT(second, HasSubstr("every guardian must consent"));
  const auto second_id = std::string("2");
  EXPECT_THAT(refused({"booking", "add", "--client", "K-2026-0042", "--at", "2026-11-23 08:00", "--staff", "AL"}),
              HasSubstr("in the past"));
  EXPECT_THAT(refused({"booking", "add", "--client", "K-2026-0042", "--at", "2027-03-28 02:30", "--staff", "AL"}),
              HasSubstr("does not exist"));
  EXPECT_THAT(refused({"booking", "add", "--client", "K-2026-0042", "--at", "2026-10-25 02:30", "--staff", "AL"}),
              HasSubstr("occurs twice"));
  EXPECT_THAT(refused({"booking", "move", "99", "--at", "2026-11-24 11:00"}), HasSubstr("booking 99 not found"));
  EXPECT_THAT(refused({"booking", "add", "--client", "K-2026-9999", "--at", "2026-11-24 11:00", "--staff", "AL"}),
              HasSubstr("client K-2026-9999 not found"));
  const auto far = ok({"booking", "add", "--client", "K-2026-0042", "--at", "2026-12-10 10:00", "--staff", "BK"});
  EXPECT_THAT(far, HasSubstr("warning: the visit is 17 days away"));

  // The calendar for Tuesday, then the child's visit is moved and given to BK.
  const auto tuesday = ok({"booking", "list", "--day", "2026-11-24"});
  EXPECT_THAT(tuesday, HasSubstr("2 bookings"));
  EXPECT_THAT(tuesday, HasSubstr("arabiska (T-4471)"));
  EXPECT_THAT(tuesday, HasSubstr("REMINDER"));
  const auto moved = ok({"booking", "move", second_id, "--at", "2026-11-24 13:00"});
  EXPECT_THAT(moved, HasSubstr("moved from 2026-11-24 10:30"));
  EXPECT_THAT(moved, Not(HasSubstr("overlaps")));
  ok({"booking", "reassign", second_id, "--staff", "BK"});
  const auto bk = ok_json({"booking", "list", "--day", "2026-11-24", "--staff", "BK"})["bookings"];
  ASSERT_EQ(bk.size(), 1U);
  EXPECT_EQ(bk[0]["start_local"], "2026-11-24T13:00");
  EXPECT_EQ(bk[0]["reminder_state"], "scheduled");  // R1: the calendar shows the coming SMS

  // The adult withdraws consent by phone; withdrawing again is refused.
  ok({"consent", "withdraw", "--client", "K-2026-0042", "--source", "phone"});
  EXPECT_THAT(refused({"consent", "withdraw", "--client", "K-2026-0042"}), HasSubstr("already withdrawn"));
  const auto history = ok({"consent", "show", "K-2026-0042"});
  EXPECT_THAT(history, HasSubstr("victim-form"));
  EXPECT_THAT(history, HasSubstr("withdraw"));

  // Tuesday 10:30 local: the first visit happened; the child's visit is cancelled.
  daemon.advance(std::chrono::hours{24} + std::chrono::minutes{90});
  const auto marked = ok({"booking", "mark", first_id, "attended"});
  EXPECT_THAT(marked, HasSubstr("attended"));
  ok({"booking", "cancel", second_id, "--reason", "vårdnadshavare ringde, barnet sjukt"});
  EXPECT_THAT(refused({"booking", "move", second_id, "--at", "2026-11-25 10:00"}), HasSubstr("cancelled"));
  const auto week = ok_json({"booking", "list", "--week", "2026-11-24", "--all"});
  ASSERT_EQ(week["bookings"].size(), 2U);
  EXPECT_EQ(week["bookings"][0]["status"], "attended");
  EXPECT_EQ(week["bookings"][1]["status"], "cancelled");
  EXPECT_EQ(ok_json({"booking", "list", "--week", "2026-11-24"})["bookings"].size(), 1U);

  // The audit trail: who did what, with ids only.
  const auto audit = ok_json({"audit", "list", "--client", "K-2026-0042"})["entries"];
  std::vector<std::string> actions;
  for (const auto& e : audit) {
    actions.push_back(e["action"]);
    EXPECT_EQ(e["actor"], "AL");
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"consent.withdraw", "consent.grant", "client.add"}));
  const auto booking_audit = ok_json({"audit", "list", "--booking", second_id})["entries"];
  ASSERT_EQ(booking_audit.size(), 4U);
  EXPECT_EQ(booking_audit[0]["action"], "booking.cancel");
  const auto table = ok({"audit", "list", "--limit", "5"});
  EXPECT_THAT(table, HasSubstr("booking.cancel"));
  // Operations see each change in the log too, once it is committed (and with ids only).
  EXPECT_THAT(daemon.log(), HasSubstr("CONTROL_CHANGE action=booking.cancel subject=booking:" + second_id + " "));
  const auto everything = ok({"--json", "audit", "list"}) + daemon.log();
  for (const char* secret : {"+46701234567", "123 45 67", "0709876543", "+46709876543", "barnet sjukt"}) {
    EXPECT_THAT(everything, Not(HasSubstr(secret))) << "leaked: " << secret;
  }
}

TEST_F(OfficeDay, ClosedCaseReopensWithinTwoWeeks) {  // R10
  ok({"client", "add", "--ref", "K-2026-0060", "--phone", "0701234567"});
  ok({"client", "update", "K-2026-0060", "--close"});
  daemon.advance(std::chrono::days{10});
  EXPECT_THAT(ok({"client", "add", "--ref", "K-2026-0060"}), HasSubstr("reopened (R10)"));
  ok({"client", "update", "K-2026-0060", "--close"});
  daemon.advance(std::chrono::days{20});
  EXPECT_THAT(refused({"client", "add", "--ref", "K-2026-0060"}), HasSubstr("new case"));
}

TEST_F(OfficeDay, RetentionPurgesAfterTwoYearsWithCountsInTheLog) {  // R9
  ok({"client", "add", "--ref", "K-2026-0070", "--phone", "0701234567"});
  ok({"booking", "add", "--client", "K-2026-0070", "--at", "2026-11-24 10:00", "--staff", "AL"});
  daemon.advance(std::chrono::days{366});  // clock.advance moves at most 400 days at a time
  daemon.advance(std::chrono::days{366});
  EXPECT_THAT(refused({"client", "show", "K-2026-0070"}), HasSubstr("not found"));
  EXPECT_TRUE(daemon.wait_for_log("RETENTION_PURGED"));
  EXPECT_THAT(daemon.log(), HasSubstr("clients=1 guardians=0 consents=0 bookings_anonymised=1"));
  const auto visit = ok_json({"booking", "show", "1"})["booking"];
  EXPECT_TRUE(visit["client"].is_null());
}

}  // namespace
}  // namespace paminna::test
