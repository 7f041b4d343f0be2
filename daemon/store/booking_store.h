// Bookings (SQLite), indexed by start time, by staff member and by client.
//
// Contract: times are UTC seconds; a booking's reminder_state is written by
// the reminder outbox (issue 5) and reads "none" until then. Bookings of a
// purged client keep their row with client_id empty (R9 counts). Throws
// StoreError on database failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/booking_rules.h"
#include "domain/time.h"
#include "store/sqlite.h"

namespace paminna::store {

struct BookingRecord {
  std::int64_t id = 0;
  std::optional<std::int64_t> client_id;  // empty once anonymised by retention
  std::string staff;                      // owning staff member's initials (R4)
  Instant start{};
  int minutes = 60;
  Place place = Place::office;
  bool first_visit = false;  // NY (R4)
  std::optional<std::string> interpreter_language;
  std::optional<std::string> interpreter_booking;
  BookingStatus status = BookingStatus::booked;
  std::optional<std::string> cancel_reason;
  std::string reminder_state = "none";
  Instant created_at{};
  Instant updated_at{};
};

struct BookingQuery {
  Instant from{};  // start_utc >= from
  Instant to{};    // start_utc < to
  std::optional<std::string> staff;
  std::optional<std::int64_t> client_id;
  bool include_cancelled = false;
};

class BookingStore {
 public:
  explicit BookingStore(Database& db) : db_(db) {}

  std::int64_t insert(const BookingRecord& booking);
  std::optional<BookingRecord> find(std::int64_t id);
  // Writes every field except id and created_at.
  void update(const BookingRecord& booking);
  // Ordered by start time, then id.
  std::vector<BookingRecord> list(const BookingQuery& query);
  // Booked (not cancelled or marked) visits of one staff member that overlap
  // [start, end), as times only: what the overlap check of R4 needs. None is
  // longer than `longest`, which bounds the index range to read; rows that end
  // before `start` are left in SQLite, not built.
  std::vector<Visit> booked_overlapping(const std::string& staff, Instant start, Instant end, Duration longest);
  // Its query, for the test of its plan (migration 9 makes it index-only).
  static constexpr const char* kOverlappingSql =
      "SELECT id, start_utc, minutes FROM bookings "
      "WHERE staff = ?1 AND start_utc >= ?2 AND start_utc < ?4 AND start_utc + minutes * 60 > ?3 "
      "AND status = 'booked' ORDER BY start_utc, id";

 private:
  Database& db_;
};

}  // namespace paminna::store
