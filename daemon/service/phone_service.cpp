#include "service/phone_service.h"

#include <fmt/format.h>

#include <algorithm>

#include "log/events.h"
#include "phone/http_poster.h"
#include "phone/state_file_sink.h"
#include "phone/webhook_sink.h"
#include "service/daemon.h"

namespace paminna {

using nlohmann::json;

namespace {

store::Who who_of(const control::CallContext& context) {
  return {context.peer_uid ? std::optional<std::int64_t>(*context.peer_uid) : std::nullopt, context.actor};
}

std::string local_text(const Zone& zone, const std::optional<Instant>& at) {
  return at ? format_local_minutes(zone.to_local(*at)) : std::string("none");
}

}  // namespace

std::shared_ptr<PhoneService> PhoneService::create(PhoneContext context, PhoneSinkFactory sinks) {
  return std::shared_ptr<PhoneService>(new PhoneService(std::move(context), std::move(sinks)));
}

PhoneService::PhoneService(PhoneContext context, PhoneSinkFactory sinks)
    : context_(std::move(context)),
      factory_(std::move(sinks)),
      zone_(context_.config().office.timezone),
      store_(context_.db) {}

std::vector<std::shared_ptr<phone::PhoneSink>> PhoneService::default_sinks(const PhoneConfig& config) {
  std::vector<std::shared_ptr<phone::PhoneSink>> sinks;
  if (!config.state_file.empty() || !config.status_file.empty()) {
    sinks.push_back(std::make_shared<phone::StateFileSink>(config.state_file, config.status_file));
  }
  if (!config.webhook_url.empty() && context_.transport != nullptr) {
    Scheduler& scheduler = context_.scheduler;
    phone::RetryTimer timer{[&scheduler](std::chrono::seconds after, std::function<void()> task) {
                              scheduler.schedule_after(kWebhookKey, after, std::move(task));
                            },
                            [&scheduler] { scheduler.cancel(kWebhookKey); }};
    sinks.push_back(phone::WebhookSink::create(config.webhook_url,
                                               std::make_unique<phone::TransportPoster>(*context_.transport),
                                               std::move(timer), config.webhook_retry_max));
  }
  return sinks;
}

void PhoneService::start() {
  sinks_ = factory_ ? factory_(phone_config()) : default_sinks(phone_config());
  // The next recompute was planned from the old wall time: after a step back
  // the published state would stay the later time's until that moment came.
  // Planned for now, it runs right after the listeners, with its retry if the store fails.
  std::weak_ptr<PhoneService> weak = weak_from_this();
  context_.scheduler.add_step_listener([weak](Duration) {
    if (auto self = weak.lock()) {
      self->schedule_recompute(self->now());
    }
  });
  recompute(true);
}

void PhoneService::reload() {
  // Sinks first: a webhook with a pending retry is dropped with its old URL.
  sinks_.clear();
  sinks_ = factory_ ? factory_(phone_config()) : default_sinks(phone_config());
  recompute(true);
}

std::vector<store::OverrideRecord> PhoneService::active_overrides() {
  return store_.active_overrides(now());
}
std::vector<store::AbsenceRecord> PhoneService::active_absences() {
  return store_.active_absences(now());
}

std::vector<Override> PhoneService::overrides(Instant at) {
  std::vector<Override> values;
  for (auto& record : store_.active_overrides(at)) {
    values.push_back(std::move(record.value));
  }
  return values;
}

Presence PhoneService::presence(Instant at) {
  Presence presence{phone_config().roster, {}};
  for (auto& record : store_.active_absences(at)) {
    presence.absences.push_back(std::move(record.value));
  }
  return presence;
}

void PhoneService::expire(Instant at) {
  for (const auto& expired : store_.expire_overrides(at)) {
    // The note is the staff's free text: not logged.
    log::event(log::Event::PHONE_OVERRIDE_EXPIRED, "override={} status={} until={}", expired.id,
               to_string(expired.value.status), format_utc(expired.value.until));
  }
  for (const auto& expired : store_.expire_absences(at)) {
    log::event(log::Event::STAFF_PRESENT, "staff={} why=expired until={}", expired.value.staff,
               format_utc(*expired.value.until));
  }
}

void PhoneService::recompute(bool publish_anyway) {
  const auto at = now();
  expire(at);
  const auto active = overrides(at);
  const auto people = presence(at);
  auto state = compute_phone_state(phone_config().schedule, zone_, active, people, at);

  if (!current_ || current_->status != state.status || current_->reason != state.reason) {
    const auto from = current_ ? fmt::format("{}/{}", to_string(current_->status), to_string(current_->reason))
                               : std::string("start");
    log::event(log::Event::PHONE_STATE_CHANGED, "from={} to={} reason={} next={} next_status={}", from,
               to_string(state.status), to_string(state.reason),
               local_text(zone_, state.next ? std::optional<Instant>(state.next->at) : std::nullopt),
               state.next ? to_string(state.next->status) : std::string_view("none"));
  }
  auto publication = phone::make_publication(state, zone_, context_.config().office.name, at);
  auto comparable = publication.document;
  comparable.erase("updated_utc");
  if (publish_anyway || comparable != published_) {
    for (const auto& sink : sinks_) {
      sink->publish(publication);
    }
    published_ = std::move(comparable);
  }
  arm(at, state);
  current_ = std::move(state);
  for (const auto& listener : listeners_) {
    listener();
  }
}

void PhoneService::arm(Instant at, const PhoneState& state) {
  // Nothing changes within the look-ahead: look again then, so nothing is missed.
  Instant due = at + phone_look_ahead;
  if (state.next) {
    due = std::min(due, state.next->at);
  }
  // Absences and overrides that begin or end without changing (status, reason)
  // still change the published list of available staff.
  auto consider = [&](const std::optional<Instant>& t) {
    if (t && *t > at) {
      due = std::min(due, *t);
    }
  };
  for (const auto& record : store_.active_absences(at)) {
    consider(record.value.from);
    consider(record.value.until);
  }
  for (const auto& record : store_.active_overrides(at)) {
    consider(record.value.until);
  }
  schedule_recompute(due);
}

void PhoneService::schedule_recompute(Instant due) {
  context_.scheduler.schedule(kNextKey, due, recompute_task());
}

Scheduler::Task PhoneService::recompute_task() {
  std::weak_ptr<PhoneService> weak = weak_from_this();
  return [weak] {
    auto self = weak.lock();
    if (!self) {
      return;
    }
    try {
      self->recompute(false);
    } catch (...) {
      // A failing store must not leave the phone unwatched: look again in a minute.
      // The scheduler logs the failure (SCHEDULER_TASK_FAILED).
      self->context_.scheduler.schedule_after(kNextKey, std::chrono::minutes{1}, self->recompute_task());
      throw;
    }
  };
}

void PhoneService::set_override(const control::CallContext& who, PhoneStatus status, Instant until, std::string note) {
  const auto at = now();
  const Override value{status, std::move(note), at, until};
  {
    store::Transaction tx(context_.db);
    const auto id = store_.set_override(value, who_of(who), at);
    context_.auditor.record(who, "phone.set", "phone",
                            json{{"override", id}, {"status", to_string(status)}, {"until_utc", format_utc(until)}});
    tx.commit();
    log::event(log::Event::PHONE_OVERRIDE_SET, "override={} status={} until={} actor={}", id, to_string(status),
               format_utc(until), who.actor.value_or("-"));
  }
  recompute(false);
}

bool PhoneService::clear_override(const control::CallContext& who) {
  int cleared = 0;
  {
    store::Transaction tx(context_.db);
    cleared = store_.clear_overrides(now());
    if (cleared > 0) {
      context_.auditor.record(who, "phone.clear", "phone", json{{"cleared", cleared}});
    }
    tx.commit();
  }
  if (cleared > 0) {
    log::event(log::Event::PHONE_OVERRIDE_CLEARED, "count={} actor={}", cleared, who.actor.value_or("-"));
    recompute(false);
  }
  return cleared > 0;
}

void PhoneService::set_absent(const control::CallContext& who, Absence absence) {
  const auto at = now();
  {
    store::Transaction tx(context_.db);
    store_.set_absence(absence, who_of(who), at);
    json detail{{"until_utc", absence.until ? json(format_utc(*absence.until)) : json(nullptr)}};
    if (absence.from) {
      detail["from_utc"] = format_utc(*absence.from);
    }
    context_.auditor.record(who, "staff.absent", "staff:" + absence.staff, detail);
    tx.commit();
  }
  log::event(log::Event::STAFF_ABSENT, "staff={} until={} actor={}", absence.staff,
             absence.until ? format_utc(*absence.until) : std::string("present"), who.actor.value_or("-"));
  recompute(false);
}

bool PhoneService::set_present(const control::CallContext& who, const std::string& staff) {
  int ended = 0;
  {
    store::Transaction tx(context_.db);
    ended = store_.end_absences(staff, now());
    if (ended > 0) {
      context_.auditor.record(who, "staff.present", "staff:" + staff);
    }
    tx.commit();
  }
  if (ended > 0) {
    log::event(log::Event::STAFF_PRESENT, "staff={} why=marked actor={}", staff, who.actor.value_or("-"));
    recompute(false);
  }
  return ended > 0;
}

std::shared_ptr<PhoneService> register_phone(Daemon& daemon) {
  auto service =
      PhoneService::create(PhoneContext{daemon.db(), daemon.auditor(), daemon.clock(), daemon.scheduler(),
                                        [&daemon]() -> const Config& { return daemon.config(); }, &daemon.transport()});
  register_phone_methods(daemon.methods(), service);
  service->start();
  daemon.on_reload([service](const Config&) { service->reload(); });
  // A closed phone is a state, not a problem: this section has none.
  daemon.add_status("phone", [service] {
    const auto& state = service->state();
    return nlohmann::json{
        {"status", to_string(state.status)},
        {"reason", to_string(state.reason)},
        {"next_change_utc", state.next ? nlohmann::json(format_utc(state.next->at)) : nlohmann::json(nullptr)}};
  });
  daemon.add_metrics([service] {
    metrics::Family family{
        "paminna_phone_state", "1 for the office phone's current state (R6, R7), 0 for the others.", "gauge", {}};
    for (const auto status : {PhoneStatus::open, PhoneStatus::closed, PhoneStatus::internal}) {
      family.samples.push_back(
          {{{"state", std::string(to_string(status))}}, service->state().status == status ? 1.0 : 0.0, ""});
    }
    return std::vector<metrics::Family>{std::move(family)};
  });
  return service;
}

}  // namespace paminna
