#include "service/auditor.h"

#include "log/events.h"

namespace paminna {

void Auditor::record(const control::CallContext& context, const std::string& action, const std::string& subject,
                     const nlohmann::json& detail) {
  store::AuditEntry entry;
  entry.at = clock_.now();
  if (context.peer_uid) {
    entry.peer_uid = static_cast<std::int64_t>(*context.peer_uid);
  }
  entry.actor = context.actor;
  entry.action = action;
  entry.subject = subject.empty() ? std::nullopt : std::optional<std::string>(subject);
  if (!detail.is_null()) {
    entry.detail = detail.dump();
  }
  store_.record(entry);
  db_.after_commit([action, subject, uid = context.peer_uid ? std::to_string(*context.peer_uid) : "-",
                    actor = context.actor.value_or("-")] {
    log::event(log::Event::CONTROL_CHANGE, "action={} subject={} uid={} actor={}", action, subject, uid, actor);
  });
}

}  // namespace paminna
