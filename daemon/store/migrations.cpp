#include "store/migrations.h"

#include <fmt/format.h>

#include <array>
#include <string>

namespace paminna::store {

namespace {

// Append only: a released migration is never edited. Times are UTC seconds since the epoch.
constexpr std::array kMigrations{
    Migration{1, "audit trail", R"sql(
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  peer_uid INTEGER,
  actor TEXT,
  action TEXT NOT NULL,
  subject TEXT,
  detail TEXT
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_subject ON audit(subject);
)sql"},
    Migration{2, "clients, guardians, consents, bookings", R"sql(
CREATE TABLE clients (
  id INTEGER PRIMARY KEY,
  ref TEXT NOT NULL UNIQUE,          -- the office's case number, "K-2026-0042"
  name TEXT,
  phone TEXT,                        -- E.164 mobile
  language TEXT NOT NULL,
  born TEXT,                         -- YYYY-MM-DD
  minor_flag INTEGER NOT NULL DEFAULT 0,
  protected INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  closed_at INTEGER,
  reopened_at INTEGER,
  created_at INTEGER NOT NULL,
  last_contact_at INTEGER NOT NULL   -- R9: retention counts from here
);
CREATE INDEX clients_last_contact ON clients(last_contact_at);
CREATE TABLE guardians (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  name TEXT,
  phone TEXT NOT NULL,
  language TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX guardians_client ON guardians(client_id);
-- Append-only: a grant and a withdrawal are each a row; the latest row decides.
CREATE TABLE consents (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  guardian_id INTEGER REFERENCES guardians(id) ON DELETE CASCADE,  -- NULL: the client
  channel TEXT NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('grant', 'withdraw')),
  source TEXT,
  at INTEGER NOT NULL,
  peer_uid INTEGER,
  actor TEXT
);
CREATE INDEX consents_person ON consents(client_id, guardian_id, channel, id);
CREATE TABLE bookings (
  id INTEGER PRIMARY KEY,
  client_id INTEGER REFERENCES clients(id) ON DELETE SET NULL,  -- NULL once anonymised (R9)
  staff TEXT NOT NULL,
  start_utc INTEGER NOT NULL,
  minutes INTEGER NOT NULL,
  place TEXT NOT NULL,
  first_visit INTEGER NOT NULL DEFAULT 0,
  interpreter_language TEXT,
  interpreter_booking TEXT,
  status TEXT NOT NULL DEFAULT 'booked',
  cancel_reason TEXT,
  reminder_state TEXT NOT NULL DEFAULT 'none',  -- R1: the calendar note; set by the reminder outbox
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX bookings_start ON bookings(start_utc);
CREATE INDEX bookings_staff_start ON bookings(staff, start_utc);
CREATE INDEX bookings_client_start ON bookings(client_id, start_utc);
)sql"},
    Migration{3, "phone overrides and staff absences", R"sql(
-- R7. A row is active while ended_at IS NULL and now < until; rows are kept for the record.
CREATE TABLE phone_overrides (
  id INTEGER PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed', 'internal')),
  note TEXT NOT NULL,
  set_at INTEGER NOT NULL,
  until INTEGER NOT NULL,
  peer_uid INTEGER,
  actor TEXT,
  ended_at INTEGER,
  end_reason TEXT CHECK (end_reason IN ('cleared', 'replaced', 'expired'))
);
CREATE INDEX phone_overrides_open ON phone_overrides(ended_at, until);
CREATE TABLE staff_absences (
  id INTEGER PRIMARY KEY,
  staff TEXT NOT NULL,
  from_at INTEGER,                   -- NULL: from when it was entered
  until INTEGER,                     -- NULL: until marked present
  note TEXT NOT NULL,
  set_at INTEGER NOT NULL,
  peer_uid INTEGER,
  actor TEXT,
  ended_at INTEGER,
  end_reason TEXT CHECK (end_reason IN ('present', 'replaced', 'expired'))
);
CREATE INDEX staff_absences_open ON staff_absences(ended_at, staff);
)sql"},
    Migration{4, "reminder outbox", R"sql(
-- One row per message to one recipient (reminder_state.h). No phone number and
-- no text is stored: both are read and rendered at send time, so a changed
-- number or a withdrawn consent is honoured and no body outlives its sending.
CREATE TABLE reminders (
  id INTEGER PRIMARY KEY,
  booking_id INTEGER NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
  recipient TEXT NOT NULL,            -- 'client:12', 'guardian:7', or 'none' for a plan without recipients
  kind TEXT NOT NULL CHECK (kind IN ('reminder', 'moved', 'cancelled')),
  state TEXT NOT NULL CHECK (state IN ('scheduled', 'sending', 'sent', 'retry', 'held', 'failed', 'skipped',
                                       'cancelled', 'expired')),
  due INTEGER NOT NULL,               -- next attempt, for scheduled and retry
  visit_start INTEGER NOT NULL,       -- the visit this message is about
  attempts INTEGER NOT NULL DEFAULT 0,
  reference TEXT NOT NULL UNIQUE,     -- our client reference at the gateway
  provider_id TEXT,
  reason TEXT,                        -- why skipped, failed, held, expired or cancelled
  possible_duplicate INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX reminders_due ON reminders(due) WHERE state IN ('scheduled', 'retry');
CREATE INDEX reminders_booking ON reminders(booking_id);
CREATE INDEX reminders_state ON reminders(state);
)sql"},
    Migration{5, "callback and contact tasks, voicemails, attempts", R"sql(
-- R5, R8. A task is open while state <> 'closed'; rows are kept for the record.
CREATE TABLE callback_tasks (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('callback', 'contact')),
  state TEXT NOT NULL CHECK (state IN ('open', 'thinking', 'letter-due', 'closed')),
  phone TEXT,                        -- E.164; NULL: withheld
  person_ref TEXT,                   -- contact: the case reference
  language TEXT,                     -- contact: the letter's language (R11)
  owner TEXT,                        -- staff initials; NULL: the group
  deadline INTEGER NOT NULL,
  opened_at INTEGER NOT NULL,
  thinking_since INTEGER,
  letter_due_since INTEGER,
  closed_at INTEGER,
  outcome TEXT,
  note TEXT,
  last_alert_at INTEGER,
  last_alert_level TEXT CHECK (last_alert_level IN ('due-soon', 'overdue')),
  updated_at INTEGER NOT NULL
);
CREATE INDEX callback_tasks_state_deadline ON callback_tasks(state, deadline);
CREATE INDEX callback_tasks_phone ON callback_tasks(phone, state);
CREATE TABLE voicemails (
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES callback_tasks(id) ON DELETE CASCADE,
  received_at INTEGER NOT NULL,
  mailbox TEXT,
  msg_id TEXT UNIQUE,                -- Asterisk's msg_id: a message is registered once, whatever its file name
  note TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX voicemails_task ON voicemails(task_id);
CREATE TABLE callback_attempts (
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES callback_tasks(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  note TEXT,
  peer_uid INTEGER,
  actor TEXT
);
CREATE INDEX callback_attempts_task ON callback_attempts(task_id);
)sql"},
    // `status` and `metrics` read these on every call; without an index each
    // was a scan of the whole outbox (5 ms per 100,000 reminders, measured in
    // bench/README.md), paid by every paminnactl while a big dispatch runs.
    Migration{6, "indexes for status: possible duplicates, last sent", R"sql(
CREATE INDEX reminders_possible_duplicate ON reminders(possible_duplicate) WHERE possible_duplicate = 1;
CREATE INDEX reminders_sent_at ON reminders(sent_at) WHERE sent_at IS NOT NULL;
)sql"},
    // `status` counted reminders by state with a walk of reminders_state: 8 ms
    // per 100,000 rows, which was most of a status call during a big dispatch.
    // Triggers keep the counts in the same transactions as the rows, so they
    // are exact after any crash, whoever changes a reminder.
    Migration{7, "reminder counts by state, kept by triggers", R"sql(
CREATE TABLE reminder_counts (
  state TEXT PRIMARY KEY,
  n INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO reminder_counts(state, n) VALUES ('scheduled', 0), ('sending', 0), ('sent', 0), ('retry', 0), ('held', 0),
  ('failed', 0), ('skipped', 0), ('cancelled', 0), ('expired', 0);
UPDATE reminder_counts SET n = (SELECT count(*) FROM reminders WHERE reminders.state = reminder_counts.state);
CREATE TRIGGER reminder_counts_insert AFTER INSERT ON reminders BEGIN
  UPDATE reminder_counts SET n = n + 1 WHERE state = NEW.state;
END;
CREATE TRIGGER reminder_counts_delete AFTER DELETE ON reminders BEGIN
  UPDATE reminder_counts SET n = n - 1 WHERE state = OLD.state;
END;
CREATE TRIGGER reminder_counts_update AFTER UPDATE OF state ON reminders WHEN OLD.state IS NOT NEW.state BEGIN
  UPDATE reminder_counts SET n = n - 1 WHERE state = OLD.state;
  UPDATE reminder_counts SET n = n + 1 WHERE state = NEW.state;
END;
)sql"},
    // A CHECK of the form `x IN ('a', 'b', 'c')` builds a temporary b-tree of
    // the list every time a statement checks it: for the state and the kind,
    // twice per reminder written, about a quarter of the dispatch's time
    // (bench/README.md). The same rule as comparisons costs nothing. SQLite
    // cannot change a CHECK in place, so the table is rebuilt (the "12 steps"
    // of https://sqlite.org/lang_altertable.html); the copy keeps every id, and
    // the counts by state stay right because the rows are the same. This is
    // safe with foreign keys on only because no table references reminders:
    // the DROP then deletes nothing first. Done to a parent such as bookings,
    // the DROP would cascade. About 10 s per million reminders; the old
    // table's pages stay in the file as free pages for later writes.
    Migration{8, "reminders: CHECK constraints without temporary tables", R"sql(
CREATE TABLE reminders_new (
  id INTEGER PRIMARY KEY,
  booking_id INTEGER NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
  recipient TEXT NOT NULL,            -- 'client:12', 'guardian:7', or 'none' for a plan without recipients
  kind TEXT NOT NULL CHECK (kind = 'reminder' OR kind = 'moved' OR kind = 'cancelled'),
  state TEXT NOT NULL CHECK (state = 'scheduled' OR state = 'sending' OR state = 'sent' OR state = 'retry'
                             OR state = 'held' OR state = 'failed' OR state = 'skipped' OR state = 'cancelled'
                             OR state = 'expired'),
  due INTEGER NOT NULL,               -- next attempt, for scheduled and retry
  visit_start INTEGER NOT NULL,       -- the visit this message is about
  attempts INTEGER NOT NULL DEFAULT 0,
  reference TEXT NOT NULL UNIQUE,     -- our client reference at the gateway
  provider_id TEXT,
  reason TEXT,                        -- why skipped, failed, held, expired or cancelled
  possible_duplicate INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  sent_at INTEGER
);
INSERT INTO reminders_new (id, booking_id, recipient, kind, state, due, visit_start, attempts, reference, provider_id,
                           reason, possible_duplicate, created_at, updated_at, sent_at)
  SELECT id, booking_id, recipient, kind, state, due, visit_start, attempts, reference, provider_id, reason,
         possible_duplicate, created_at, updated_at, sent_at FROM reminders;
DROP TABLE reminders;
ALTER TABLE reminders_new RENAME TO reminders;
CREATE INDEX reminders_due ON reminders(due) WHERE state IN ('scheduled', 'retry');
CREATE INDEX reminders_booking ON reminders(booking_id);
CREATE INDEX reminders_state ON reminders(state);
CREATE INDEX reminders_possible_duplicate ON reminders(possible_duplicate) WHERE possible_duplicate = 1;
CREATE INDEX reminders_sent_at ON reminders(sent_at) WHERE sent_at IS NOT NULL;
CREATE TRIGGER reminder_counts_insert AFTER INSERT ON reminders BEGIN
  UPDATE reminder_counts SET n = n + 1 WHERE state = NEW.state;
END;
CREATE TRIGGER reminder_counts_delete AFTER DELETE ON reminders BEGIN
  UPDATE reminder_counts SET n = n - 1 WHERE state = OLD.state;
END;
CREATE TRIGGER reminder_counts_update AFTER UPDATE OF state ON reminders WHEN OLD.state IS NOT NEW.state BEGIN
  UPDATE reminder_counts SET n = n - 1 WHERE state = OLD.state;
  UPDATE reminder_counts SET n = n + 1 WHERE state = NEW.state;
END;
)sql"},
    // booking.add's overlap check reads the staff member's visits that start
    // up to the longest visit before the new one. With only (staff, start)
    // in the index SQLite looked each of them up in the table for its length
    // and status: half of the check and a tenth of booking.add in `perf`
    // (bench/README.md). With `minutes` and `status` in the index the check
    // reads the index alone; `id` keeps its ORDER BY without a sort. About
    // 1.3 s per million bookings, once.
    Migration{9, "bookings: the overlap check answered from its index", R"sql(
DROP INDEX bookings_staff_start;
CREATE INDEX bookings_staff_start ON bookings(staff, start_utc, id, minutes, status);
)sql"},
};

// A migration that copies a table (8) fails on a row whose parent is gone,
// which only an edit made with foreign keys off can leave behind. SQLite
// would say only "FOREIGN KEY constraint failed"; this says where.
void refuse_broken_references(Database& db) {
  auto& check = db.cached("PRAGMA foreign_key_check");
  if (check.step()) {
    const auto table = check.text(0);
    const auto row = check.optional_int64(1);
    const auto parent = check.text(2);
    check.reset();
    throw StoreError(fmt::format("database {}: {} row {} refers to a missing {} row, so it cannot be upgraded; "
                                 "run PRAGMA foreign_key_check on a copy, repair it, or restore a backup",
                                 db.path().string(), table, row ? std::to_string(*row) : "?", parent),
                     SQLITE_CONSTRAINT_FOREIGNKEY, "refusing to migrate");
  }
  check.reset();
}

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

int latest_schema_version() {
  return kMigrations.back().version;
}

int schema_version(Database& db) {
  auto& stmt = db.cached("PRAGMA user_version");
  stmt.step();
  const auto version = static_cast<int>(stmt.int64(0));
  stmt.reset();
  return version;
}

MigrationReport migrate(Database& db) {
  const int from = schema_version(db);
  if (from > latest_schema_version()) {
    throw StoreError(fmt::format("database {} has schema version {}, newer than this paminna understands ({}); "
                                 "run the newer paminna or restore a backup made for this version",
                                 db.path().string(), from, latest_schema_version()),
                     SQLITE_ERROR, "refusing to open");
  }
  if (from > 0 && from < latest_schema_version()) {
    refuse_broken_references(db);
  }
  for (const auto& migration : kMigrations) {
    if (migration.version <= from) {
      continue;
    }
    Transaction tx(db);
    db.exec(migration.sql);
    db.exec(fmt::format("PRAGMA user_version = {}", migration.version));
    tx.commit();
  }
  return {from, latest_schema_version()};
}

}  // namespace paminna::store
