// Consent history (R2): append-only rows, one per grant or withdrawal, with
// its source, time and who recorded it. Nothing is ever updated or deleted
// here; retention removes a client's history with the client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/client_rules.h"
#include "domain/time.h"
#include "store/sqlite.h"

namespace paminna::store {

struct ConsentEvent {
  std::int64_t id = 0;
  std::int64_t client_id = 0;
  std::optional<std::int64_t> guardian_id;  // empty: the client's own consent
  std::string channel = "sms";
  ConsentEventKind kind = ConsentEventKind::grant;
  std::optional<std::string> source;  // "victim-form", "police-report", "phone", "in-person"
  Instant at{};
  std::optional<std::int64_t> peer_uid;  // who recorded it
  std::optional<std::string> actor;
};

class ConsentStore {
 public:
  explicit ConsentStore(Database& db) : db_(db) {}

  std::int64_t append(const ConsentEvent& event);
  // A client's whole history (client and guardians), oldest first.
  std::vector<ConsentEvent> history(std::int64_t client_id);
  // The state one person's history ends in, for one channel.
  ConsentState state(std::int64_t client_id, std::optional<std::int64_t> guardian_id, const std::string& channel);

 private:
  Database& db_;
};

}  // namespace paminna::store
