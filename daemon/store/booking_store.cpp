#include "store/booking_store.h"

namespace paminna::store {

namespace {

std::int64_t seconds(Instant at) {
  return static_cast<std::int64_t>(at.time_since_epoch().count());
}
Instant instant(std::int64_t s) {
  return Instant{std::chrono::seconds{s}};
}

constexpr const char* kColumns =
    "SELECT id, client_id, staff, start_utc, minutes, place, first_visit, interpreter_language, interpreter_booking, "
    "status, cancel_reason, reminder_state, created_at, updated_at FROM bookings ";

BookingRecord read(const Statement& s) {
  BookingRecord b;
  b.id = s.int64(0);
  b.client_id = s.optional_int64(1);
  b.staff = s.text(2);
  b.start = instant(s.int64(3));
  b.minutes = static_cast<int>(s.int64(4));
  b.place = parse_place(s.text(5)).value_or(Place::office);
  b.first_visit = s.int64(6) != 0;
  b.interpreter_language = s.optional_text(7);
  b.interpreter_booking = s.optional_text(8);
  b.status = parse_booking_status(s.text(9)).value_or(BookingStatus::booked);
  b.cancel_reason = s.optional_text(10);
  b.reminder_state = s.text(11);
  b.created_at = instant(s.int64(12));
  b.updated_at = instant(s.int64(13));
  return b;
}

std::vector<BookingRecord> read_all(Statement& query) {
  std::vector<BookingRecord> result;
  while (query.step()) {
    result.push_back(read(query));
  }
  query.reset();
  return result;
}

}  // namespace

std::int64_t BookingStore::insert(const BookingRecord& b) {
  db_.cached(
         "INSERT INTO bookings(client_id, staff, start_utc, minutes, place, first_visit, interpreter_language, "
         "interpreter_booking, status, cancel_reason, reminder_state, created_at, updated_at) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")
      .bind(1, b.client_id)
      .bind(2, b.staff)
      .bind(3, seconds(b.start))
      .bind(4, b.minutes)
      .bind(5, to_string(b.place))
      .bind(6, b.first_visit ? 1 : 0)
      .bind(7, b.interpreter_language)
      .bind(8, b.interpreter_booking)
      .bind(9, to_string(b.status))
      .bind(10, b.cancel_reason)
      .bind(11, b.reminder_state)
      .bind(12, seconds(b.created_at))
      .bind(13, seconds(b.updated_at))
      .run();
  return db_.last_insert_rowid();
}

std::optional<BookingRecord> BookingStore::find(std::int64_t id) {
  auto& query = db_.cached(std::string(kColumns) + "WHERE id = ?1");
  query.bind(1, id);
  std::optional<BookingRecord> result;
  if (query.step()) {
    result = read(query);
  }
  query.reset();
  return result;
}

void BookingStore::update(const BookingRecord& b) {
  db_.cached(
         "UPDATE bookings SET client_id = ?2, staff = ?3, start_utc = ?4, minutes = ?5, place = ?6, first_visit = ?7, "
         "interpreter_language = ?8, interpreter_booking = ?9, status = ?10, cancel_reason = ?11, "
         "reminder_state = ?12, updated_at = ?13 WHERE id = ?1")
      .bind(1, b.id)
      .bind(2, b.client_id)
      .bind(3, b.staff)
      .bind(4, seconds(b.start))
      .bind(5, b.minutes)
      .bind(6, to_string(b.place))
      .bind(7, b.first_visit ? 1 : 0)
      .bind(8, b.interpreter_language)
      .bind(9, b.interpreter_booking)
      .bind(10, to_string(b.status))
      .bind(11, b.cancel_reason)
      .bind(12, b.reminder_state)
      .bind(13, seconds(b.updated_at))
      .run();
}

std::vector<BookingRecord> BookingStore::list(const BookingQuery& q) {
  auto& query = db_.cached(std::string(kColumns) +
                           "WHERE start_utc >= ?1 AND start_utc < ?2 AND (?3 IS NULL OR staff = ?3) "
                           "AND (?4 IS NULL OR client_id = ?4) AND (?5 OR status <> 'cancelled') "
                           "ORDER BY start_utc, id");
  query.bind(1, seconds(q.from))
      .bind(2, seconds(q.to))
      .bind(3, q.staff)
      .bind(4, q.client_id)
      .bind(5, q.include_cancelled ? 1 : 0);
  return read_all(query);
}

std::vector<Visit> BookingStore::booked_overlapping(const std::string& staff, Instant start, Instant end,
                                                    Duration longest) {
  auto& query = db_.cached(kOverlappingSql);
  query.bind(1, staff).bind(2, seconds(start - longest)).bind(3, seconds(start)).bind(4, seconds(end));
  std::vector<Visit> visits;
  while (query.step()) {
    visits.push_back({query.int64(0), instant(query.int64(1)), std::chrono::minutes{query.int64(2)}});
  }
  query.reset();
  return visits;
}

}  // namespace paminna::store
