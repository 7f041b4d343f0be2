// The reminder outbox (SQLite): one row per message to one recipient.
//
// Contract: states follow domain/reminder_state.h. Times are UTC seconds. No
// phone number or message text is stored (I3 of reminder_state.h needs only
// the row). claim_due() moves rows to `sending` in the caller's transaction;
// the caller commits before any request leaves. Throws StoreError.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/reminder_state.h"
#include "domain/template_set.h"
#include "domain/time.h"
#include "store/sqlite.h"

namespace paminna::store {

struct ReminderRecord {
  std::int64_t id = 0;
  std::int64_t booking_id = 0;
  std::string recipient;  // "client:12", "guardian:7", "none"
  TextKind kind = TextKind::reminder;
  ReminderState state = ReminderState::scheduled;
  Instant due{};
  Instant visit_start{};
  int attempts = 0;
  std::string reference;
  std::optional<std::string> provider_id;
  std::optional<std::string> reason;
  bool possible_duplicate = false;
  Instant created_at{};
  Instant updated_at{};
  std::optional<Instant> sent_at;
};

struct ReminderQuery {
  std::optional<ReminderState> state;
  std::optional<Instant> visit_from;  // visit_start >= from
  std::optional<Instant> visit_to;    // visit_start < to
  std::optional<std::int64_t> booking_id;
  int limit = 500;
};

class ReminderStore {
 public:
  explicit ReminderStore(Database& db) : db_(db) {}

  // Inserts and gives the row its reference ("pam-<id>"): unique per reminder, stable across retries.
  std::int64_t insert(ReminderRecord& reminder);
  std::optional<ReminderRecord> find(std::int64_t id);
  void update(const ReminderRecord& reminder);
  std::vector<ReminderRecord> for_booking(std::int64_t booking_id);
  std::vector<ReminderRecord> list(const ReminderQuery& query);
  // Rows in scheduled/retry due at or before `now`, earliest first, at most `limit`.
  std::vector<ReminderRecord> due(Instant now, int limit);
  std::vector<ReminderRecord> in_state(ReminderState state, int limit);
  // The earliest due among scheduled/retry rows (an index lookup).
  std::optional<Instant> next_due();
  // Moves the due time of every reminder waiting to be retried by `step`;
  // returns how many moved. In the caller's transaction.
  int shift_retries(Duration step);
  std::map<std::string, std::int64_t> counts_by_state();
  // Rows in one state, through the state index (status checks, not a full count).
  std::int64_t count_in_state(std::string_view state);
  std::int64_t possible_duplicates();
  // Rows that became expired (never sent before their visit) at or after `since` (health, issue 9).
  std::int64_t expired_since(Instant since);
  // The latest sent_at of any row: the last successful send, also across restarts (metrics).
  std::optional<Instant> last_sent();
  // The booking's calendar note (R1): the most telling state of its rows, "none" without rows.
  std::string summary_for_booking(std::int64_t booking_id);
  void set_booking_summary(std::int64_t booking_id);

 private:
  Database& db_;
};

}  // namespace paminna::store
