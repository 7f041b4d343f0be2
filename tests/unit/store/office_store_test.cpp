// Clients, consents and bookings against a real SQLite file.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <vector>

#include "store/booking_store.h"
#include "store/client_store.h"
#include "store/consent_store.h"
#include "store/open_store.h"
#include "store/reminder_store.h"
#include "support/temp_dir.h"

namespace paminna::store {
namespace {

using namespace std::chrono;

Instant at(const char* text) {
  return *parse_utc(text);
}

class OfficeStoreTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  OpenedStore opened = open_store(dir / "paminna.db", 1000);
  Database& db = *opened.db;
  ClientStore clients{db};
  ConsentStore consents{db};
  BookingStore bookings{db};

  std::int64_t add_client(const std::string& ref, Instant now) {
    ClientRecord c;
    c.ref = ref;
    c.phone = "+46701234567";
    c.language = Language::ar;
    c.born = *parse_date("2013-02-01");
    c.created_at = now;
    c.last_contact_at = now;
    return clients.insert(c);
  }

  std::int64_t add_booking(std::int64_t client, const std::string& staff, Instant start) {
    BookingRecord b;
    b.client_id = client;
    b.staff = staff;
    b.start = start;
    b.minutes = 60;
    b.interpreter_language = "arabiska";
    b.interpreter_booking = "T-991";
    b.created_at = start - days{3};
    b.updated_at = b.created_at;
    return bookings.insert(b);
  }
};

TEST_F(OfficeStoreTest, MigrationCreatesTheTables) {
  EXPECT_GE(opened.migration.to, 2);
  EXPECT_GE(schema_version(db), 2);
}

TEST_F(OfficeStoreTest, ClientRoundTrip) {
  const auto id = add_client("K-2026-0042", at("2026-11-20T08:00:00Z"));
  const auto c = clients.find_by_ref("K-2026-0042");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->id, id);
  EXPECT_EQ(c->phone, "+46701234567");
  EXPECT_EQ(c->language, Language::ar);
  EXPECT_EQ(format_date(*c->born), "2013-02-01");
  EXPECT_FALSE(c->closed);
  EXPECT_FALSE(clients.find_by_ref("K-2026-0043").has_value());
}

TEST_F(OfficeStoreTest, DuplicateReferenceIsRefusedByTheSchema) {
  add_client("K-1", at("2026-11-20T08:00:00Z"));
  EXPECT_THROW(add_client("K-1", at("2026-11-20T08:00:00Z")), StoreError);
}

TEST_F(OfficeStoreTest, LastContactOnlyMovesForward) {  // R9
  const auto id = add_client("K-1", at("2026-11-20T08:00:00Z"));
  clients.touch(id, at("2026-12-01T08:00:00Z"));
  clients.touch(id, at("2026-11-21T08:00:00Z"));
  EXPECT_EQ(clients.find(id)->last_contact_at, at("2026-12-01T08:00:00Z"));
}

TEST_F(OfficeStoreTest, ConsentHistoryIsAppendOnly) {  // R2
  const auto id = add_client("K-1", at("2026-11-20T08:00:00Z"));
  const auto guardian =
      clients.add_guardian({0, id, std::nullopt, "+46709876543", Language::sv, at("2026-11-20T08:00:00Z")});
  EXPECT_EQ(consents.state(id, guardian, "sms"), ConsentState::none);
  consents.append(
      {0, id, guardian, "sms", ConsentEventKind::grant, "victim-form", at("2026-11-20T08:01:00Z"), 1000, "AL"});
  consents.append(
      {0, id, guardian, "sms", ConsentEventKind::withdraw, std::nullopt, at("2026-11-21T08:01:00Z"), 1000, "BK"});
  EXPECT_EQ(consents.state(id, guardian, "sms"), ConsentState::withdrawn);
  // The client's own consent is a different person's history.
  EXPECT_EQ(consents.state(id, std::nullopt, "sms"), ConsentState::none);
  const auto history = consents.history(id);
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[0].kind, ConsentEventKind::grant);
  EXPECT_EQ(history[0].source, "victim-form");
  EXPECT_EQ(history[1].actor, "BK");
}

TEST_F(OfficeStoreTest, BookingsByDayStaffAndClient) {
  const auto a = add_client("K-1", at("2026-11-20T08:00:00Z"));
  const auto b = add_client("K-2", at("2026-11-20T08:00:00Z"));
  add_booking(a, "AL", at("2026-11-24T09:00:00Z"));
  const auto second = add_booking(b, "BK", at("2026-11-24T08:00:00Z"));
  add_booking(b, "AL", at("2026-11-25T09:00:00Z"));
  BookingQuery day{at("2026-11-23T23:00:00Z"), at("2026-11-24T23:00:00Z"), std::nullopt, std::nullopt, false};
  const auto rows = bookings.list(day);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].id, second);  // ordered by start
  day.staff = "AL";
  EXPECT_EQ(bookings.list(day).size(), 1U);
  day.staff.reset();
  day.client_id = b;
  EXPECT_EQ(bookings.list(day).size(), 1U);
}

TEST_F(OfficeStoreTest, CancelledBookingsAreHiddenUnlessAsked) {
  const auto a = add_client("K-1", at("2026-11-20T08:00:00Z"));
  const auto id = add_booking(a, "AL", at("2026-11-24T09:00:00Z"));
  auto b = *bookings.find(id);
  b.status = BookingStatus::cancelled;
  b.cancel_reason = "sick";
  bookings.update(b);
  BookingQuery day{at("2026-11-23T23:00:00Z"), at("2026-11-24T23:00:00Z"), std::nullopt, std::nullopt, false};
  EXPECT_TRUE(bookings.list(day).empty());
  day.include_cancelled = true;
  ASSERT_EQ(bookings.list(day).size(), 1U);
  EXPECT_EQ(bookings.list(day)[0].cancel_reason, "sick");
  EXPECT_TRUE(
      bookings.booked_overlapping("AL", at("2026-11-24T00:00:00Z"), at("2026-11-25T00:00:00Z"), hours{8}).empty());
}

// The overlap check of booking.add reads only the visits that overlap, not
// every visit of the eight hours before (a busy day held 96).
TEST_F(OfficeStoreTest, BookedOverlappingFindsExactlyTheVisitsThatOverlap) {
  const auto a = add_client("K-1", at("2026-11-20T08:00:00Z"));
  add_booking(a, "AL", at("2026-11-24T08:00:00Z"));  // 08:00-09:00: ends at our start
  const auto overlaps_start = add_booking(a, "AL", at("2026-11-24T08:30:00Z"));
  const auto inside = add_booking(a, "AL", at("2026-11-24T09:15:00Z"));
  add_booking(a, "AL", at("2026-11-24T10:00:00Z"));  // starts at our end
  add_booking(a, "BK", at("2026-11-24T09:00:00Z"));  // another staff member
  auto cancelled = *bookings.find(add_booking(a, "AL", at("2026-11-24T09:30:00Z")));
  cancelled.status = BookingStatus::cancelled;
  bookings.update(cancelled);
  auto long_visit = *bookings.find(add_booking(a, "AL", at("2026-11-24T02:00:00Z")));
  long_visit.minutes = 8 * 60;  // 02:00-10:00
  bookings.update(long_visit);

  std::vector<std::int64_t> ids;
  const auto visits =
      bookings.booked_overlapping("AL", at("2026-11-24T09:00:00Z"), at("2026-11-24T10:00:00Z"), hours{8});
  ids.reserve(visits.size());
  for (const auto& v : visits) {
    ids.push_back(v.id);
  }
  ASSERT_EQ(ids, (std::vector<std::int64_t>{long_visit.id, overlaps_start, inside}));
  EXPECT_EQ(visits[0].start, at("2026-11-24T02:00:00Z"));
  EXPECT_EQ(visits[0].length, hours{8});
  EXPECT_EQ(visits[1].start, at("2026-11-24T08:30:00Z"));
  EXPECT_EQ(visits[1].length, std::chrono::minutes{bookings.find(overlaps_start)->minutes});
}

TEST_F(OfficeStoreTest, ReminderStateReadsNoneUntilRemindersExist) {  // R1
  const auto a = add_client("K-1", at("2026-11-20T08:00:00Z"));
  EXPECT_EQ(bookings.find(add_booking(a, "AL", at("2026-11-24T09:00:00Z")))->reminder_state, "none");
}

// The virtual-machine steps a statement of the store took since the last call
// (found among the connection's prepared statements by a piece of its SQL).
int steps_of(Database& db, std::string_view sql_part) {
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s != nullptr; s = sqlite3_next_stmt(db.handle(), s)) {
    if (std::string_view(sqlite3_sql(s)).find(sql_part) != std::string_view::npos) {
      return sqlite3_stmt_status(s, SQLITE_STMTSTATUS_VM_STEP, 1);
    }
  }
  ADD_FAILURE() << "no prepared statement contains " << sql_part;
  return -1;
}

// The dispatcher's claim and its re-arm (after every change over the socket)
// read the earliest waiting reminders only: without the partial index SQLite
// read all 3,000 waiting ones through reminders_state and sorted them, which
// was half of booking.add's time.
TEST_F(OfficeStoreTest, ClaimAndNextDueReadOnlyTheEarliestWaitingReminders) {
  const auto client = add_client("K-1", at("2026-11-20T08:00:00Z"));
  const auto booking = add_booking(client, "AL", at("2026-12-24T09:00:00Z"));
  ReminderStore reminders(db);
  Transaction tx(db);
  for (int i = 0; i < 3000; ++i) {
    ReminderRecord r;
    r.booking_id = booking;
    r.recipient = "client:" + std::to_string(client);
    r.state = i % 3 == 0 ? ReminderState::sent : ReminderState::scheduled;
    r.due = at("2026-12-01T08:00:00Z") + minutes{3000 - i};
    r.visit_start = at("2026-12-24T09:00:00Z");
    r.reference = "r" + std::to_string(i);
    r.created_at = at("2026-11-20T08:00:00Z");
    r.updated_at = r.created_at;
    reminders.insert(r);
  }
  tx.commit();

  EXPECT_EQ(reminders.next_due(), at("2026-12-01T08:01:00Z"));
  EXPECT_LT(steps_of(db, "min(due)"), 100);

  const auto first = reminders.due(at("2026-12-03T08:00:00Z"), 16);
  ASSERT_EQ(first.size(), 16U);
  EXPECT_EQ(first.front().due, at("2026-12-01T08:01:00Z"));
  EXPECT_LT(steps_of(db, "due <= ?1"), 16 * 40);
}

// The reference names the reminder by its id ("pam-<id>") from the first
// write: a placeholder renamed afterwards touched a random page of the
// reference index for every reminder booking.add planned.
TEST_F(OfficeStoreTest, ANewReminderIsNamedByItsIdInItsOnlyWrite) {
  const auto client = add_client("K-1", at("2026-11-20T08:00:00Z"));
  const auto booking = add_booking(client, "AL", at("2026-12-24T09:00:00Z"));
  db.exec(
      "CREATE TEMP TABLE renames(n INTEGER); INSERT INTO renames VALUES (0); "
      "CREATE TEMP TRIGGER count_renames AFTER UPDATE OF reference ON reminders BEGIN "
      "UPDATE renames SET n = n + 1; END;");
  ReminderStore reminders(db);
  auto make = [&] {
    ReminderRecord r;
    r.booking_id = booking;
    r.recipient = "client:" + std::to_string(client);
    r.due = at("2026-12-23T08:00:00Z");
    r.visit_start = at("2026-12-24T09:00:00Z");
    r.created_at = at("2026-11-20T08:00:00Z");
    r.updated_at = r.created_at;
    return r;
  };
  auto first = make();
  auto second = make();
  reminders.insert(first);
  reminders.insert(second);
  EXPECT_EQ(second.id, first.id + 1);
  EXPECT_EQ(second.reference, "pam-" + std::to_string(second.id));
  EXPECT_EQ(reminders.find(second.id)->reference, second.reference);
  auto& renames = db.cached("SELECT n FROM renames");
  ASSERT_TRUE(renames.step());
  EXPECT_EQ(renames.int64(0), 0);
  renames.reset();

  // The id is the one SQLite would have chosen: after rows written by other
  // statements, and after the highest row is gone.
  db.exec(
      "INSERT INTO reminders(id, booking_id, recipient, kind, state, due, visit_start, reference, created_at, "
      "updated_at) VALUES (40, " +
      std::to_string(booking) + ", 'none', 'reminder', 'skipped', 0, 0, 'pam-40', 0, 0)");
  auto third = make();
  reminders.insert(third);
  EXPECT_EQ(third.id, 41);
  db.exec("DELETE FROM reminders WHERE id = 41");
  auto fourth = make();
  reminders.insert(fourth);
  EXPECT_EQ(fourth.id, 41);
  EXPECT_EQ(reminders.find(41)->reference, "pam-41");
}

// status reads the counts by state on every call, also in the middle of a
// 100,000-reminder dispatch: they come from reminder_counts (a handful of
// rows), and the triggers keep them equal to the rows whoever changes them.
TEST_F(OfficeStoreTest, CountsByStateStayExactAndCostAHandfulOfSteps) {
  const auto client = add_client("K-1", at("2026-11-20T08:00:00Z"));
  const auto booking = add_booking(client, "AL", at("2026-12-24T09:00:00Z"));
  ReminderStore reminders(db);
  std::vector<ReminderRecord> rows;
  Transaction tx(db);
  for (int i = 0; i < 2000; ++i) {
    ReminderRecord r;
    r.booking_id = booking;
    r.recipient = "client:" + std::to_string(client);
    r.due = at("2026-12-01T08:00:00Z");
    r.visit_start = at("2026-12-24T09:00:00Z");
    r.reference = "r" + std::to_string(i);
    r.created_at = at("2026-11-20T08:00:00Z");
    r.updated_at = r.created_at;
    reminders.insert(r);
    rows.push_back(r);
  }
  for (std::size_t i = 0; i < 600; ++i) {
    rows[i].state = i % 2 == 0 ? ReminderState::sent : ReminderState::failed;
    reminders.update(rows[i]);
  }
  reminders.update(rows[0]);  // no change of state: counted once
  db.cached("DELETE FROM reminders WHERE id IN (?1, ?2)").bind(1, rows[1].id).bind(2, rows[1999].id).run();
  tx.commit();

  std::map<std::string, std::int64_t> counted;
  auto& scan = db.cached("SELECT state, count(*) FROM reminders GROUP BY state");
  while (scan.step()) {
    counted[scan.text(0)] = scan.int64(1);
  }
  scan.reset();
  const auto kept = reminders.counts_by_state();
  EXPECT_EQ(kept, counted);
  EXPECT_EQ(kept.at("scheduled"), 1399);
  EXPECT_EQ(kept.at("sent"), 300);
  EXPECT_EQ(kept.at("failed"), 299);
  EXPECT_LT(steps_of(db, "reminder_counts WHERE"), 200);
}

// True when SQLite's plan for the prepared statement whose text contains
// `sql_part` opens a temporary b-tree (OpenEphemeral): built and freed on
// every run, it was a quarter of the dispatch's time.
bool builds_temporary_table(Database& db, std::string_view sql_part) {
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s != nullptr; s = sqlite3_next_stmt(db.handle(), s)) {
    const std::string_view sql(sqlite3_sql(s));
    if (sql.find(sql_part) == std::string_view::npos || sql.starts_with("EXPLAIN")) {
      continue;
    }
    auto& plan = db.cached("EXPLAIN " + std::string(sql));
    bool found = false;
    while (plan.step()) {
      found = found || plan.text(1) == "OpenEphemeral";
    }
    plan.reset();
    return found;
  }
  ADD_FAILURE() << "no prepared statement contains " << sql_part;
  return true;
}

// The writes of every reminder the dispatcher claims and records: an
// `x IN ('a', 'b', ...)` CHECK or a DISTINCT here costs a temporary b-tree
// per reminder (migration 8).
TEST_F(OfficeStoreTest, WritingAReminderBuildsNoTemporaryTable) {
  const auto client = add_client("K-1", at("2026-11-20T08:00:00Z"));
  const auto booking = add_booking(client, "AL", at("2026-12-24T09:00:00Z"));
  ReminderStore reminders(db);
  ReminderRecord r;
  r.booking_id = booking;
  r.recipient = "client:" + std::to_string(client);
  r.due = at("2026-12-23T08:00:00Z");
  r.visit_start = at("2026-12-24T09:00:00Z");
  r.reference = "r1";
  r.created_at = at("2026-11-20T08:00:00Z");
  r.updated_at = r.created_at;
  reminders.insert(r);
  r.state = ReminderState::sending;
  reminders.update(r);
  reminders.set_booking_summary(booking);
  ASSERT_EQ(reminders.summary_for_booking(booking), "sending");

  EXPECT_FALSE(builds_temporary_table(db, "INSERT INTO reminders"));
  EXPECT_FALSE(builds_temporary_table(db, "UPDATE reminders SET state"));
  EXPECT_FALSE(builds_temporary_table(db, "SELECT state FROM reminders WHERE booking_id"));
  EXPECT_FALSE(builds_temporary_table(db, "UPDATE bookings SET reminder_state"));
  // The rule itself still holds.
  EXPECT_THROW(db.exec("UPDATE reminders SET state = 'lost' WHERE id = " + std::to_string(r.id)), StoreError);
  EXPECT_THROW(db.exec("UPDATE reminders SET kind = 'other' WHERE id = " + std::to_string(r.id)), StoreError);
}

// The booking list's REMINDER column: what needs a person first, then what is
// under way, then what is done.
TEST_F(OfficeStoreTest, ABookingsReminderSummaryIsItsMostTellingState) {
  const auto client = add_client("K-1", at("2026-11-20T08:00:00Z"));
  ReminderStore reminders(db);
  const std::vector<std::pair<std::vector<ReminderState>, std::string>> cases{
      {{}, "none"},
      {{ReminderState::cancelled, ReminderState::skipped}, "skipped"},
      {{ReminderState::skipped, ReminderState::sent}, "sent"},
      {{ReminderState::sent, ReminderState::scheduled}, "scheduled"},
      {{ReminderState::scheduled, ReminderState::retry}, "retry"},
      {{ReminderState::retry, ReminderState::sending}, "sending"},
      {{ReminderState::sending, ReminderState::held}, "held"},
      {{ReminderState::held, ReminderState::expired}, "expired"},
      {{ReminderState::expired, ReminderState::failed, ReminderState::cancelled}, "failed"},
  };
  int n = 0;
  for (const auto& [states, expected] : cases) {
    const auto booking = add_booking(client, "AL", at("2026-12-24T09:00:00Z") + std::chrono::hours{++n});
    for (const auto state : states) {
      ReminderRecord r;
      r.booking_id = booking;
      r.recipient = "client:" + std::to_string(client);
      r.state = state;
      r.due = at("2026-12-23T08:00:00Z");
      r.visit_start = at("2026-12-24T09:00:00Z");
      r.reference = "r" + std::to_string(n) + std::string(to_string(state));
      r.created_at = at("2026-11-20T08:00:00Z");
      r.updated_at = r.created_at;
      reminders.insert(r);
    }
    reminders.set_booking_summary(booking);
    EXPECT_EQ(reminders.summary_for_booking(booking), expected) << n;
    EXPECT_EQ(bookings.find(booking)->reminder_state, expected) << n;
  }
}

TEST_F(OfficeStoreTest, PurgeRemovesPeopleAndKeepsAnonymousVisits) {  // R9
  const auto old_client = add_client("K-OLD", at("2024-01-10T08:00:00Z"));
  clients.add_guardian({0, old_client, "Namn", "+46709876543", Language::sv, at("2024-01-10T08:00:00Z")});
  consents.append({0, old_client, std::nullopt, "sms", ConsentEventKind::grant, "phone", at("2024-01-10T08:00:00Z"),
                   std::nullopt, std::nullopt});
  const auto old_visit = add_booking(old_client, "AL", at("2024-01-15T09:00:00Z"));
  const auto recent = add_client("K-NEW", at("2026-11-01T08:00:00Z"));
  add_booking(recent, "AL", at("2026-11-24T09:00:00Z"));

  const auto counts = clients.purge_inactive(at("2024-11-24T00:00:00Z"));
  EXPECT_EQ(counts.clients, 1);
  EXPECT_EQ(counts.guardians, 1);
  EXPECT_EQ(counts.consents, 1);
  EXPECT_EQ(counts.bookings_anonymised, 1);
  EXPECT_FALSE(clients.find_by_ref("K-OLD").has_value());
  EXPECT_TRUE(consents.history(old_client).empty());
  const auto visit = bookings.find(old_visit);
  ASSERT_TRUE(visit.has_value());
  EXPECT_FALSE(visit->client_id.has_value());
  EXPECT_FALSE(visit->interpreter_booking.has_value());
  EXPECT_EQ(visit->staff, "AL");
  EXPECT_TRUE(clients.find_by_ref("K-NEW").has_value());
  // Nothing more to do the second time.
  EXPECT_EQ(clients.purge_inactive(at("2024-11-24T00:00:00Z")).clients, 0);
}

}  // namespace
}  // namespace paminna::store
