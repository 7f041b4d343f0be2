#include "store/client_store.h"

namespace paminna::store {

namespace {

std::int64_t seconds(Instant at) {
  return static_cast<std::int64_t>(at.time_since_epoch().count());
}
Instant instant(std::int64_t s) {
  return Instant{std::chrono::seconds{s}};
}
std::optional<Instant> optional_instant(const std::optional<std::int64_t>& s) {
  return s ? std::optional<Instant>(instant(*s)) : std::nullopt;
}
std::optional<std::int64_t> optional_seconds(const std::optional<Instant>& at) {
  return at ? std::optional<std::int64_t>(seconds(*at)) : std::nullopt;
}

constexpr const char* kClientColumns =
    "id, ref, name, phone, language, born, minor_flag, protected, status, closed_at, reopened_at, created_at, "
    "last_contact_at";

ClientRecord read_client(const Statement& s) {
  ClientRecord c;
  c.id = s.int64(0);
  c.ref = s.text(1);
  c.name = s.optional_text(2);
  c.phone = s.optional_text(3);
  c.language = parse_language(s.text(4)).value_or(Language::sv);
  if (const auto born = s.optional_text(5)) {
    if (auto date = parse_date(*born)) {
      c.born = *date;
    }
  }
  c.minor_flag = s.int64(6) != 0;
  c.protected_identity = s.int64(7) != 0;
  c.closed = s.text(8) == "closed";
  c.closed_at = optional_instant(s.optional_int64(9));
  c.reopened_at = optional_instant(s.optional_int64(10));
  c.created_at = instant(s.int64(11));
  c.last_contact_at = instant(s.int64(12));
  return c;
}

GuardianRecord read_guardian(const Statement& s) {
  GuardianRecord g;
  g.id = s.int64(0);
  g.client_id = s.int64(1);
  g.name = s.optional_text(2);
  g.phone = s.text(3);
  g.language = parse_language(s.text(4)).value_or(Language::sv);
  g.created_at = instant(s.int64(5));
  return g;
}

std::optional<ClientRecord> one_client(Statement& query) {
  std::optional<ClientRecord> result;
  if (query.step()) {
    result = read_client(query);
  }
  query.reset();
  return result;
}

std::optional<std::string> born_text(const ClientRecord& c) {
  return c.born ? std::optional<std::string>(format_date(*c.born)) : std::nullopt;
}

std::int64_t count(Database& db, const std::string& sql, std::int64_t cutoff) {
  auto& query = db.cached(sql);
  query.bind(1, cutoff);
  query.step();
  const auto n = query.int64(0);
  query.reset();
  return n;
}

}  // namespace

std::optional<ClientRecord> ClientStore::find_by_ref(const std::string& ref) {
  auto& query = db_.cached(std::string("SELECT ") + kClientColumns + " FROM clients WHERE ref = ?1");
  query.bind(1, ref);
  return one_client(query);
}

std::optional<ClientRecord> ClientStore::find(std::int64_t id) {
  auto& query = db_.cached(std::string("SELECT ") + kClientColumns + " FROM clients WHERE id = ?1");
  query.bind(1, id);
  return one_client(query);
}

std::int64_t ClientStore::insert(const ClientRecord& c) {
  auto& insert = db_.cached(
      "INSERT INTO clients(ref, name, phone, language, born, minor_flag, protected, status, closed_at, reopened_at, "
      "created_at, last_contact_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  insert.bind(1, c.ref)
      .bind(2, c.name)
      .bind(3, c.phone)
      .bind(4, to_string(c.language))
      .bind(5, born_text(c))
      .bind(6, c.minor_flag ? 1 : 0)
      .bind(7, c.protected_identity ? 1 : 0)
      .bind(8, c.closed ? "closed" : "open")
      .bind(9, optional_seconds(c.closed_at))
      .bind(10, optional_seconds(c.reopened_at))
      .bind(11, seconds(c.created_at))
      .bind(12, seconds(c.last_contact_at))
      .run();
  return db_.last_insert_rowid();
}

void ClientStore::update(const ClientRecord& c) {
  auto& update = db_.cached(
      "UPDATE clients SET name = ?2, phone = ?3, language = ?4, born = ?5, minor_flag = ?6, protected = ?7, "
      "status = ?8, closed_at = ?9, reopened_at = ?10, last_contact_at = max(last_contact_at, ?11) WHERE id = ?1");
  update.bind(1, c.id)
      .bind(2, c.name)
      .bind(3, c.phone)
      .bind(4, to_string(c.language))
      .bind(5, born_text(c))
      .bind(6, c.minor_flag ? 1 : 0)
      .bind(7, c.protected_identity ? 1 : 0)
      .bind(8, c.closed ? "closed" : "open")
      .bind(9, optional_seconds(c.closed_at))
      .bind(10, optional_seconds(c.reopened_at))
      .bind(11, seconds(c.last_contact_at))
      .run();
}

void ClientStore::touch(std::int64_t client_id, Instant at) {
  db_.cached("UPDATE clients SET last_contact_at = max(last_contact_at, ?2) WHERE id = ?1")
      .bind(1, client_id)
      .bind(2, seconds(at))
      .run();
}

std::int64_t ClientStore::add_guardian(const GuardianRecord& g) {
  db_.cached("INSERT INTO guardians(client_id, name, phone, language, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, g.client_id)
      .bind(2, g.name)
      .bind(3, g.phone)
      .bind(4, to_string(g.language))
      .bind(5, seconds(g.created_at))
      .run();
  return db_.last_insert_rowid();
}

std::vector<GuardianRecord> ClientStore::guardians(std::int64_t client_id) {
  auto& query = db_.cached(
      "SELECT id, client_id, name, phone, language, created_at FROM guardians WHERE client_id = ?1 ORDER BY id");
  query.bind(1, client_id);
  std::vector<GuardianRecord> result;
  while (query.step()) {
    result.push_back(read_guardian(query));
  }
  query.reset();
  return result;
}

std::optional<GuardianRecord> ClientStore::find_guardian(std::int64_t id) {
  auto& query = db_.cached("SELECT id, client_id, name, phone, language, created_at FROM guardians WHERE id = ?1");
  query.bind(1, id);
  std::optional<GuardianRecord> result;
  if (query.step()) {
    result = read_guardian(query);
  }
  query.reset();
  return result;
}

PurgeCounts ClientStore::purge_inactive(Instant cutoff) {
  const auto c = seconds(cutoff);
  Transaction tx(db_);
  PurgeCounts counts;
  counts.clients = count(db_, "SELECT count(*) FROM clients WHERE last_contact_at < ?1", c);
  if (counts.clients == 0) {
    tx.commit();
    return counts;
  }
  counts.guardians = count(db_,
                           "SELECT count(*) FROM guardians WHERE client_id IN "
                           "(SELECT id FROM clients WHERE last_contact_at < ?1)",
                           c);
  counts.consents = count(db_,
                          "SELECT count(*) FROM consents WHERE client_id IN "
                          "(SELECT id FROM clients WHERE last_contact_at < ?1)",
                          c);
  // Visits stay for the office's statistics, with nothing that leads back to the person.
  db_.cached(
         "UPDATE bookings SET client_id = NULL, interpreter_booking = NULL, cancel_reason = NULL WHERE client_id IN "
         "(SELECT id FROM clients WHERE last_contact_at < ?1)")
      .bind(1, c)
      .run();
  counts.bookings_anonymised = db_.changes();
  // Guardians and consents go with the client (ON DELETE CASCADE).
  db_.cached("DELETE FROM clients WHERE last_contact_at < ?1").bind(1, c).run();
  tx.commit();
  return counts;
}

}  // namespace paminna::store
