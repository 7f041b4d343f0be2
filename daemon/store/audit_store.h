// The audit trail: who changed what, when. Append-only from the protocol's side.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/time.h"
#include "store/sqlite.h"

namespace paminna::store {

struct AuditEntry {
  std::int64_t id = 0;
  Instant at;
  std::optional<std::int64_t> peer_uid;
  std::optional<std::string> actor;    // staff initials, when given
  std::string action;                  // the method, "booking.add"
  std::optional<std::string> subject;  // "booking:42"; never a phone number or a name
  std::optional<std::string> detail;   // JSON of the non-personal fields
};

struct AuditFilter {
  std::optional<std::string> subject;
  std::optional<Instant> since;
  int limit = 100;
};

class AuditStore {
 public:
  explicit AuditStore(Database& db) : db_(db) {}
  std::int64_t record(const AuditEntry& entry);
  std::vector<AuditEntry> list(const AuditFilter& filter);

 private:
  Database& db_;
};

}  // namespace paminna::store
