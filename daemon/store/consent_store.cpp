#include "store/consent_store.h"

namespace paminna::store {

std::int64_t ConsentStore::append(const ConsentEvent& e) {
  db_.cached(
         "INSERT INTO consents(client_id, guardian_id, channel, event, source, at, peer_uid, actor) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind(1, e.client_id)
      .bind(2, e.guardian_id)
      .bind(3, e.channel)
      .bind(4, e.kind == ConsentEventKind::grant ? "grant" : "withdraw")
      .bind(5, e.source)
      .bind(6, static_cast<std::int64_t>(e.at.time_since_epoch().count()))
      .bind(7, e.peer_uid)
      .bind(8, e.actor)
      .run();
  return db_.last_insert_rowid();
}

std::vector<ConsentEvent> ConsentStore::history(std::int64_t client_id) {
  auto& query = db_.cached(
      "SELECT id, client_id, guardian_id, channel, event, source, at, peer_uid, actor FROM consents "
      "WHERE client_id = ?1 ORDER BY id");
  query.bind(1, client_id);
  std::vector<ConsentEvent> events;
  while (query.step()) {
    ConsentEvent e;
    e.id = query.int64(0);
    e.client_id = query.int64(1);
    e.guardian_id = query.optional_int64(2);
    e.channel = query.text(3);
    e.kind = query.text(4) == "grant" ? ConsentEventKind::grant : ConsentEventKind::withdraw;
    e.source = query.optional_text(5);
    e.at = Instant{std::chrono::seconds{query.int64(6)}};
    e.peer_uid = query.optional_int64(7);
    e.actor = query.optional_text(8);
    events.push_back(std::move(e));
  }
  query.reset();
  return events;
}

ConsentState ConsentStore::state(std::int64_t client_id, std::optional<std::int64_t> guardian_id,
                                 const std::string& channel) {
  auto& query = db_.cached(
      "SELECT event FROM consents WHERE client_id = ?1 AND guardian_id IS ?2 AND channel = ?3 "
      "ORDER BY id DESC LIMIT 1");
  query.bind(1, client_id).bind(2, guardian_id).bind(3, channel);
  auto state = ConsentState::none;
  if (query.step()) {
    state = query.text(0) == "grant" ? ConsentState::granted : ConsentState::withdrawn;
  }
  query.reset();
  return state;
}

}  // namespace paminna::store
