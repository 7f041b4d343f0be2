// Records every change made through the control socket: who (peer uid, staff
// initials), what (method), on what (a subject id, never personal data), when.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "control/method_table.h"
#include "service/clock.h"
#include "store/audit_store.h"

namespace paminna {

class Auditor {
 public:
  Auditor(store::Database& db, const Clock& clock) : db_(db), store_(db), clock_(clock) {}
  // detail must hold no phone number, name or message text. The log line
  // waits for the change's commit: a change that is undone was not made.
  void record(const control::CallContext& context, const std::string& action, const std::string& subject,
              const nlohmann::json& detail = nullptr);
  store::AuditStore& store() { return store_; }

 private:
  store::Database& db_;
  store::AuditStore store_;
  const Clock& clock_;
};

}  // namespace paminna
