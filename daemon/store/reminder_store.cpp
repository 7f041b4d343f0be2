#include "store/reminder_store.h"

#include <algorithm>
#include <array>

namespace paminna::store {

namespace {

constexpr const char* kColumns =
    "SELECT id, booking_id, recipient, kind, state, due, visit_start, attempts, reference, provider_id, reason, "
    "possible_duplicate, created_at, updated_at, sent_at FROM reminders ";

std::int64_t secs(Instant t) {
  return t.time_since_epoch().count();
}
Instant instant(std::int64_t s) {
  return Instant{std::chrono::seconds{s}};
}

TextKind parse_kind(const std::string& text) {
  if (text == "moved") {
    return TextKind::moved;
  }
  if (text == "cancelled") {
    return TextKind::cancelled;
  }
  return TextKind::reminder;
}

ReminderRecord read(const Statement& s) {
  ReminderRecord r;
  r.id = s.int64(0);
  r.booking_id = s.int64(1);
  r.recipient = s.text(2);
  r.kind = parse_kind(s.text(3));
  r.state = parse_reminder_state(s.text(4)).value_or(ReminderState::failed);
  r.due = instant(s.int64(5));
  r.visit_start = instant(s.int64(6));
  r.attempts = static_cast<int>(s.int64(7));
  r.reference = s.text(8);
  r.provider_id = s.optional_text(9);
  r.reason = s.optional_text(10);
  r.possible_duplicate = s.int64(11) != 0;
  r.created_at = instant(s.int64(12));
  r.updated_at = instant(s.int64(13));
  if (const auto sent = s.optional_int64(14)) {
    r.sent_at = instant(*sent);
  }
  return r;
}

std::vector<ReminderRecord> read_all(Statement& s) {
  std::vector<ReminderRecord> rows;
  while (s.step()) {
    rows.push_back(read(s));
  }
  s.reset();
  return rows;
}

}  // namespace

std::int64_t ReminderStore::insert(ReminderRecord& r) {
  // The reference names the row by its id, so the id is chosen here, as
  // SQLite would choose it (one more than the largest in use), and both are
  // written by one statement. Inserting a random placeholder and renaming it
  // touched a random page of the reference index for every new reminder.
  // Safe because the caller holds the write transaction (every change goes
  // through one connection); an INSERT ... SELECT from the same table would
  // copy through a temporary table.
  auto& next = db_.cached("SELECT coalesce(max(id), 0) + 1 FROM reminders");
  next.step();
  const auto id = next.int64(0);
  next.reset();
  auto& insert = db_.cached(
      "INSERT INTO reminders(id, booking_id, recipient, kind, state, due, visit_start, attempts, reference, "
      "provider_id, reason, possible_duplicate, created_at, updated_at, sent_at) "
      "VALUES (?14, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?15, ?8, ?9, ?10, ?11, ?12, ?13)");
  const auto reference = "pam-" + std::to_string(id);
  insert.bind(14, id).bind(15, reference);
  insert.bind(1, r.booking_id)
      .bind(2, r.recipient)
      .bind(3, to_string(r.kind))
      .bind(4, to_string(r.state))
      .bind(5, secs(r.due))
      .bind(6, secs(r.visit_start))
      .bind(7, r.attempts)
      .bind(8, r.provider_id)
      .bind(9, r.reason)
      .bind(10, r.possible_duplicate ? 1 : 0)
      .bind(11, secs(r.created_at))
      .bind(12, secs(r.updated_at));
  if (r.sent_at) {
    insert.bind(13, secs(*r.sent_at));
  } else {
    insert.bind(13, std::nullopt);
  }
  insert.run();
  r.id = id;
  r.reference = reference;
  return r.id;
}

std::optional<ReminderRecord> ReminderStore::find(std::int64_t id) {
  auto& s = db_.cached(std::string(kColumns) + "WHERE id = ?1");
  s.bind(1, id);
  auto rows = read_all(s);
  if (rows.empty()) {
    return std::nullopt;
  }
  return rows.front();
}

void ReminderStore::update(const ReminderRecord& r) {
  auto& s = db_.cached(
      "UPDATE reminders SET state = ?2, due = ?3, visit_start = ?4, attempts = ?5, provider_id = ?6, reason = ?7, "
      "possible_duplicate = ?8, updated_at = ?9, sent_at = ?10, kind = ?11, recipient = ?12 WHERE id = ?1");
  s.bind(1, r.id)
      .bind(2, to_string(r.state))
      .bind(3, secs(r.due))
      .bind(4, secs(r.visit_start))
      .bind(5, r.attempts)
      .bind(6, r.provider_id)
      .bind(7, r.reason)
      .bind(8, r.possible_duplicate ? 1 : 0)
      .bind(9, secs(r.updated_at));
  if (r.sent_at) {
    s.bind(10, secs(*r.sent_at));
  } else {
    s.bind(10, std::nullopt);
  }
  s.bind(11, to_string(r.kind)).bind(12, r.recipient);
  s.run();
}

std::vector<ReminderRecord> ReminderStore::for_booking(std::int64_t booking_id) {
  auto& s = db_.cached(std::string(kColumns) + "WHERE booking_id = ?1 ORDER BY id");
  s.bind(1, booking_id);
  return read_all(s);
}

std::vector<ReminderRecord> ReminderStore::list(const ReminderQuery& q) {
  auto& s = db_.cached(std::string(kColumns) +
                       "WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR visit_start >= ?2) AND "
                       "(?3 IS NULL OR visit_start < ?3) AND (?4 IS NULL OR booking_id = ?4) "
                       "ORDER BY visit_start, id LIMIT ?5");
  if (q.state) {
    s.bind(1, to_string(*q.state));
  } else {
    s.bind(1, std::nullopt);
  }
  s.bind(2, q.visit_from ? std::optional<std::int64_t>(secs(*q.visit_from)) : std::nullopt)
      .bind(3, q.visit_to ? std::optional<std::int64_t>(secs(*q.visit_to)) : std::nullopt)
      .bind(4, q.booking_id)
      .bind(5, q.limit);
  return read_all(s);
}

// Without ANALYZE statistics SQLite prefers reminders_state for "state IN
// (...)" and then reads every waiting reminder and sorts them, on each claim
// and each re-arm: 52 % of booking.add's time with 8,000 reminders waiting. The
// partial index reminders_due holds exactly the waiting ones, in due order.
std::vector<ReminderRecord> ReminderStore::due(Instant now, int limit) {
  auto& s = db_.cached(std::string(kColumns) + "INDEXED BY reminders_due " +
                       "WHERE state IN ('scheduled', 'retry') AND due <= ?1 ORDER BY due, id LIMIT ?2");
  s.bind(1, secs(now)).bind(2, limit);
  return read_all(s);
}

std::vector<ReminderRecord> ReminderStore::in_state(ReminderState state, int limit) {
  auto& s = db_.cached(std::string(kColumns) + "WHERE state = ?1 ORDER BY id LIMIT ?2");
  s.bind(1, to_string(state)).bind(2, limit);
  return read_all(s);
}

std::optional<Instant> ReminderStore::next_due() {
  auto& s = db_.cached("SELECT min(due) FROM reminders INDEXED BY reminders_due WHERE state IN ('scheduled', 'retry')");
  s.step();
  const auto value = s.optional_int64(0);
  s.reset();
  if (!value) {
    return std::nullopt;
  }
  return instant(*value);
}

int ReminderStore::shift_retries(Duration step) {
  db_.cached("UPDATE reminders SET due = due + ?1 WHERE state = 'retry'").bind(1, step.count()).run();
  return db_.changes();
}

std::map<std::string, std::int64_t> ReminderStore::counts_by_state() {
  auto& s = db_.cached("SELECT state, n FROM reminder_counts WHERE n > 0");  // kept by triggers (migration 7)
  std::map<std::string, std::int64_t> counts;
  while (s.step()) {
    counts[s.text(0)] = s.int64(1);
  }
  s.reset();
  return counts;
}

std::int64_t ReminderStore::expired_since(Instant since) {
  // updated_at is when the row moved to expired: an expired row is never updated again.
  auto& s = db_.cached("SELECT count(*) FROM reminders WHERE state = 'expired' AND updated_at >= ?");
  s.bind(1, secs(since));
  s.step();
  const auto n = s.int64(0);
  s.reset();
  return n;
}

std::optional<Instant> ReminderStore::last_sent() {
  auto& s = db_.cached("SELECT max(sent_at) FROM reminders WHERE sent_at IS NOT NULL");
  s.step();
  const auto at = s.optional_int64(0);
  s.reset();
  return at ? std::optional<Instant>(instant(*at)) : std::nullopt;
}

std::int64_t ReminderStore::count_in_state(std::string_view state) {
  auto& s = db_.cached("SELECT count(*) FROM reminders WHERE state = ?");
  s.bind(1, state).step();
  const auto n = s.int64(0);
  s.reset();
  return n;
}

std::int64_t ReminderStore::possible_duplicates() {
  auto& s = db_.cached("SELECT count(*) FROM reminders WHERE possible_duplicate = 1");
  s.step();
  const auto n = s.int64(0);
  s.reset();
  return n;
}

std::string ReminderStore::summary_for_booking(std::int64_t booking_id) {
  // Most telling first: what needs a person, then what is under way, then what is done.
  constexpr std::array kOrder{"failed",    "expired", "held",    "sending",  "retry",
                              "scheduled", "sent",    "skipped", "cancelled"};
  // Not DISTINCT: that builds a temporary b-tree per call, for a booking's handful of rows.
  auto& s = db_.cached("SELECT state FROM reminders WHERE booking_id = ?1");
  s.bind(1, booking_id);
  std::vector<std::string> states;
  while (s.step()) {
    states.push_back(s.text(0));
  }
  s.reset();
  for (const char* state : kOrder) {
    if (std::find(states.begin(), states.end(), state) != states.end()) {
      return state;
    }
  }
  return "none";
}

void ReminderStore::set_booking_summary(std::int64_t booking_id) {
  db_.cached("UPDATE bookings SET reminder_state = ?2 WHERE id = ?1 AND reminder_state IS NOT ?2")
      .bind(1, booking_id)
      .bind(2, summary_for_booking(booking_id))
      .run();
}

}  // namespace paminna::store
