// Callback and contact tasks, their voicemails and attempts (SQLite; R5, R8).
//
// Contract: times are UTC seconds; a task's phone is E.164 or empty for a
// withheld number. A voicemail's msg_id (Asterisk) is unique: has_voicemail()
// answers whether a message was already registered, across restarts and
// renumbered files. Throws StoreError on database failure. The caller holds
// the transaction that makes a change and its audit entry one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/callback_rules.h"
#include "domain/time.h"
#include "store/sqlite.h"

namespace paminna::store {

struct TaskRecord {
  std::int64_t id = 0;
  TaskKind kind = TaskKind::callback;
  TaskState state = TaskState::open;
  std::optional<std::string> phone;       // E.164; nullopt: withheld
  std::optional<std::string> person_ref;  // contact
  std::optional<std::string> language;    // contact
  std::optional<std::string> owner;
  Instant deadline{};
  Instant opened_at{};
  std::optional<Instant> thinking_since;
  std::optional<Instant> letter_due_since;
  std::optional<Instant> closed_at;
  std::optional<std::string> outcome;
  std::optional<std::string> note;
  std::optional<Instant> last_alert_at;
  std::optional<AlertLevel> last_alert_level;
  Instant updated_at{};
};

struct VoicemailRecord {
  std::int64_t id = 0;
  std::int64_t task_id = 0;
  Instant received_at{};
  std::optional<std::string> mailbox;
  std::optional<std::string> msg_id;
  std::optional<std::string> note;
};

struct AttemptRecord {
  std::int64_t id = 0;
  std::int64_t task_id = 0;
  Instant at{};
  std::string outcome;
  std::optional<std::string> note;
  std::optional<std::string> actor;
};

class CallbackStore {
 public:
  explicit CallbackStore(Database& db) : db_(db) {}

  std::int64_t insert_task(const TaskRecord& task);
  // Writes every field except id, kind and opened_at.
  void update_task(const TaskRecord& task);
  std::optional<TaskRecord> find_task(std::int64_t id);
  // Not closed, by deadline then id.
  std::vector<TaskRecord> open_tasks();
  // The open callback task for a number, if any (the oldest).
  std::optional<TaskRecord> open_callback_for(const std::string& phone);
  // Open tasks owned by `owner`.
  std::vector<TaskRecord> owned_by(const std::string& owner);
  // Every task, newest first, at most `limit`.
  std::vector<TaskRecord> recent_tasks(int limit);

  std::int64_t insert_voicemail(const VoicemailRecord& voicemail, Instant now);
  bool has_voicemail(const std::string& msg_id);
  std::vector<VoicemailRecord> voicemails(std::int64_t task_id);

  std::int64_t insert_attempt(const AttemptRecord& attempt, std::optional<std::int64_t> peer_uid);
  std::vector<AttemptRecord> attempts(std::int64_t task_id);
  int unanswered_attempts(std::int64_t task_id);

  // R9: tasks closed before `cutoff` lose what leads back to the caller (the
  // number, the case reference, the notes of the task, its voicemails and its
  // attempts); returns how many tasks were anonymised. The rows stay: they
  // are the office's statistics, and a voicemail's msg_id keeps an old
  // message still in the spool from coming back as a new task.
  std::int64_t anonymise_closed(Instant cutoff);

 private:
  Database& db_;
};

}  // namespace paminna::store
