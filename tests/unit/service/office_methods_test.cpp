// The office's methods driven through the MethodTable with a real SQLite file
// and a fake clock; no socket (style.md §1).
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "service/office.h"
#include "store/callback_store.h"
#include "store/open_store.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

namespace paminna {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

struct Reply {
  json result;
  int code = 0;  // 0: success
  std::string message;
  json data;
};

class OfficeMethodsTest : public ::testing::Test {
 protected:
  // Tuesday 2026-11-24 08:00 local (07:00 UTC).
  test::TempDir dir;
  test::FakeClock clock{*parse_utc("2026-11-24T07:00:00Z")};
  ManualWallTimer timer;
  Scheduler scheduler{clock, timer};
  store::OpenedStore opened = store::open_store(dir / "paminna.db", 1000);
  Auditor auditor{*opened.db, clock};
  control::MethodTable methods;
  Config config = embedded_defaults();
  OfficeContext office{*opened.db, auditor, clock, scheduler, methods, [this]() -> const Config& { return config; }};

  void SetUp() override {
    register_client_methods(office);
    register_booking_methods(office);
    register_retention_method(office);
    schedule_retention(office);
  }

  // By default the peer is this test's user, who is in the daemon's own group (the staff group by default).
  Reply call(const std::string& method, json params, std::optional<std::string> actor = "AL",
             uid_t peer = ::geteuid()) {
    const json request{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
    std::string line;
    control::CallContext context{peer, 42, std::move(actor)};
    methods.dispatch(context, request.dump(), [&](std::string reply) { line = std::move(reply); });
    const auto response = json::parse(line);
    Reply reply;
    if (response.contains("error")) {
      reply.code = response["error"]["code"];
      reply.message = response["error"]["message"];
      reply.data = response["error"].value("data", json());
    } else {
      reply.result = response["result"];
    }
    return reply;
  }

  json ok(const std::string& method, json params) {
    auto reply = call(method, std::move(params));
    EXPECT_EQ(reply.code, 0) << method << ": " << reply.message;
    return reply.result;
  }

  void add_adult(const std::string& ref = "K-2026-0042") {
    ok("client.add", {{"client", ref}, {"phone", "070-123 45 67"}, {"lang", "sv"}, {"born", "1980-03-01"}});
  }
  void add_child(const std::string& ref = "K-2026-0050") {
    ok("client.add", {{"client", ref}, {"lang", "ar"}, {"born", "2012-05-01"}});
  }
  json book(const std::string& at, const std::string& staff = "AL", const std::string& ref = "K-2026-0042") {
    return ok("booking.add", {{"client", ref}, {"at", at}, {"staff", staff}, {"first_visit", true}});
  }
};

TEST_F(OfficeMethodsTest, ClientAddMasksThePhoneUnlessRevealed) {
  const auto added = ok("client.add", {{"client", "K-2026-0042"}, {"phone", "070-123 45 67"}, {"lang", "sv"}});
  EXPECT_TRUE(added["created"].get<bool>());
  EXPECT_EQ(added["client"]["phone"], "+46 70 *** ** 67");
  EXPECT_EQ(ok("client.show", {{"client", "K-2026-0042"}, {"reveal", true}})["client"]["phone"], "+46701234567");
}

TEST_F(OfficeMethodsTest, OnlyTheStaffGroupMayRevealAClientsNumberOrName) {
  ok("client.add", {{"client", "K-2026-0042"}, {"phone", "070-123 45 67"}, {"name", "Sara S"}, {"protected", true}});
  constexpr uid_t kStranger = 4'000'000'000U;  // no such user, so in no group
  for (const char* method : {"client.show", "client.update"}) {
    const auto denied = call(method, {{"client", "K-2026-0042"}, {"reveal", true}}, "AL", kStranger);
    EXPECT_EQ(denied.code, control::error_code::permission_denied) << method;
    EXPECT_THAT(denied.message, HasSubstr("staff group")) << method;
  }
  const auto add =
      call("client.add", {{"client", "K-2026-0099"}, {"phone", "070-123 45 68"}, {"reveal", true}}, "AL", kStranger);
  EXPECT_EQ(add.code, control::error_code::permission_denied);
  EXPECT_EQ(call("client.show", {{"client", "K-2026-0099"}}).code, control::error_code::not_found)
      << "a refused add leaves nothing";
  const auto masked = call("client.show", {{"client", "K-2026-0042"}}, "AL", kStranger);
  EXPECT_EQ(masked.result["client"]["phone"], "+46 70 *** ** 67") << "without reveal, anyone on the socket may look";
}

TEST_F(OfficeMethodsTest, ProtectedIdentityHidesTheNameUnlessRevealed) {
  ok("client.add", {{"client", "K-2026-0077"}, {"name", "Sara S"}, {"protected", true}});
  EXPECT_EQ(ok("client.show", {{"client", "K-2026-0077"}})["client"]["name"], "(protected identity)");
  EXPECT_EQ(ok("client.show", {{"client", "K-2026-0077"}, {"reveal", true}})["client"]["name"], "Sara S");
  // An update that does not mention the flag keeps it.
  EXPECT_TRUE(ok("client.update", {{"client", "K-2026-0077"}, {"lang", "en"}})["client"]["protected"].get<bool>());
}

TEST_F(OfficeMethodsTest, FixedLineAndInvalidNumbersAreRefused) {  // R1
  auto fixed = call("client.add", {{"client", "K-1"}, {"phone", "040-34 10 00"}});
  EXPECT_EQ(fixed.code, control::error_code::invalid_params);
  EXPECT_EQ(fixed.data["field"], "phone");
  EXPECT_THAT(fixed.message, HasSubstr("not a mobile number"));
  auto invalid = call("client.add", {{"client", "K-1"}, {"phone", "12"}});
  EXPECT_EQ(invalid.code, control::error_code::invalid_params);
  EXPECT_THAT(invalid.message, HasSubstr("not a valid phone number"));
}

TEST_F(OfficeMethodsTest, TooLongFieldsAndControlCharactersNameTheField) {
  auto long_name = call("client.add", {{"client", "K-1"}, {"name", std::string(101, 'a')}});
  EXPECT_EQ(long_name.code, control::error_code::invalid_params);
  EXPECT_EQ(long_name.data["field"], "name");
  add_adult();
  const auto booking = book("2026-11-25 10:00");
  auto control_chars = call("booking.cancel", {{"booking", booking["booking"]["id"]}, {"reason", "sjuk\x1b[2J"}});
  EXPECT_EQ(control_chars.code, control::error_code::invalid_params);
  EXPECT_EQ(control_chars.data["field"], "reason");
  EXPECT_THAT(control_chars.message, HasSubstr("control characters"));
  auto bad_ref = call("client.show", {{"client", "K 1;drop"}});
  EXPECT_EQ(bad_ref.data["field"], "client");
  auto unknown = call("client.show", {{"client", "K-2026-0042"}, {"colour", "blue"}});
  EXPECT_EQ(unknown.code, control::error_code::invalid_params);
}

TEST_F(OfficeMethodsTest, UnknownClientAndBookingAreNotFound) {
  auto client = call("client.show", {{"client", "K-2026-9999"}});
  EXPECT_EQ(client.code, control::error_code::not_found);
  EXPECT_THAT(client.message, HasSubstr("K-2026-9999"));
  auto booking = call("booking.show", {{"booking", 4711}});
  EXPECT_EQ(booking.code, control::error_code::not_found);
  EXPECT_THAT(booking.message, HasSubstr("booking 4711"));
  EXPECT_EQ(call("booking.add", {{"client", "K-2026-9999"}, {"at", "2026-11-25 10:00"}, {"staff", "AL"}}).code,
            control::error_code::not_found);
}

TEST_F(OfficeMethodsTest, GuardianOnAnAdultIsRefused) {  // R3
  add_adult();
  auto reply = call("guardian.add", {{"client", "K-2026-0042"}, {"phone", "0709876543"}});
  EXPECT_EQ(reply.code, control::error_code::conflict);
  EXPECT_THAT(reply.message, HasSubstr("under 15"));
}

TEST_F(OfficeMethodsTest, ChildNeedsEveryGuardianToConsent) {  // R3
  add_child();
  const auto g1 = ok("guardian.add", {{"client", "K-2026-0050"}, {"phone", "0709876543"}})["guardian"];
  const auto g2 = ok("guardian.add", {{"client", "K-2026-0050"}, {"phone", "0731112233"}, {"lang", "sv"}})["guardian"];
  ok("consent.grant", {{"client", "K-2026-0050"}, {"guardian", g1}, {"source", "victim-form"}});
  const auto added = ok("booking.add", {{"client", "K-2026-0050"}, {"at", "2026-11-26 10:00"}, {"staff", "AL"}});
  EXPECT_FALSE(added["booking"]["consent_sms"]["complete"].get<bool>());
  EXPECT_EQ(added["booking"]["consent_sms"]["summary"], "child under 15: 1 of 2 guardians consented");
  ASSERT_EQ(added["warnings"].size(), 1U);
  EXPECT_EQ(added["warnings"][0]["code"], "consent_incomplete");
  const auto granted = ok("consent.grant", {{"client", "K-2026-0050"}, {"guardian", g2}, {"source", "phone"}});
  EXPECT_TRUE(granted["complete"].get<bool>());
  EXPECT_TRUE(
      ok("booking.show", {{"booking", added["booking"]["id"]}})["booking"]["consent_sms"]["complete"].get<bool>());
  // A guardian of another client is not found.
  add_adult();
  EXPECT_EQ(call("consent.grant", {{"client", "K-2026-0042"}, {"guardian", g1}, {"source", "phone"}}).code,
            control::error_code::not_found);
}

TEST_F(OfficeMethodsTest, WithdrawnConsentWithdrawnAgainIsAConflict) {  // R2
  add_adult();
  ok("consent.grant", {{"client", "K-2026-0042"}, {"source", "police-report"}});
  ok("consent.withdraw", {{"client", "K-2026-0042"}});
  auto again = call("consent.withdraw", {{"client", "K-2026-0042"}});
  EXPECT_EQ(again.code, control::error_code::conflict);
  EXPECT_THAT(again.message, HasSubstr("already withdrawn"));
  const auto shown = ok("consent.show", {{"client", "K-2026-0042"}});
  ASSERT_EQ(shown["history"].size(), 2U);  // history kept, not overwritten
  EXPECT_EQ(shown["history"][0]["source"], "police-report");
  EXPECT_EQ(shown["history"][1]["event"], "withdraw");
  EXPECT_EQ(shown["history"][1]["actor"], "AL");
  EXPECT_EQ(call("consent.grant", {{"client", "K-2026-0042"}, {"source", "gossip"}}).data["field"], "source");
}

TEST_F(OfficeMethodsTest, BookingInThePastIsRefused) {  // R4
  add_adult();
  auto reply = call("booking.add", {{"client", "K-2026-0042"}, {"at", "2026-11-24 07:59"}, {"staff", "AL"}});
  EXPECT_EQ(reply.code, control::error_code::invalid_params);
  EXPECT_EQ(reply.data["field"], "at");
  EXPECT_THAT(reply.message, HasSubstr("in the past"));
}

TEST_F(OfficeMethodsTest, FarAheadAndOverlapAreWarningsNotRefusals) {  // R4
  add_adult();
  ok("consent.grant", {{"client", "K-2026-0042"}, {"source", "victim-form"}});
  const auto far = book("2026-12-09 10:00");
  ASSERT_EQ(far["warnings"].size(), 1U);
  EXPECT_EQ(far["warnings"][0]["code"], "far_ahead");
  EXPECT_TRUE(book("2026-12-08 10:00")["warnings"].empty());  // exactly 14 days
  const auto first = book("2026-11-25 10:00");
  const auto second = book("2026-11-25 10:30");
  ASSERT_EQ(second["warnings"].size(), 1U);
  EXPECT_EQ(second["warnings"][0]["code"], "overlap");
  EXPECT_THAT(second["warnings"][0]["message"].get<std::string>(),
              HasSubstr(std::to_string(first["booking"]["id"].get<int>())));
  EXPECT_TRUE(book("2026-11-25 10:30", "BK")["warnings"].empty());  // another staff member
}

TEST_F(OfficeMethodsTest, DstGapAndOverlapTimesAreRefused) {
  clock.advance(std::chrono::days{-300});  // spring 2026
  add_adult();
  auto gap = call("booking.add", {{"client", "K-2026-0042"}, {"at", "2026-03-29 02:30"}, {"staff", "AL"}});
  EXPECT_EQ(gap.code, control::error_code::invalid_params);
  EXPECT_EQ(gap.data["field"], "at");
  EXPECT_THAT(gap.message, HasSubstr("does not exist"));
  auto twice = call("booking.add", {{"client", "K-2026-0042"}, {"at", "2026-10-25 02:30"}, {"staff", "AL"}});
  EXPECT_EQ(twice.data["field"], "at");
  EXPECT_THAT(twice.message, HasSubstr("occurs twice"));
}

TEST_F(OfficeMethodsTest, ResponsesCarryUtcAndLocal) {
  add_adult();
  const auto b = book("2026-11-25 10:00")["booking"];
  EXPECT_EQ(b["start_utc"], "2026-11-25T09:00:00Z");
  EXPECT_EQ(b["start_local"], "2026-11-25T10:00");
  EXPECT_EQ(b["end_local"], "2026-11-25T11:00");
  // No consent recorded for this adult: no reminder, and the booking says so (R1).
  EXPECT_EQ(b["reminder_state"], "skipped");
  EXPECT_TRUE(b["first_visit"].get<bool>());
}

TEST_F(OfficeMethodsTest, MoveCancelReassignMark) {
  add_adult();
  const auto id = book("2026-11-25 10:00")["booking"]["id"];
  const auto moved = ok("booking.move", {{"booking", id}, {"at", "2026-11-26 13:00"}});
  EXPECT_EQ(moved["booking"]["start_local"], "2026-11-26T13:00");
  EXPECT_EQ(moved["from_local"], "2026-11-25T10:00");
  EXPECT_EQ(ok("booking.reassign", {{"booking", id}, {"staff", "bk"}})["booking"]["staff"], "BK");
  // Not yet begun: cannot be marked.
  EXPECT_EQ(call("booking.mark", {{"booking", id}, {"outcome", "attended"}}).code, control::error_code::conflict);
  clock.advance(std::chrono::days{3});
  const auto marked = ok("booking.mark", {{"booking", id}, {"outcome", "no-show"}});
  EXPECT_EQ(marked["booking"]["status"], "no-show");
  EXPECT_THAT(marked["follow_up"].get<std::string>(), HasSubstr("R12"));
  // A marked visit cannot be moved or cancelled.
  EXPECT_EQ(call("booking.cancel", {{"booking", id}, {"reason", "x"}}).code, control::error_code::conflict);

  const auto other = book("2026-11-30 10:00")["booking"]["id"];
  EXPECT_EQ(ok("booking.cancel", {{"booking", other}, {"reason", "ringde och lämnade återbud"}})["booking"]["status"],
            "cancelled");
  EXPECT_EQ(call("booking.cancel", {{"booking", other}, {"reason", "again"}}).code, control::error_code::conflict);
}

TEST_F(OfficeMethodsTest, ListByDayWeekAndStaff) {
  add_adult();
  book("2026-11-25 10:00", "AL");
  book("2026-11-25 13:00", "BK");
  book("2026-11-29 09:00", "AL");  // Sunday, same ISO week
  book("2026-11-30 09:00", "AL");  // next week
  EXPECT_EQ(ok("booking.list", {{"day", "2026-11-25"}})["bookings"].size(), 2U);
  EXPECT_EQ(ok("booking.list", {{"day", "2026-11-25"}, {"staff", "bk"}})["bookings"].size(), 1U);
  const auto week = ok("booking.list", {{"week", "2026-11-27"}});
  EXPECT_EQ(week["bookings"].size(), 3U);
  EXPECT_EQ(week["from_local"], "2026-11-23T00:00");
  EXPECT_EQ(ok("booking.list", {{"week", "2026-11-27"}, {"staff", "AL"}})["bookings"].size(), 2U);
  EXPECT_EQ(call("booking.list", {{"day", "2026-11-25"}, {"week", "2026-11-25"}}).code,
            control::error_code::invalid_params);
}

TEST_F(OfficeMethodsTest, ClosedCaseReopensWithinTwoWeeksOnly) {  // R10
  add_adult();
  ok("client.update", {{"client", "K-2026-0042"}, {"status", "closed"}});
  EXPECT_EQ(call("booking.add", {{"client", "K-2026-0042"}, {"at", "2026-11-25 10:00"}, {"staff", "AL"}}).code,
            control::error_code::conflict);
  clock.advance(std::chrono::days{13});
  const auto reopened = ok("client.add", {{"client", "K-2026-0042"}, {"lang", "en"}});
  EXPECT_TRUE(reopened["reopened"].get<bool>());
  EXPECT_EQ(reopened["client"]["status"], "open");
  EXPECT_EQ(reopened["client"]["language"], "en");
  EXPECT_EQ(call("client.add", {{"client", "K-2026-0042"}}).code, control::error_code::conflict);  // already open

  ok("client.update", {{"client", "K-2026-0042"}, {"status", "closed"}});
  clock.advance(std::chrono::days{15});
  auto late = call("client.add", {{"client", "K-2026-0042"}});
  EXPECT_EQ(late.code, control::error_code::conflict);
  EXPECT_THAT(late.message, HasSubstr("new case"));
}

TEST_F(OfficeMethodsTest, AuditTrailHoldsIdsNotPersonalData) {
  ok("client.add", {{"client", "K-2026-0042"}, {"phone", "070-123 45 67"}, {"name", "Anna Andersson"}});
  const auto id = book("2026-11-25 10:00")["booking"]["id"].get<int>();
  ok("booking.cancel", {{"booking", id}, {"reason", "Anna ringde"}});
  ok("client.update", {{"client", "K-2026-0042"}, {"name", "Anna B"}});
  const auto all = ok("audit.list", json::object())["entries"];
  ASSERT_EQ(all.size(), 4U);
  EXPECT_EQ(all[0]["action"], "client.update");  // newest first
  EXPECT_EQ(all[0]["actor"], "AL");
  EXPECT_EQ(all[0]["uid"], ::geteuid());
  EXPECT_EQ(all[0]["detail"]["fields"], json::array({"name"}));
  const auto text = all.dump();
  EXPECT_THAT(text, ::testing::Not(HasSubstr("Anna")));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("123")));
  const auto booking = ok("audit.list", {{"subject", "booking:" + std::to_string(id)}})["entries"];
  ASSERT_EQ(booking.size(), 2U);
  EXPECT_EQ(booking[1]["action"], "booking.add");
  EXPECT_EQ(ok("audit.list", {{"limit", 1}})["entries"].size(), 1U);
  EXPECT_TRUE(ok("audit.list", {{"since", "2026-11-25"}})["entries"].empty());
  EXPECT_EQ(call("audit.list", {{"since", "yesterday"}}).data["field"], "since");
}

TEST_F(OfficeMethodsTest, RetentionRunsDailyAndPurgesAfterTwoYears) {  // R9
  add_adult();
  ok("consent.grant", {{"client", "K-2026-0042"}, {"source", "phone"}});
  const auto id = book("2026-11-25 10:00")["booking"]["id"].get<int>();
  // Next run at 03:00 local tomorrow.
  EXPECT_EQ(scheduler.due("retention"), *parse_utc("2026-11-25T02:00:00Z"));
  // Walk the fake clock two years and a day past the visit, run by run.
  const auto target = *parse_utc("2028-11-25T09:00:00Z") + std::chrono::days{1};
  for (auto next = scheduler.next_due(); next && *next <= target; next = scheduler.next_due()) {
    clock.advance(*next - clock.now());
    timer.advance_to(clock.now());
  }
  EXPECT_EQ(call("client.show", {{"client", "K-2026-0042"}}).code, control::error_code::not_found);
  const auto visit = ok("booking.show", {{"booking", id}})["booking"];
  EXPECT_TRUE(visit["client"].is_null());               // anonymised, still counted
  EXPECT_TRUE(scheduler.due("retention").has_value());  // keeps running
}

TEST_F(OfficeMethodsTest, RetentionKeepsRecentClientsAndReportsCounts) {  // R9
  add_adult();
  book("2026-11-25 10:00");
  const auto counts = ok("retention.run", json::object());
  EXPECT_EQ(counts["clients"], 0);
  clock.advance(std::chrono::days{729});  // 729 days after the visit was booked, < 730 after the visit
  EXPECT_EQ(ok("retention.run", json::object())["clients"], 0);
  clock.advance(std::chrono::days{3});
  const auto purged = ok("retention.run", json::object());
  EXPECT_EQ(purged["clients"], 1);
  EXPECT_EQ(purged["bookings_anonymised"], 1);
  EXPECT_EQ(ok("audit.list", {{"limit", 1}})["entries"][0]["action"], "retention.run");
}

// R9 reaches the callback list too: two years after a task was closed, the
// caller's number and every note about the call are gone; open tasks and
// recently closed ones keep theirs.
TEST_F(OfficeMethodsTest, RetentionAnonymisesCallbackTasksClosedTwoYearsAgo) {  // R9
  store::CallbackStore callbacks(*opened.db);
  const auto task = [&](TaskState state, std::optional<Instant> closed_at) {
    store::TaskRecord t;
    t.state = state;
    t.phone = "+46701234567";
    t.note = "ringde om sin anmälan";
    t.deadline = clock.now() + std::chrono::hours{24};
    t.opened_at = clock.now();
    t.closed_at = closed_at;
    t.updated_at = clock.now();
    const auto id = callbacks.insert_task(t);
    callbacks.insert_voicemail({0, id, clock.now(), "100", "msg-" + std::to_string(id), "uppringare Anna"},
                               clock.now());
    callbacks.insert_attempt({0, id, clock.now(), "no-answer", "lämnade inget", "AL"}, 1000);
    return id;
  };
  const auto old_closed = task(TaskState::closed, clock.now());
  const auto open = task(TaskState::open, std::nullopt);
  clock.advance(std::chrono::days{729});
  const auto recent_closed = task(TaskState::closed, clock.now());
  EXPECT_EQ(ok("retention.run", json::object())["callback_tasks_anonymised"], 0);
  clock.advance(std::chrono::days{2});

  EXPECT_EQ(ok("retention.run", json::object())["callback_tasks_anonymised"], 1);
  const auto gone = callbacks.find_task(old_closed);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->phone);
  EXPECT_FALSE(gone->note);
  EXPECT_FALSE(callbacks.voicemails(old_closed).at(0).note);
  EXPECT_EQ(callbacks.voicemails(old_closed).at(0).msg_id, "msg-" + std::to_string(old_closed))
      << "kept, so the message is never registered again";
  EXPECT_FALSE(callbacks.attempts(old_closed).at(0).note);
  for (const auto kept : {open, recent_closed}) {
    EXPECT_EQ(callbacks.find_task(kept)->phone, "+46701234567");
    EXPECT_TRUE(callbacks.voicemails(kept).at(0).note);
    EXPECT_TRUE(callbacks.attempts(kept).at(0).note);
  }
  EXPECT_EQ(ok("retention.run", json::object())["callback_tasks_anonymised"], 0) << "once is enough";
}

}  // namespace
}  // namespace paminna
