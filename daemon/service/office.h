// The office's records over the control socket: clients, guardians, consents,
// bookings, the audit trail and retention (issue 4; R1–R4, R9, R10, R12).
//
// The methods depend only on an OfficeContext, not on the Daemon, so tests
// drive them through a MethodTable with a real SQLite file and a fake clock
// and no socket (style.md §1). Every mutating method writes its change and its
// audit entry in one transaction. Responses carry UTC and local times; phone
// numbers are masked unless the request says "reveal": true, and the name of
// a client with protected identity likewise.
#pragma once

#include <functional>

#include "config/config.h"
#include "control/method_table.h"
#include "service/auditor.h"
#include "service/clock.h"
#include "service/scheduler.h"
#include "store/client_store.h"
#include "store/sqlite.h"

namespace paminna {

class Daemon;

struct OfficeContext {
  store::Database& db;
  Auditor& auditor;
  const Clock& clock;
  Scheduler& scheduler;
  control::MethodTable& methods;
  std::function<const Config&()> config;  // the running configuration (changes on reload)
};

// client.add/show/update, guardian.add, consent.grant/withdraw/show, audit.list
void register_client_methods(const OfficeContext& office);
// booking.add/move/cancel/reassign/mark/show/list
void register_booking_methods(const OfficeContext& office);

// R9: purges what has passed its retention at `now`; logs RETENTION_PURGED
// with counts only. Throws StoreError (nothing deleted) on failure.
store::PurgeCounts run_retention(store::Database& db, Instant now, int keep_days);
// Schedules the next daily run at retention.run_hour local (scheduler key
// "retention", replacing any earlier plan); each run schedules the next, also
// after a failure (RETENTION_FAILED).
void schedule_retention(const OfficeContext& office);
// retention.run: purge now.
void register_retention_method(const OfficeContext& office);

// Wires all of the above into a started daemon.
void register_office(Daemon& daemon);

}  // namespace paminna
