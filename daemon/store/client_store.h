// Clients and their guardians (SQLite). A narrow interface so that another
// backend (PostgreSQL) can implement the same operations.
//
// Contract: times are UTC seconds; a client's `last_contact_at` only moves
// forward (touch()) and is where retention counts from (R9). Personal fields
// (name, phone) are stored for the office's work and never logged by this
// layer. Throws StoreError on database failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/client_rules.h"
#include "domain/time.h"
#include "store/sqlite.h"

namespace paminna::store {

struct ClientRecord {
  std::int64_t id = 0;
  std::string ref;                   // the office's case number, unique
  std::optional<std::string> name;   // display name; personal data
  std::optional<std::string> phone;  // E.164 mobile; personal data
  Language language = Language::sv;
  std::optional<Date> born;
  bool minor_flag = false;  // "under 15" when no date of birth is known
  bool protected_identity = false;
  bool closed = false;
  std::optional<Instant> closed_at;
  std::optional<Instant> reopened_at;
  Instant created_at{};
  Instant last_contact_at{};
};

struct GuardianRecord {
  std::int64_t id = 0;
  std::int64_t client_id = 0;
  std::optional<std::string> name;
  std::string phone;  // E.164 mobile
  Language language = Language::sv;
  Instant created_at{};
};

// What a retention run removed (R9): counts only, for the log.
struct PurgeCounts {
  std::int64_t clients = 0;
  std::int64_t guardians = 0;
  std::int64_t consents = 0;
  std::int64_t bookings_anonymised = 0;
  std::int64_t callback_tasks_anonymised = 0;  // closed callback and contact tasks (CallbackStore)
};

class ClientStore {
 public:
  explicit ClientStore(Database& db) : db_(db) {}

  std::optional<ClientRecord> find_by_ref(const std::string& ref);
  std::optional<ClientRecord> find(std::int64_t id);
  std::int64_t insert(const ClientRecord& client);
  // Writes every field except id, ref and created_at.
  void update(const ClientRecord& client);
  // last_contact_at = max(last_contact_at, at).
  void touch(std::int64_t client_id, Instant at);

  std::int64_t add_guardian(const GuardianRecord& guardian);
  std::vector<GuardianRecord> guardians(std::int64_t client_id);
  std::optional<GuardianRecord> find_guardian(std::int64_t id);

  // R9: deletes clients whose last contact is before `cutoff`, with their
  // guardians and consent history; their bookings stay, anonymised (no
  // client, no interpreter booking number, no cancel reason) so that visit
  // counts remain. One transaction.
  PurgeCounts purge_inactive(Instant cutoff);

 private:
  Database& db_;
};

}  // namespace paminna::store
