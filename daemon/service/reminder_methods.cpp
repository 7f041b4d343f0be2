// reminder.list/show/retry/resolve/preview, gateway.resume, and the wiring of
// the reminder dispatcher into the daemon (status section, re-arm after changes).
#include <fmt/format.h>

#include "control/params.h"
#include "domain/phone_number.h"
#include "domain/sms_encoding.h"
#include "service/daemon.h"
#include "service/office_common.h"
#include "service/reminder_dispatcher.h"
#include "service/reminder_planner.h"
#include "service/reminder_view.h"
#include "store/booking_store.h"
#include "store/reminder_store.h"

namespace paminna {

using control::CallContext;
using control::Params;
using control::RpcError;
using nlohmann::json;

namespace {

// status calls the gateway unhealthy after failing this long without one accepted send.
constexpr auto kGatewayFailingAlert = std::chrono::minutes{10};

store::ReminderRecord require_reminder(store::ReminderStore& store, std::int64_t id) {
  auto r = store.find(id);
  if (!r) {
    throw RpcError::not_found(fmt::format("reminder {}", id));
  }
  return *r;
}

std::optional<ReminderState> optional_state(Params& p) {
  const auto text = p.optional_enum(
      "state", {"scheduled", "sending", "sent", "retry", "held", "failed", "skipped", "cancelled", "expired"});
  return text ? parse_reminder_state(*text) : std::nullopt;
}

}  // namespace

void register_reminders(Daemon& daemon) {
  auto dispatcher = std::make_shared<ReminderDispatcher>(
      daemon.io(), daemon.db(), daemon.scheduler(), daemon.clock(),
      [&daemon]() -> const Config& { return daemon.config(); }, daemon.gateway(),
      [&daemon](std::function<void(std::error_code)> done) { daemon.confirm_commit(std::move(done)); });
  auto& m = daemon.methods();
  auto& db = daemon.db();
  auto config = [&daemon]() -> const Config& { return daemon.config(); };
  const Clock& clock = daemon.clock();
  Auditor& auditor = daemon.auditor();

  m.add("reminder.list", {"Reminders by state and/or the day of the visit (default: every state, today on).", false},
        [&db, config, &clock](const CallContext&, const json& params) {
          const Zone zone(config().office.timezone);
          Params p(params);
          const auto state = optional_state(p);
          const auto day = p.optional_string("day", 10);
          const auto limit = p.optional_int("limit", 1, 10000).value_or(500);
          p.finish();
          store::ReminderQuery query;
          query.state = state;
          query.limit = static_cast<int>(limit);
          if (day) {
            const auto parsed = parse_local_minutes(*day + " 00:00");
            if (!parsed) {
              throw RpcError::invalid_params("day", "must be a date YYYY-MM-DD");
            }
            const auto first = std::chrono::floor<std::chrono::days>(*parsed);
            query.visit_from = zone.start_of_day(first);
            query.visit_to = zone.start_of_day(first + std::chrono::days{1});
          } else if (!state) {
            query.visit_from = zone.start_of_day(zone.local_day(clock.now()));
          }
          json rows = json::array();
          for (const auto& r : store::ReminderStore(db).list(query)) {
            rows.push_back(reminder_view(zone, r));
          }
          return json{{"reminders", rows}};
        });

  m.add("reminder.show", {"One reminder: state, attempts, provider id, reason.", false},
        [&db, config](const CallContext&, const json& params) {
          Params p(params);
          const auto id = p.required_int("reminder", 1, office::kMaxId);
          p.finish();
          store::ReminderStore store(db);
          return json{{"reminder", reminder_view(Zone(config().office.timezone), require_reminder(store, id))}};
        });

  m.add("reminder.retry", {"Try a failed or expired-too-early reminder again now (if its visit is still ahead).", true},
        [&db, config, &clock, &auditor](const CallContext& context, const json& params) {
          Params p(params);
          const auto id = p.required_int("reminder", 1, office::kMaxId);
          p.finish();
          const auto now = clock.now();
          store::Transaction tx(db);
          store::ReminderStore store(db);
          auto r = require_reminder(store, id);
          if (r.state != ReminderState::failed) {
            throw RpcError::conflict(
                fmt::format("reminder {} is {}, only a failed one can be retried", id, to_string(r.state)));
          }
          if (now >= r.visit_start) {
            throw RpcError::conflict(fmt::format("reminder {}: the visit has begun", id));
          }
          r.state = ReminderState::scheduled;
          r.due = now;
          r.attempts = 0;
          r.reason = "retried by staff";
          r.updated_at = now;
          store.update(r);
          store.set_booking_summary(r.booking_id);
          auditor.record(context, "reminder.retry", fmt::format("reminder:{}", id), json{{"booking", r.booking_id}});
          tx.commit();
          return json{{"reminder", reminder_view(Zone(config().office.timezone), r)}};
        });

  m.add("reminder.resolve",
        {"Settle a held reminder: as sent (the provider has it) or resend (counted as a possible duplicate).", true},
        [&db, config, &clock, &auditor](const CallContext& context, const json& params) {
          Params p(params);
          const auto id = p.required_int("reminder", 1, office::kMaxId);
          const auto as = p.required_enum("as", {"sent", "resend"});
          p.finish();
          const auto now = clock.now();
          store::Transaction tx(db);
          store::ReminderStore store(db);
          auto r = require_reminder(store, id);
          if (r.state != ReminderState::held) {
            throw RpcError::conflict(fmt::format("reminder {} is {}, not held", id, to_string(r.state)));
          }
          if (as == "sent") {
            r.state = ReminderState::sent;
            r.sent_at = now;
            r.reason = "confirmed sent by staff";
          } else {
            r.state = ReminderState::scheduled;
            r.due = now;
            r.possible_duplicate = true;
            r.reason = "resent by staff";
          }
          r.updated_at = now;
          store.update(r);
          store.set_booking_summary(r.booking_id);
          auditor.record(context, "reminder.resolve", fmt::format("reminder:{}", id),
                         json{{"booking", r.booking_id}, {"as", as}});
          tx.commit();
          return json{{"reminder", reminder_view(Zone(config().office.timezone), r)}};
        });

  m.add("reminder.preview",
        {"The text a booking's recipients would get now, with encoding and segments; nothing is sent.", false},
        [&db, config, &clock](const CallContext&, const json& params) {
          Params p(params);
          const auto id = p.required_int("booking", 1, office::kMaxId);
          const auto kind_text = p.optional_enum("kind", {"reminder", "moved", "cancelled"}).value_or("reminder");
          p.finish();
          const auto& c = config();
          const Zone zone(c.office.timezone);
          store::BookingStore bookings(db);
          const auto b = office::require_booking(bookings, id);
          const auto kind = kind_text == "moved"       ? TextKind::moved
                            : kind_text == "cancelled" ? TextKind::cancelled
                                                       : TextKind::reminder;
          json texts = json::array();
          RecipientChoice choice;
          if (b.client_id) {
            choice = choose_recipients(c.reminders.policy, household_for(db, *b.client_id, zone, clock.now()));
          }
          for (const auto& contact : choice.to) {
            const MessageFields fields{zone.to_local(b.start),
                                       c.sms.place(contact.language, std::string(to_string(b.place))), c.office.phone};
            const auto text = render(c.sms.templates->get(contact.language, kind), fields, contact.language);
            const auto length = measure_sms(text);
            texts.push_back({{"recipient", contact.id},
                             {"to", mask_phone(contact.mobile.value_or(""))},
                             {"language", to_string(contact.language)},
                             {"text", text},
                             {"encoding", length && length->encoding == SmsEncoding::gsm7 ? "GSM-7" : "UCS-2"},
                             {"segments", length ? length->segments : 0}});
          }
          const auto plan = plan_reminder(c.reminders.policy, zone, b.start, clock.now());
          return json{{"booking", id},
                      {"kind", kind_text},
                      {"sender", c.sms.sender},
                      {"texts", texts},
                      {"left_out", choice.left_out},
                      {"plan", plan.kind == PlanKind::none ? plan.why
                                                           : "due " + format_local_minutes(zone.to_local(*plan.due))}};
        });

  m.add("gateway.resume", {"Resume sending after the gateway was paused (credentials or credit fixed).", true},
        [dispatcher, &auditor](const CallContext& context, const json& params) {
          Params(params).finish();
          dispatcher->resume();
          auditor.record(context, "gateway.resume", "gateway");
          return json{{"resumed", true}};
        });

  daemon.add_status(
      "reminders", [dispatcher] { return dispatcher->status(); },
      [dispatcher, &db, &clock] {
        std::vector<std::string> problems;
        const auto now = clock.now();
        if (dispatcher->paused()) {
          problems.emplace_back("the SMS gateway is paused (credentials or credit): reminders wait");
        }
        // One failed send is routine (a retry follows); a gateway failing this long needs a person.
        if (const auto since = dispatcher->failing_since(); since && now - *since >= kGatewayFailingAlert) {
          problems.push_back(fmt::format("the SMS gateway has been failing for {} minutes (last: {})",
                                         std::chrono::duration_cast<std::chrono::minutes>(now - *since).count(),
                                         dispatcher->last_failure()));
        }
        store::ReminderStore store(db);
        // failed and held wait for a person (reminder retry/resolve), however old they are.
        // Counted one state at a time through its index: not a scan of the whole outbox.
        for (const auto* state : {"failed", "held"}) {
          if (const auto n = store.count_in_state(state); n > 0) {
            problems.push_back(
                fmt::format("{} reminder(s) {}: see paminnactl reminder list --state {}", n, state, state));
          }
        }
        // expired is final and nothing can be done once the visit began: it is news for a day, not forever.
        if (const auto expired = store.expired_since(now - std::chrono::hours{24}); expired > 0) {
          problems.push_back(fmt::format(
              "{} reminder(s) expired unsent in the last 24 h: see paminnactl reminder list --state expired", expired));
        }
        return problems;
      });
  daemon.add_metrics([dispatcher] { return dispatcher->metrics(); });
  daemon.methods().after_change([dispatcher] { dispatcher->changed(); });
  daemon.on_reload([dispatcher](const Config&) { dispatcher->changed(); });
  daemon.on_stop([dispatcher] { dispatcher->stop(); });
  daemon.on_stop_synced([dispatcher](std::error_code synced) { dispatcher->stopped(synced); });
  dispatcher->start();
}

}  // namespace paminna
