#include "store/phone_store.h"

namespace paminna::store {

namespace {

std::int64_t seconds(Instant at) {
  return static_cast<std::int64_t>(at.time_since_epoch().count());
}
Instant instant(std::int64_t s) {
  return Instant{std::chrono::seconds{s}};
}
std::optional<std::int64_t> seconds(const std::optional<Instant>& at) {
  return at ? std::optional<std::int64_t>(seconds(*at)) : std::nullopt;
}
std::optional<Instant> instant(const std::optional<std::int64_t>& s) {
  return s ? std::optional<Instant>(instant(*s)) : std::nullopt;
}

constexpr const char* kOverrideColumns =
    "SELECT id, status, note, set_at, until, peer_uid, actor FROM phone_overrides ";
constexpr const char* kAbsenceColumns =
    "SELECT id, staff, from_at, until, note, set_at, peer_uid, actor FROM staff_absences ";

std::vector<OverrideRecord> read_overrides(Statement& query) {
  std::vector<OverrideRecord> result;
  while (query.step()) {
    OverrideRecord r;
    r.id = query.int64(0);
    // The CHECK constraint admits only valid words; closed is the safe reading of anything else.
    r.value.status = parse_phone_status(query.text(1)).value_or(PhoneStatus::closed);
    r.value.note = query.text(2);
    r.value.set_at = instant(query.int64(3));
    r.value.until = instant(query.int64(4));
    r.set_by = {query.optional_int64(5), query.optional_text(6)};
    result.push_back(std::move(r));
  }
  query.reset();
  return result;
}

std::vector<AbsenceRecord> read_absences(Statement& query) {
  std::vector<AbsenceRecord> result;
  while (query.step()) {
    AbsenceRecord r;
    r.id = query.int64(0);
    r.value.staff = query.text(1);
    r.value.from = instant(query.optional_int64(2));
    r.value.until = instant(query.optional_int64(3));
    r.value.note = query.text(4);
    r.set_at = instant(query.int64(5));
    r.set_by = {query.optional_int64(6), query.optional_text(7)};
    result.push_back(std::move(r));
  }
  query.reset();
  return result;
}

}  // namespace

std::int64_t PhoneStore::set_override(const Override& value, const Who& who, Instant now) {
  db_.cached("UPDATE phone_overrides SET ended_at = ?1, end_reason = 'replaced' WHERE ended_at IS NULL AND until > ?1")
      .bind(1, seconds(now))
      .run();
  db_.cached(
         "INSERT INTO phone_overrides(status, note, set_at, until, peer_uid, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, to_string(value.status))
      .bind(2, value.note)
      .bind(3, seconds(value.set_at))
      .bind(4, seconds(value.until))
      .bind(5, who.peer_uid)
      .bind(6, who.actor)
      .run();
  return db_.last_insert_rowid();
}

int PhoneStore::clear_overrides(Instant now) {
  db_.cached("UPDATE phone_overrides SET ended_at = ?1, end_reason = 'cleared' WHERE ended_at IS NULL AND until > ?1")
      .bind(1, seconds(now))
      .run();
  return db_.changes();
}

std::vector<OverrideRecord> PhoneStore::active_overrides(Instant now) {
  auto& query = db_.cached(std::string(kOverrideColumns) + "WHERE ended_at IS NULL AND until > ?1 ORDER BY set_at, id");
  query.bind(1, seconds(now));
  return read_overrides(query);
}

std::vector<OverrideRecord> PhoneStore::expire_overrides(Instant now) {
  auto& query = db_.cached(std::string(kOverrideColumns) + "WHERE ended_at IS NULL AND until <= ?1 ORDER BY until, id");
  query.bind(1, seconds(now));
  auto expired = read_overrides(query);
  if (!expired.empty()) {
    // Ended at its own until, not at now: it was over then even if the daemon was down.
    db_.cached(
           "UPDATE phone_overrides SET ended_at = until, end_reason = 'expired' WHERE ended_at IS NULL AND until <= ?1")
        .bind(1, seconds(now))
        .run();
  }
  return expired;
}

std::int64_t PhoneStore::set_absence(const Absence& value, const Who& who, Instant now) {
  db_.cached(
         "UPDATE staff_absences SET ended_at = ?1, end_reason = 'replaced' "
         "WHERE staff = ?2 AND ended_at IS NULL AND (until IS NULL OR until > ?1)")
      .bind(1, seconds(now))
      .bind(2, value.staff)
      .run();
  db_.cached(
         "INSERT INTO staff_absences(staff, from_at, until, note, set_at, peer_uid, actor) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind(1, value.staff)
      .bind(2, seconds(value.from))
      .bind(3, seconds(value.until))
      .bind(4, value.note)
      .bind(5, seconds(now))
      .bind(6, who.peer_uid)
      .bind(7, who.actor)
      .run();
  return db_.last_insert_rowid();
}

int PhoneStore::end_absences(const std::string& staff, Instant now) {
  db_.cached(
         "UPDATE staff_absences SET ended_at = ?1, end_reason = 'present' "
         "WHERE staff = ?2 AND ended_at IS NULL AND (until IS NULL OR until > ?1)")
      .bind(1, seconds(now))
      .bind(2, staff)
      .run();
  return db_.changes();
}

std::vector<AbsenceRecord> PhoneStore::active_absences(Instant now) {
  auto& query = db_.cached(std::string(kAbsenceColumns) +
                           "WHERE ended_at IS NULL AND (until IS NULL OR until > ?1) ORDER BY staff, set_at, id");
  query.bind(1, seconds(now));
  return read_absences(query);
}

std::vector<AbsenceRecord> PhoneStore::expire_absences(Instant now) {
  auto& query = db_.cached(std::string(kAbsenceColumns) + "WHERE ended_at IS NULL AND until <= ?1 ORDER BY until, id");
  query.bind(1, seconds(now));
  auto expired = read_absences(query);
  if (!expired.empty()) {
    db_.cached(
           "UPDATE staff_absences SET ended_at = until, end_reason = 'expired' WHERE ended_at IS NULL AND until <= ?1")
        .bind(1, seconds(now))
        .run();
  }
  return expired;
}

}  // namespace paminna::store
