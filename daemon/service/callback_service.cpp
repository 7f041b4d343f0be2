#include "service/callback_service.h"

#include <fmt/format.h>

#include <algorithm>

#include "domain/phone_number.h"
#include "log/events.h"
#include "service/daemon.h"
#include "service/phone_service.h"

namespace paminna {

using control::RpcError;
using nlohmann::json;

namespace {

std::optional<std::int64_t> uid_of(const control::CallContext& who) {
  return who.peer_uid ? std::optional<std::int64_t>(*who.peer_uid) : std::nullopt;
}

std::string masked(const std::optional<std::string>& phone) {
  return phone ? mask_phone(*phone) : "withheld";
}

std::string subject(std::int64_t id) {
  return fmt::format("callback:{}", id);
}

}  // namespace

std::string task_key(std::int64_t id) {
  return fmt::format("callback:{}", id);
}

std::shared_ptr<CallbackService> CallbackService::create(CallbackContext context) {
  return std::shared_ptr<CallbackService>(new CallbackService(std::move(context)));
}

CallbackService::CallbackService(CallbackContext context)
    : context_(std::move(context)), zone_(context_.config().office.timezone), store_(context_.db) {}

void CallbackService::start() {
  for (const auto& task : store_.open_tasks()) {
    plan(task);
  }
  plan_summary();
  start_spool();
}

void CallbackService::reload() {
  // Timing keys may have changed: plan every open task again from its stored last alert.
  for (const auto& task : store_.open_tasks()) {
    plan(task);
  }
  plan_summary();
  if (spool_) {
    spool_->stop();
    spool_.reset();
  }
  context_.scheduler.cancel(kRescanKey);
  start_spool();
}

std::optional<Instant> CallbackService::staffed_from(Instant at) const {
  return next_staffed(config().phone.schedule, zone_, at);
}

void CallbackService::plan(const store::TaskRecord& task) {
  const auto key = task_key(task.id);
  if (task.state == TaskState::closed || task.state == TaskState::letter_due) {
    context_.scheduler.cancel(key);
    return;
  }
  std::optional<LastAlert> last;
  if (task.last_alert_at && task.last_alert_level) {
    last = LastAlert{*task.last_alert_at, *task.last_alert_level};
  }
  const auto& rules = config().callbacks.rules;
  auto alert = next_alert(task.deadline, last, rules, [this](Instant t) { return staffed_from(t); });
  if (!alert) {
    context_.scheduler.cancel(key);
    return;
  }
  schedule_fire(key, alert->at, task.id);
}

void CallbackService::schedule_fire(const std::string& key, std::optional<Instant> at, std::int64_t id) {
  std::weak_ptr<CallbackService> weak = weak_from_this();
  auto task = [weak, key, id] {
    if (auto self = weak.lock()) {
      try {
        self->fire(id);
      } catch (const store::StoreError&) {
        // A failing store must not silence the alert: try again in a minute.
        // The scheduler logs the failure (SCHEDULER_TASK_FAILED).
        self->schedule_fire(key, std::nullopt, id);
        throw;
      }
    }
  };
  if (at) {
    context_.scheduler.schedule(key, *at, std::move(task));
  } else {
    context_.scheduler.schedule_after(key, std::chrono::minutes{1}, std::move(task));
  }
}

void CallbackService::fire(std::int64_t id) {
  auto task = store_.find_task(id);
  if (!task || task->state == TaskState::closed || task->state == TaskState::letter_due) {
    return;
  }
  const auto at = now();
  const TaskFacts facts{task->kind, task->state, task->opened_at, task->deadline, 0, task->thinking_since};
  const auto deadline_local = format_local_minutes(zone_.to_local(task->deadline));
  if (at >= task->deadline && letter_due_at_deadline(facts)) {
    // R8: a week without reaching the person.
    task->state = TaskState::letter_due;
    task->letter_due_since = at;
    task->updated_at = at;
    store_.update_task(*task);
    log::event(log::Event::CONTACT_LETTER_DUE, "task={} why=one-week language={} owner={}", id,
               task->language.value_or("sv"), task->owner.value_or("-"));
    plan(*task);
    return;
  }
  const auto level = alert_level(task->deadline, at);
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(task->deadline - at).count();
  if (level == AlertLevel::due_soon) {
    log::event(log::Event::CALLBACK_DUE_SOON, "task={} kind={} state={} deadline={} left_min={} owner={}", id,
               to_string(task->kind), to_string(task->state), deadline_local, minutes, task->owner.value_or("-"));
  } else {
    log::event(log::Event::CALLBACK_OVERDUE, "task={} kind={} state={} deadline={} overdue_min={} owner={}", id,
               to_string(task->kind), to_string(task->state), deadline_local, -minutes, task->owner.value_or("-"));
  }
  task->last_alert_at = at;
  task->last_alert_level = level;
  task->updated_at = at;
  store_.update_task(*task);
  plan(*task);
}

void CallbackService::plan_summary() {
  const auto at = now();
  const auto next = next_first_opening(config().phone.schedule, zone_, at);
  if (!next) {
    context_.scheduler.cancel(kSummaryKey);
    return;
  }
  std::weak_ptr<CallbackService> weak = weak_from_this();
  context_.scheduler.schedule(kSummaryKey, *next, [weak] {
    auto self = weak.lock();
    if (!self) {
      return;
    }
    self->plan_summary();  // first, so a failing summary does not end the next ones
    const auto s = self->summary(self->now());
    log::event(log::Event::CALLBACK_SUMMARY, "open={} due_today={} overdue={} letters_due={} thinking={} unowned={}",
               s.open, s.due_today, s.overdue, s.letters_due, s.thinking, s.unowned);
  });
}

CallbackSummary CallbackService::summary(Instant at) {
  CallbackSummary s;
  const auto end_of_day = zone_.start_of_day(zone_.local_day(at) + std::chrono::days{1});
  for (const auto& task : store_.open_tasks()) {
    ++s.open;
    if (!task.owner) {
      ++s.unowned;
    }
    if (task.state == TaskState::letter_due) {
      ++s.letters_due;
      continue;
    }
    if (task.state == TaskState::thinking) {
      ++s.thinking;
    }
    if (task.deadline <= at) {
      ++s.overdue;
    } else if (task.deadline < end_of_day) {
      ++s.due_today;
    }
  }
  return s;
}

VoicemailResult CallbackService::add_voicemail(const control::CallContext& who, const VoicemailIn& v) {
  const auto at = now();
  VoicemailResult result;
  store::Transaction tx(context_.db);
  if (v.msg_id && store_.has_voicemail(*v.msg_id)) {
    result.duplicate = true;
    return result;  // rolled back: nothing written
  }
  const auto deadline = callback_deadline(config().callbacks.rules, config().phone.schedule, zone_, v.received);
  std::optional<store::TaskRecord> task;
  if (v.phone) {
    task = store_.open_callback_for(*v.phone);
  }
  if (task) {
    result.joined = true;
    // R5: the earliest message decides.
    if (deadline < task->deadline) {
      task->deadline = deadline;
      task->last_alert_at.reset();
      task->last_alert_level.reset();
    }
    task->updated_at = at;
    store_.update_task(*task);
  } else {
    store::TaskRecord t;
    t.kind = TaskKind::callback;
    t.state = TaskState::open;
    t.phone = v.phone;
    t.deadline = deadline;
    t.opened_at = at;
    t.note = v.note;
    t.updated_at = at;
    t.id = store_.insert_task(t);
    task = t;
  }
  result.task = task->id;
  store::VoicemailRecord record;
  record.task_id = task->id;
  record.received_at = v.received;
  record.mailbox = v.mailbox;
  record.msg_id = v.msg_id;
  record.note = v.note;
  store_.insert_voicemail(record, at);
  context_.auditor.record(who, "voicemail.add", subject(task->id),
                          json{{"joined", result.joined},
                               {"withheld", !v.phone.has_value()},
                               {"source", v.msg_id ? "asterisk" : "control"}});
  tx.commit();
  const auto deadline_local = format_local_minutes(zone_.to_local(task->deadline));
  if (result.joined) {
    log::event(log::Event::CALLBACK_JOINED, "task={} caller={} deadline={}", task->id, masked(v.phone), deadline_local);
  } else {
    log::event(log::Event::CALLBACK_OPENED, "task={} kind=callback caller={} deadline={} source={}", task->id,
               masked(v.phone), deadline_local, v.msg_id ? "asterisk" : "control");
  }
  plan(*task);
  return result;
}

store::TaskRecord CallbackService::open_contact(const control::CallContext& who, const std::string& person_ref,
                                                const std::optional<std::string>& phone, const std::string& language,
                                                const std::optional<std::string>& note) {
  const auto at = now();
  store::TaskRecord t;
  t.kind = TaskKind::contact;
  t.state = TaskState::open;
  t.phone = phone;
  t.person_ref = person_ref;
  t.language = language;
  t.deadline = contact_deadline(config().callbacks.rules, at);
  t.opened_at = at;
  t.note = note;
  t.updated_at = at;
  {
    store::Transaction tx(context_.db);
    t.id = store_.insert_task(t);
    context_.auditor.record(who, "contact.open", subject(t.id), json{{"ref", person_ref}, {"language", language}});
    tx.commit();
  }
  log::event(log::Event::CALLBACK_OPENED, "task={} kind=contact caller={} deadline={} source=control", t.id,
             masked(phone), format_local_minutes(zone_.to_local(t.deadline)));
  plan(t);
  return t;
}

store::TaskRecord CallbackService::require(std::int64_t id) {
  auto task = store_.find_task(id);
  if (!task) {
    throw RpcError::not_found(fmt::format("task {}", id));
  }
  return *task;
}

store::TaskRecord CallbackService::take(const control::CallContext& who, std::int64_t id,
                                        const std::optional<std::string>& owner) {
  auto task = require(id);
  if (task.state == TaskState::closed) {
    throw RpcError::conflict(fmt::format("task {} is closed", id));
  }
  task.owner = owner;
  task.updated_at = now();
  store::Transaction tx(context_.db);
  store_.update_task(task);
  context_.auditor.record(who, "callback.take", subject(id), json{{"owner", owner ? json(*owner) : json(nullptr)}});
  tx.commit();
  return task;
}

store::TaskRecord CallbackService::attempt(const control::CallContext& who, std::int64_t id, AttemptOutcome outcome,
                                           const std::optional<std::string>& note) {
  auto task = require(id);
  const auto at = now();
  const TaskFacts facts{task.kind,          task.state, task.opened_at, task.deadline, store_.unanswered_attempts(id),
                        task.thinking_since};
  auto result = apply_attempt(facts, outcome, config().callbacks.rules, at);
  if (!result) {
    throw RpcError::conflict(fmt::format("task {}: {}", id, result.error()));
  }
  const auto before = task.state;
  task.state = result->state;
  if (result->deadline != task.deadline) {
    task.deadline = result->deadline;
    task.last_alert_at.reset();
    task.last_alert_level.reset();
  }
  task.thinking_since = result->thinking_since;
  if (task.state == TaskState::letter_due && before != TaskState::letter_due) {
    task.letter_due_since = at;
  }
  if (result->closed_outcome) {
    task.closed_at = at;
    task.outcome = result->closed_outcome;
  }
  task.updated_at = at;
  {
    store::Transaction tx(context_.db);
    store_.insert_attempt({0, id, at, std::string(to_string(outcome)), note, who.actor}, uid_of(who));
    store_.update_task(task);
    context_.auditor.record(who, "callback.attempt", subject(id),
                            json{{"outcome", to_string(outcome)}, {"state", to_string(task.state)}});
    tx.commit();
  }
  if (task.state == TaskState::letter_due && before != TaskState::letter_due) {
    log::event(log::Event::CONTACT_LETTER_DUE, "task={} why={} language={} owner={}", id, result->why,
               task.language.value_or("sv"), task.owner.value_or("-"));
  }
  if (task.state == TaskState::closed) {
    log::event(log::Event::CALLBACK_CLOSED, "task={} kind={} outcome={} actor={}", id, to_string(task.kind),
               task.outcome.value_or("-"), who.actor.value_or("-"));
  }
  plan(task);
  return task;
}

store::TaskRecord CallbackService::close(const control::CallContext& who, std::int64_t id, const std::string& outcome,
                                         const std::optional<std::string>& note) {
  auto task = require(id);
  if (task.state == TaskState::closed) {
    throw RpcError::conflict(fmt::format("task {} is already closed", id));
  }
  const auto at = now();
  // R8: the case closes as unreachable once the information letter is sent.
  task.outcome = outcome == "letter-sent" ? std::string("unreachable") : outcome;
  task.state = TaskState::closed;
  task.closed_at = at;
  task.updated_at = at;
  if (note) {
    task.note = note;
  }
  {
    store::Transaction tx(context_.db);
    store_.update_task(task);
    context_.auditor.record(who, "callback.close", subject(id), json{{"outcome", *task.outcome}});
    tx.commit();
  }
  log::event(log::Event::CALLBACK_CLOSED, "task={} kind={} outcome={} actor={}", id, to_string(task.kind),
             *task.outcome, who.actor.value_or("-"));
  plan(task);
  return task;
}

void CallbackService::hand_back_absent(const std::vector<std::string>& absent) {
  const auto at = now();
  const control::CallContext system{std::nullopt, std::nullopt, std::string("paminnad")};
  for (const auto& staff : absent) {
    for (auto task : store_.owned_by(staff)) {
      task.owner.reset();
      task.updated_at = at;
      store::Transaction tx(context_.db);
      store_.update_task(task);
      context_.auditor.record(system, "callback.hand-back", subject(task.id), json{{"owner", staff}});
      tx.commit();
      log::event(log::Event::CALLBACK_OWNER_ABSENT, "task={} staff={} deadline={}", task.id, staff,
                 format_local_minutes(zone_.to_local(task.deadline)));
    }
  }
}

void CallbackService::start_spool() {
  const auto& c = config().callbacks;
  if (c.asterisk_spool.empty() || context_.io == nullptr) {
    return;
  }
  std::weak_ptr<CallbackService> weak = weak_from_this();
  voicemail::SpoolHandlers handlers;
  handlers.on_message = [weak](const std::string& file, const voicemail::AsteriskMessage& message) {
    if (auto self = weak.lock()) {
      self->on_spool_message(file, message);
    }
  };
  handlers.on_skipped = [](const std::string& file, const std::string& reason) {
    log::event(log::Event::VOICEMAIL_SPOOL_SKIPPED, "file={} reason=\"{}\"", file, reason);
  };
  handlers.on_failed = [](const std::string& problem) {
    log::event(log::Event::VOICEMAIL_SPOOL_FAILED, "problem=\"{}\"", problem);
  };
  spool_ = voicemail::SpoolWatcher::create(*context_.io, c.asterisk_spool, std::move(handlers));
  if (auto started = spool_->start(); !started) {
    log::event(log::Event::VOICEMAIL_SPOOL_FAILED, "problem=\"{}\"", started.error());
  } else {
    log::event(log::Event::VOICEMAIL_SPOOL_WATCHING, "folder={}", c.asterisk_spool.string());
  }
  plan_rescan();
}

void CallbackService::plan_rescan() {
  std::weak_ptr<CallbackService> weak = weak_from_this();
  context_.scheduler.schedule_after(kRescanKey, config().callbacks.rescan_every, [weak] {
    if (auto self = weak.lock()) {
      self->plan_rescan();  // first, so a failing scan does not end the safety net
      self->rescan();
    }
  });
}

std::optional<std::size_t> CallbackService::rescan() {
  if (!spool_) {
    return std::nullopt;
  }
  return spool_->rescan();
}

void CallbackService::on_spool_message(const std::string& file, const voicemail::AsteriskMessage& message) {
  if (store_.has_voicemail(message.msg_id)) {
    return;  // seen before (a rescan, or a renumbered file)
  }
  const auto& c = config();
  VoicemailIn v;
  v.received = message.origtime;
  v.msg_id = message.msg_id;
  v.mailbox = c.callbacks.mailbox.empty() ? c.callbacks.asterisk_spool.filename().string() : c.callbacks.mailbox;
  if (message.number) {
    if (auto number = parse_phone_number(*message.number, c.office.region)) {
      v.phone = number->e164;
    } else {
      v.note = "caller number not recognised";
    }
  }
  try {
    add_voicemail(control::CallContext{std::nullopt, std::nullopt, std::string("asterisk")}, v);
  } catch (const std::exception& e) {
    // The file stays in INBOX: the next event or rescan tries again.
    log::event(log::Event::VOICEMAIL_SPOOL_SKIPPED, "file={} reason=\"{}\"", file, e.what());
  }
}

namespace {

bool absent_at(const Absence& a, Instant at) {
  return (!a.from || *a.from <= at) && (!a.until || at < *a.until);
}

}  // namespace

std::shared_ptr<CallbackService> register_callbacks(Daemon& daemon, PhoneService& phone) {
  auto service =
      CallbackService::create(CallbackContext{daemon.db(), daemon.auditor(), daemon.clock(), daemon.scheduler(),
                                              [&daemon]() -> const Config& { return daemon.config(); }, &daemon.io()});
  register_callback_methods(daemon.methods(), service);
  service->start();
  daemon.on_reload([service](const Config&) { service->reload(); });
  std::weak_ptr<CallbackService> weak = service;
  auto hand_back = [weak, &phone] {
    auto self = weak.lock();
    if (!self) {
      return;
    }
    const auto at = phone.now();
    std::vector<std::string> absent;
    for (const auto& a : phone.presence(at).absences) {
      if (absent_at(a, at)) {
        absent.push_back(a.staff);
      }
    }
    self->hand_back_absent(absent);
  };
  phone.on_recompute(hand_back);
  hand_back();  // absences entered while the daemon was stopped
  daemon.add_status(
      "callbacks",
      [service] {
        const auto s = service->summary(service->now());
        return nlohmann::json{{"open", s.open},         {"due_today", s.due_today},
                              {"overdue", s.overdue},   {"letters_due", s.letters_due},
                              {"thinking", s.thinking}, {"unowned", s.unowned}};
      },
      [service] {
        std::vector<std::string> problems;
        const auto s = service->summary(service->now());
        if (s.overdue > 0) {
          problems.push_back(fmt::format(
              "{} callback task(s) overdue (R5: call back within 24 h): see paminnactl callback list", s.overdue));
        }
        return problems;
      });
  daemon.add_metrics([service] {
    const auto s = service->summary(service->now());
    auto gauge = [](const char* name, const char* help, int value) {
      return metrics::Family{name, help, "gauge", {{{}, static_cast<double>(value), ""}}};
    };
    return std::vector<metrics::Family>{
        gauge("paminna_callbacks_open", "Callback and contact tasks not closed.", s.open),
        gauge("paminna_callbacks_overdue", "Open tasks past their deadline (R5).", s.overdue),
        gauge("paminna_callbacks_due_today", "Open tasks due today.", s.due_today),
        gauge("paminna_contact_letters_due", "Contact tasks whose information letter is due (R8).", s.letters_due),
    };
  });
  return service;
}

}  // namespace paminna
