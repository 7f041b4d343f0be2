#include "store/audit_store.h"

namespace paminna::store {

std::int64_t AuditStore::record(const AuditEntry& entry) {
  auto& insert =
      db_.cached("INSERT INTO audit(at, peer_uid, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  insert.bind(1, static_cast<std::int64_t>(entry.at.time_since_epoch().count()))
      .bind(2, entry.peer_uid)
      .bind(3, entry.actor)
      .bind(4, entry.action)
      .bind(5, entry.subject)
      .bind(6, entry.detail)
      .run();
  return db_.last_insert_rowid();
}

std::vector<AuditEntry> AuditStore::list(const AuditFilter& filter) {
  auto& query = db_.cached(
      "SELECT id, at, peer_uid, actor, action, subject, detail FROM audit "
      "WHERE (?1 IS NULL OR subject = ?1) AND (?2 IS NULL OR at >= ?2) ORDER BY id DESC LIMIT ?3");
  query.bind(1, filter.subject);
  if (filter.since) {
    query.bind(2, static_cast<std::int64_t>(filter.since->time_since_epoch().count()));
  } else {
    query.bind(2, std::nullopt);
  }
  query.bind(3, filter.limit);
  std::vector<AuditEntry> entries;
  while (query.step()) {
    entries.push_back(AuditEntry{query.int64(0), Instant{std::chrono::seconds{query.int64(1)}}, query.optional_int64(2),
                                 query.optional_text(3), query.text(4), query.optional_text(5),
                                 query.optional_text(6)});
  }
  query.reset();
  return entries;
}

}  // namespace paminna::store
