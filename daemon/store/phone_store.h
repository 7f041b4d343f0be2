// Manual phone overrides and staff absences (R7), persisted so that they
// survive a restart.
//
// Contract
//  1. A row is *active* at `now` while it has not ended and now < until (an
//     absence without until is active until ended). active_*() return only
//     those; an override whose until passed while the daemon was stopped is
//     simply not returned.
//  2. Rows are never deleted: ending one records when and why (cleared,
//     replaced, present, expired), which with the audit trail tells the story.
//  3. expire_*(now) marks rows whose until has passed as expired and returns
//     them, each exactly once, so the caller can log it once.
//  4. Methods that write two statements do not open a transaction: the caller
//     wraps the change and its audit entry in one (store::Transaction).
// Times are UTC seconds. Not thread-safe (one connection, one loop); failures
// throw StoreError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/phone_schedule.h"
#include "domain/time.h"
#include "store/sqlite.h"

namespace paminna::store {

struct Who {
  std::optional<std::int64_t> peer_uid;
  std::optional<std::string> actor;
};

struct OverrideRecord {
  std::int64_t id = 0;
  Override value;  // status, note, set_at, until
  Who set_by;
};

struct AbsenceRecord {
  std::int64_t id = 0;
  Absence value;  // staff, from, until, note
  Instant set_at;
  Who set_by;
};

class PhoneStore {
 public:
  explicit PhoneStore(Database& db) : db_(db) {}

  // Ends every active override (as replaced) and records this one.
  std::int64_t set_override(const Override& value, const Who& who, Instant now);
  // Ends the active overrides (as cleared); returns how many there were.
  int clear_overrides(Instant now);
  [[nodiscard]] std::vector<OverrideRecord> active_overrides(Instant now);
  std::vector<OverrideRecord> expire_overrides(Instant now);

  // Ends the staff member's active absences (as replaced) and records this one.
  std::int64_t set_absence(const Absence& value, const Who& who, Instant now);
  // Ends the staff member's active absences (as present); returns how many there were.
  int end_absences(const std::string& staff, Instant now);
  [[nodiscard]] std::vector<AbsenceRecord> active_absences(Instant now);
  std::vector<AbsenceRecord> expire_absences(Instant now);

 private:
  Database& db_;
};

}  // namespace paminna::store
