#include "store/callback_store.h"

namespace paminna::store {

namespace {

std::int64_t seconds(Instant at) {
  return static_cast<std::int64_t>(at.time_since_epoch().count());
}
std::optional<std::int64_t> seconds(const std::optional<Instant>& at) {
  return at ? std::optional<std::int64_t>(seconds(*at)) : std::nullopt;
}
Instant instant(std::int64_t s) {
  return Instant{std::chrono::seconds{s}};
}
std::optional<Instant> instant(const std::optional<std::int64_t>& s) {
  return s ? std::optional<Instant>(instant(*s)) : std::nullopt;
}

constexpr const char* kColumns =
    "SELECT id, kind, state, phone, person_ref, language, owner, deadline, opened_at, thinking_since, "
    "letter_due_since, closed_at, outcome, note, last_alert_at, last_alert_level, updated_at FROM callback_tasks ";

TaskRecord read(const Statement& s) {
  TaskRecord t;
  t.id = s.int64(0);
  t.kind = parse_task_kind(s.text(1)).value_or(TaskKind::callback);
  t.state = parse_task_state(s.text(2)).value_or(TaskState::open);
  t.phone = s.optional_text(3);
  t.person_ref = s.optional_text(4);
  t.language = s.optional_text(5);
  t.owner = s.optional_text(6);
  t.deadline = instant(s.int64(7));
  t.opened_at = instant(s.int64(8));
  t.thinking_since = instant(s.optional_int64(9));
  t.letter_due_since = instant(s.optional_int64(10));
  t.closed_at = instant(s.optional_int64(11));
  t.outcome = s.optional_text(12);
  t.note = s.optional_text(13);
  t.last_alert_at = instant(s.optional_int64(14));
  if (const auto level = s.optional_text(15)) {
    if (auto parsed = parse_alert_level(*level)) {
      t.last_alert_level = *parsed;
    }
  }
  t.updated_at = instant(s.int64(16));
  return t;
}

std::vector<TaskRecord> read_all(Statement& query) {
  std::vector<TaskRecord> result;
  while (query.step()) {
    result.push_back(read(query));
  }
  query.reset();
  return result;
}

std::optional<std::string> level_text(const std::optional<AlertLevel>& level) {
  return level ? std::optional<std::string>(std::string(to_string(*level))) : std::nullopt;
}

}  // namespace

std::int64_t CallbackStore::insert_task(const TaskRecord& t) {
  db_.cached(
         "INSERT INTO callback_tasks(kind, state, phone, person_ref, language, owner, deadline, opened_at, "
         "thinking_since, letter_due_since, closed_at, outcome, note, last_alert_at, last_alert_level, updated_at) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)")
      .bind(1, to_string(t.kind))
      .bind(2, to_string(t.state))
      .bind(3, t.phone)
      .bind(4, t.person_ref)
      .bind(5, t.language)
      .bind(6, t.owner)
      .bind(7, seconds(t.deadline))
      .bind(8, seconds(t.opened_at))
      .bind(9, seconds(t.thinking_since))
      .bind(10, seconds(t.letter_due_since))
      .bind(11, seconds(t.closed_at))
      .bind(12, t.outcome)
      .bind(13, t.note)
      .bind(14, seconds(t.last_alert_at))
      .bind(15, level_text(t.last_alert_level))
      .bind(16, seconds(t.updated_at))
      .run();
  return db_.last_insert_rowid();
}

void CallbackStore::update_task(const TaskRecord& t) {
  db_.cached(
         "UPDATE callback_tasks SET state = ?2, phone = ?3, person_ref = ?4, language = ?5, owner = ?6, "
         "deadline = ?7, thinking_since = ?8, letter_due_since = ?9, closed_at = ?10, outcome = ?11, note = ?12, "
         "last_alert_at = ?13, last_alert_level = ?14, updated_at = ?15 WHERE id = ?1")
      .bind(1, t.id)
      .bind(2, to_string(t.state))
      .bind(3, t.phone)
      .bind(4, t.person_ref)
      .bind(5, t.language)
      .bind(6, t.owner)
      .bind(7, seconds(t.deadline))
      .bind(8, seconds(t.thinking_since))
      .bind(9, seconds(t.letter_due_since))
      .bind(10, seconds(t.closed_at))
      .bind(11, t.outcome)
      .bind(12, t.note)
      .bind(13, seconds(t.last_alert_at))
      .bind(14, level_text(t.last_alert_level))
      .bind(15, seconds(t.updated_at))
      .run();
}

std::optional<TaskRecord> CallbackStore::find_task(std::int64_t id) {
  auto& q = db_.cached(std::string(kColumns) + "WHERE id = ?1");
  q.bind(1, id);
  auto all = read_all(q);
  return all.empty() ? std::nullopt : std::optional<TaskRecord>(std::move(all.front()));
}

std::vector<TaskRecord> CallbackStore::open_tasks() {
  return read_all(db_.cached(std::string(kColumns) + "WHERE state <> 'closed' ORDER BY deadline, id"));
}

std::optional<TaskRecord> CallbackStore::open_callback_for(const std::string& phone) {
  auto& q = db_.cached(std::string(kColumns) +
                       "WHERE phone = ?1 AND kind = 'callback' AND state <> 'closed' ORDER BY id LIMIT 1");
  q.bind(1, phone);
  auto all = read_all(q);
  return all.empty() ? std::nullopt : std::optional<TaskRecord>(std::move(all.front()));
}

std::vector<TaskRecord> CallbackStore::owned_by(const std::string& owner) {
  auto& q = db_.cached(std::string(kColumns) + "WHERE owner = ?1 AND state <> 'closed' ORDER BY id");
  q.bind(1, owner);
  return read_all(q);
}

std::vector<TaskRecord> CallbackStore::recent_tasks(int limit) {
  auto& q = db_.cached(std::string(kColumns) + "ORDER BY id DESC LIMIT ?1");
  q.bind(1, limit);
  return read_all(q);
}

std::int64_t CallbackStore::insert_voicemail(const VoicemailRecord& v, Instant now) {
  db_.cached(
         "INSERT INTO voicemails(task_id, received_at, mailbox, msg_id, note, created_at) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, v.task_id)
      .bind(2, seconds(v.received_at))
      .bind(3, v.mailbox)
      .bind(4, v.msg_id)
      .bind(5, v.note)
      .bind(6, seconds(now))
      .run();
  return db_.last_insert_rowid();
}

bool CallbackStore::has_voicemail(const std::string& msg_id) {
  auto& q = db_.cached("SELECT 1 FROM voicemails WHERE msg_id = ?1");
  q.bind(1, msg_id);
  const bool found = q.step();
  q.reset();
  return found;
}

std::vector<VoicemailRecord> CallbackStore::voicemails(std::int64_t task_id) {
  auto& q = db_.cached(
      "SELECT id, task_id, received_at, mailbox, msg_id, note FROM voicemails WHERE task_id = ?1 ORDER BY "
      "received_at, id");
  q.bind(1, task_id);
  std::vector<VoicemailRecord> result;
  while (q.step()) {
    result.push_back(
        {q.int64(0), q.int64(1), instant(q.int64(2)), q.optional_text(3), q.optional_text(4), q.optional_text(5)});
  }
  q.reset();
  return result;
}

std::int64_t CallbackStore::insert_attempt(const AttemptRecord& a, std::optional<std::int64_t> peer_uid) {
  db_.cached(
         "INSERT INTO callback_attempts(task_id, at, outcome, note, peer_uid, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, a.task_id)
      .bind(2, seconds(a.at))
      .bind(3, a.outcome)
      .bind(4, a.note)
      .bind(5, peer_uid)
      .bind(6, a.actor)
      .run();
  return db_.last_insert_rowid();
}

std::vector<AttemptRecord> CallbackStore::attempts(std::int64_t task_id) {
  auto& q = db_.cached(
      "SELECT id, task_id, at, outcome, note, actor FROM callback_attempts WHERE task_id = ?1 ORDER BY at, id");
  q.bind(1, task_id);
  std::vector<AttemptRecord> result;
  while (q.step()) {
    result.push_back({q.int64(0), q.int64(1), instant(q.int64(2)), q.text(3), q.optional_text(4), q.optional_text(5)});
  }
  q.reset();
  return result;
}

int CallbackStore::unanswered_attempts(std::int64_t task_id) {
  auto& q = db_.cached("SELECT count(*) FROM callback_attempts WHERE task_id = ?1 AND outcome = 'no-answer'");
  q.bind(1, task_id);
  q.step();
  const auto count = static_cast<int>(q.int64(0));
  q.reset();
  return count;
}

std::int64_t CallbackStore::anonymise_closed(Instant cutoff) {
  const auto c = seconds(cutoff);
  constexpr const char* kExpired = "SELECT id FROM callback_tasks WHERE state = 'closed' AND closed_at < ?1";
  db_.cached(std::string("UPDATE voicemails SET note = NULL WHERE note IS NOT NULL AND task_id IN (") + kExpired + ")")
      .bind(1, c)
      .run();
  db_.cached(std::string("UPDATE callback_attempts SET note = NULL WHERE note IS NOT NULL AND task_id IN (") +
             kExpired + ")")
      .bind(1, c)
      .run();
  db_.cached(
         "UPDATE callback_tasks SET phone = NULL, person_ref = NULL, note = NULL WHERE state = 'closed' AND "
         "closed_at < ?1 AND (phone IS NOT NULL OR person_ref IS NOT NULL OR note IS NOT NULL)")
      .bind(1, c)
      .run();
  return db_.changes();
}

}  // namespace paminna::store
