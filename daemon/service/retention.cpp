// R9: the daily purge of records past their retention.
#include "control/params.h"
#include "domain/client_rules.h"
#include "log/events.h"
#include "service/office.h"
#include "store/callback_store.h"

namespace paminna {

store::PurgeCounts run_retention(store::Database& db, Instant now, int keep_days) {
  const auto cutoff = retention_cutoff(now, keep_days);
  store::ClientStore clients(db);
  auto counts = clients.purge_inactive(cutoff);
  {
    store::Transaction tx(db);
    counts.callback_tasks_anonymised = store::CallbackStore(db).anonymise_closed(cutoff);
    tx.commit();
  }
  // Counts only: what was purged must not reappear in the log.
  log::event(log::Event::RETENTION_PURGED,
             "cutoff={} keep_days={} clients={} guardians={} consents={} "
             "bookings_anonymised={} callback_tasks_anonymised={}",
             format_utc(cutoff), keep_days, counts.clients, counts.guardians, counts.consents,
             counts.bookings_anonymised, counts.callback_tasks_anonymised);
  return counts;
}

void schedule_retention(const OfficeContext& office) {
  const auto& config = office.config();
  const Zone zone(config.office.timezone);
  const auto due = next_daily_run(zone, office.clock.now(), config.retention.run_hour);
  office.scheduler.schedule("retention", due, [office] {
    try {
      run_retention(office.db, office.clock.now(), office.config().retention.keep_days);
    } catch (const std::exception& e) {
      log::event(log::Event::RETENTION_FAILED, "error=\"{}\"", e.what());
    }
    schedule_retention(office);
  });
}

namespace {

nlohmann::json counts_json(const store::PurgeCounts& c) {
  return {{"clients", c.clients},
          {"guardians", c.guardians},
          {"consents", c.consents},
          {"bookings_anonymised", c.bookings_anonymised},
          {"callback_tasks_anonymised", c.callback_tasks_anonymised}};
}

}  // namespace

void register_retention_method(const OfficeContext& office) {
  office.methods.add("retention.run", {"Purge now what has passed its retention (R9); it also runs daily.", true},
                     [office](const control::CallContext& context, const nlohmann::json& params) {
                       control::Params(params).finish();
                       const auto now = office.clock.now();
                       const auto keep_days = office.config().retention.keep_days;
                       const auto counts = run_retention(office.db, now, keep_days);
                       office.auditor.record(context, "retention.run", "", counts_json(counts));
                       auto result = counts_json(counts);
                       result["cutoff_utc"] = format_utc(retention_cutoff(now, keep_days));
                       return result;
                     });
}

}  // namespace paminna
