#include "service/reminder_dispatcher.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <iterator>
#include <utility>

#include <fmt/format.h>

#include "domain/local_time.h"
#include "domain/phone_number.h"
#include "log/events.h"
#include "service/reminder_planner.h"
#include "store/booking_store.h"
#include "store/client_store.h"

namespace paminna {

namespace {

constexpr const char* kKey = "reminders";

struct Recipient {
  std::string e164;
  Language language = Language::sv;
};

// The recipient as the policy sees them now (I5): nullopt with the reason when they may not get it.
std::optional<Recipient> resolve(store::Database& db, const Config& config, const store::BookingRecord& booking,
                                 const std::string& id, const Zone& zone, Instant now, std::string& why) {
  if (!booking.client_id) {
    why = "the client's records were purged";
    return std::nullopt;
  }
  const auto household = household_for(db, *booking.client_id, zone, now);
  const auto choice = choose_recipients(config.reminders.policy, household);
  for (const auto& contact : choice.to) {
    if (contact.id == id && contact.mobile) {
      return Recipient{*contact.mobile, contact.language};
    }
  }
  why = "no longer a recipient";
  for (const auto& reason : choice.left_out) {
    if (reason.starts_with(id + " ") || reason.starts_with("protected")) {
      why = reason;
    }
  }
  return std::nullopt;
}

// What a commit did, once it is on disk: its after-commit actions, then its log lines.
void on_disk(std::vector<std::function<void()>>& after_sync,
             const std::vector<std::pair<log::Event, std::string>>& lines) {
  store::Database::run_after_commit(after_sync);
  for (const auto& [event, text] : lines) {
    log::event(event, "{}", text);
  }
}

}  // namespace

ReminderDispatcher::ReminderDispatcher(boost::asio::io_context& io, store::Database& db, Scheduler& scheduler,
                                       const Clock& clock, std::function<const Config&()> config,
                                       sms::SmsGateway& gateway, Confirm confirm)
    : io_(io),
      db_(db),
      scheduler_(scheduler),
      clock_(clock),
      config_(std::move(config)),
      gateway_(gateway),
      confirm_(std::move(confirm)),
      random_(std::random_device{}()) {
  scheduler_.add_step_listener([this, alive = alive_](Duration step) {
    if (*alive) {
      clock_stepped(step);
    }
  });
}

ReminderDispatcher::~ReminderDispatcher() {
  *alive_ = false;
}

void ReminderDispatcher::start() {
  const auto now = clock_.now();
  const auto& config = config_();
  store::Transaction tx(db_);
  store::ReminderStore store(db_);
  int recovered = 0;
  for (;;) {
    auto rows = store.in_state(ReminderState::sending, 500);
    if (rows.empty()) {
      break;
    }
    for (auto& r : rows) {
      ++recovered;
      r.updated_at = now;
      if (config.reminders.unknown_outcome == RemindersConfig::UnknownOutcome::hold) {
        r.state = ReminderState::held;
        r.reason = "the daemon stopped while sending; did it go out? (reminder.resolve)";
      } else {
        r.state = ReminderState::retry;
        r.due = now;
        r.possible_duplicate = true;
        r.reason = "the daemon stopped while sending; resent";
      }
      store.update(r);
      store.set_booking_summary(r.booking_id);
      log::event(log::Event::REMINDER_RECOVERED, "reminder={} booking={} policy={}", r.id, r.booking_id,
                 to_string(r.state));
    }
  }
  tx.commit();
  (void)recovered;
  arm();
}

// Only a step back moves anything. A step forward (and a resume from suspend,
// which the kernel reports the same way) lets the waits end now: sending
// sooner costs at most one more retry, while waiting the step again could push
// a retry past the visit. Steps under two seconds are the rounding of our
// whole-second wall clock or an NTP correction, not worth a write.
void ReminderDispatcher::clock_stepped(Duration step) {
  if (step > -kSmallestStep) {
    return;
  }
  if (paused_until_) {
    *paused_until_ += step;
  }
  if (failing_since_) {
    *failing_since_ += step;  // "failing for ten minutes" still means ten minutes
  }
  for (auto& c : completions_) {
    c.arrived += step;  // written after the step, their retry times count from the new clock
  }
  try {
    store::Transaction tx(db_);
    const auto moved = store::ReminderStore(db_).shift_retries(step);
    tx.commit();
    spdlog::debug("clock stepped {} s: {} reminder retries moved with it", step.count(), moved);
  } catch (const store::StoreError& e) {
    // The retries then keep their wall times: late by the step, and one near
    // its visit may expire unsent; the log says so.
    log::event(log::Event::STORE_ERROR, "what=reminder-retry-step step_s={} error=\"{}\"", step.count(), e.what());
  }
  if (may_claim()) {
    arm();
  }
}

void ReminderDispatcher::stop() {
  stopping_ = true;         // what is written from now on syncs in its COMMIT: no confirmation would be heard
  scheduler_.cancel(kKey);  // and nothing more is claimed, even if an answer arrives while the socket drains
  if (awaiting_) {
    put_back(*awaiting_);
    // Its expired and skipped rows stay so; the stop's sync confirms them (stopped()).
    unconfirmed_.emplace(++outcome_commits_, Unconfirmed{std::move(awaiting_->lines), {}});
    awaiting_.reset();
  }
  if (completions_.empty()) {
    return;
  }
  flush_timer_.cancel();
  flush();
  for (const auto& c : completions_) {
    const auto* accepted = std::get_if<sms::Accepted>(&c.outcome);
    // A withheld one never left, but the row says `sending` all the same: the next start cannot tell.
    log::event(log::Event::STORE_ERROR,
               "what=reminder-outcome-unwritten reminder={} outcome={} provider_id={} note=\"{}still sending: the "
               "next start resends it as a possible duplicate\"",
               c.id, c.withheld ? "withheld" : sms::outcome_name(c.outcome),
               accepted ? accepted->provider_message_id : "", c.withheld ? "never sent, but " : "");
  }
}

void ReminderDispatcher::stopped(std::error_code synced) {
  for (auto& [key, unconfirmed] : std::exchange(unconfirmed_, {})) {
    if (synced) {
      log::event(log::Event::STORE_ERROR,
                 "what=reminder-outcomes-sync count={} error=\"{}\" note=\"at stop: the next start resolves what "
                 "did not reach the disk\"",
                 unconfirmed.lines.size(), synced.message());
      continue;
    }
    on_disk(unconfirmed.after_sync, unconfirmed.lines);
  }
}

void ReminderDispatcher::changed() {
  if (may_claim()) {
    arm();
  }
}

// A window, not rounds: never more than reminders.batch_size claimed and
// unanswered (what a crash may resend, README), and once half of them are
// answered and written, the room is claimed. So the next claim waits for the
// disk's confirmation while the other half is answered, and the loop does
// not sit idle through either. While paused nothing is claimed until all
// that was out has come back, then one probe at a time (and a claim that
// was waiting when the pause began does not leave: withhold()).
std::size_t ReminderDispatcher::window() const {
  return paused_until_ ? 1 : static_cast<std::size_t>(config_().reminders.batch_size);
}

bool ReminderDispatcher::may_claim() const {
  if (stopping_ || awaiting_ || flush_retrying_) {
    return false;
  }
  return in_flight_ + std::max<std::size_t>(1, window() / 2) <= window();
}

void ReminderDispatcher::resume() {
  if (paused_until_) {
    paused_until_.reset();
    pause_reason_.reset();
    log::event(log::Event::GATEWAY_RESUMED, "by=gateway.resume");
  }
  arm();
}

void ReminderDispatcher::arm() {
  if (stopping_) {
    return;
  }
  std::optional<Instant> at;
  if (paused_until_) {
    at = paused_until_;
  } else {
    try {
      at = store::ReminderStore(db_).next_due();
    } catch (const store::StoreError& e) {
      log::event(log::Event::STORE_ERROR, "what=reminder-next-due error=\"{}\"", e.what());
      scheduler_.schedule_after(kKey, kStoreRetry, [this] { run(); });
      return;
    }
  }
  if (!at) {
    scheduler_.cancel(kKey);
    return;
  }
  scheduler_.schedule(kKey, *at, [this] { run(); });
}

void ReminderDispatcher::run() {
  if (!may_claim()) {
    return;  // what holds it (half the window out, a claim waiting, a failed write) re-arms when it is done
  }
  const auto now = clock_.now();
  if (paused_until_ && now < *paused_until_) {
    arm();
    return;
  }
  // While paused, window() is 1: one probe decides whether the gateway is back.
  const auto limit = static_cast<int>(window() - in_flight_);
  Claimed claimed;
  std::vector<std::function<void()>> after_sync;
  try {
    after_sync = commit_unsynced([&] { claimed = claim(now, limit); });
    claimed.probe = paused_until_.has_value();
  } catch (const store::StoreError& e) {
    // Nothing was claimed (the transaction rolled back). Without a new
    // deadline the reminders would wait for the next change or restart.
    log::event(log::Event::STORE_ERROR, "what=reminder-claim error=\"{}\"", e.what());
    scheduler_.schedule_after(kKey, kStoreRetry, [this] { run(); });
    return;
  }
  if (claimed.changed == 0) {
    arm();
    return;
  }
  claimed.generation = ++claims_;
  awaiting_ = std::move(claimed);
  confirm_(
      [this, alive = alive_, generation = claims_, after_sync = std::move(after_sync)](std::error_code error) mutable {
        if (!*alive || !awaiting_ || awaiting_->generation != generation) {
          return;  // gone, or stopped: stop() put this batch back
        }
        auto confirmed = std::move(*awaiting_);
        awaiting_.reset();
        if (error) {
          // I3: nothing leaves. The daemon stops (a failed sync is final,
          // store/wal_worker.h); the next start resolves what is `sending`.
          std::string ids;
          for (const auto& [row, request] : confirmed.batch) {
            ids += (ids.empty() ? "" : ",") + std::to_string(row.id);
          }
          log::event(log::Event::STORE_ERROR,
                     "what=reminder-claim-sync count={} reminders={} error=\"{}\" note=\"never sent; the next start "
                     "finds them sending\"",
                     confirmed.batch.size(), ids, error.message());
          return;
        }
        on_disk(after_sync, confirmed.lines);
        if (paused_until_ && !confirmed.probe) {
          withhold(confirmed.batch);
        } else {
          send(std::move(confirmed.batch));
        }
        if (may_claim()) {
          arm();  // the next batch, claimed while this one is answered
        }
      });
}

void ReminderDispatcher::send(std::vector<std::pair<store::ReminderRecord, sms::SmsRequest>>&& batch) {
  in_flight_ += batch.size();
  for (auto& [row, request] : batch) {
    const auto started = clock_.steady_now();
    gateway_.send(std::move(request), [this, alive = alive_, id = row.id, started](sms::SendOutcome outcome) {
      if (*alive) {
        complete(id, std::move(outcome), clock_.steady_now() - started);
      }
    });
  }
}

// The gateway refused (credentials, credit, its address) while this batch
// waited for the disk: none of it leaves, so a refused account gets one probe
// and not a window of requests. The group commit writes it back with the
// others (its retry included), so no separate write can fail and strand the
// rows `sending`; the pause is left as it is, so a resume meanwhile stands.
void ReminderDispatcher::withhold(const std::vector<std::pair<store::ReminderRecord, sms::SmsRequest>>& batch) {
  in_flight_ += batch.size();
  for (const auto& [row, request] : batch) {
    completions_.push_back({row.id, sms::GatewayUnavailable{pause_reason_.value_or("paused")}, {}, clock_.now(), true});
  }
  if (!flush_retrying_) {
    flush_soon();
  }
}

std::vector<std::function<void()>> ReminderDispatcher::commit_unsynced(const std::function<void()>& write) {
  if (stopping_) {
    write();
    return {};
  }
  db_.begin_group(store::Database::GroupSync::by_caller);
  try {
    write();
  } catch (...) {
    try {
      (void)db_.end_group();
    } catch (const store::StoreError&) {  // NOLINT(bugprone-empty-catch): the write's own error is the one to report
    }
    throw;
  }
  return db_.end_group().after_sync;
}

ReminderDispatcher::Claimed ReminderDispatcher::claim(Instant now, int limit) {
  const auto& config = config_();
  const Zone zone(config.office.timezone);
  Claimed claimed;
  auto& out = claimed.batch;
  auto& lines = claimed.lines;
  store::Transaction tx(db_);
  store::ReminderStore store(db_);
  store::BookingStore bookings(db_);
  auto due = store.due(now, limit);
  claimed.changed = due.size();
  for (auto& r : due) {
    const auto before = r;
    r.updated_at = now;
    const auto booking = bookings.find(r.booking_id);
    const bool for_cancellation = r.kind == TextKind::cancelled;
    std::string why;
    if (!booking) {
      r.state = ReminderState::cancelled;
      r.reason = "the booking no longer exists";
    } else if (now >= r.visit_start) {
      r.state = ReminderState::expired;
      r.reason = "the visit had begun before the reminder could be sent";
      lines.emplace_back(log::Event::REMINDER_EXPIRED,
                         fmt::format("booking={} reminder={} attempts={}", r.booking_id, r.id, r.attempts));
    } else if (!for_cancellation && booking->status != BookingStatus::booked) {
      r.state = ReminderState::cancelled;
      r.reason = "the booking is no longer booked";
    } else if (for_cancellation && booking->status != BookingStatus::cancelled) {
      r.state = ReminderState::cancelled;
      r.reason = "the booking is no longer cancelled";
    } else if (booking->start != r.visit_start) {
      r.state = ReminderState::skipped;
      r.reason = "the booking moved";
    } else if (const auto recipient = resolve(db_, config, *booking, r.recipient, zone, now, why); !recipient) {
      r.state = ReminderState::skipped;
      r.reason = why;
      lines.emplace_back(log::Event::REMINDER_SKIPPED,
                         fmt::format("booking={} reminder={} reason=\"{}\"", r.booking_id, r.id, why));
    } else {
      const auto place = config.sms.place(recipient->language, std::string(to_string(booking->place)));
      const MessageFields fields{zone.to_local(booking->start), place, config.office.phone};
      sms::SmsRequest request{
          recipient->e164, config.sms.sender,
          render(config.sms.templates->get(recipient->language, r.kind), fields, recipient->language), r.reference,
          r.visit_start};
      r.state = ReminderState::sending;
      ++r.attempts;
      store.update(r);
      out.emplace_back(r, std::move(request));
      claimed.before.push_back(before);
      continue;
    }
    store.update(r);
    store.set_booking_summary(r.booking_id);
  }
  for (const auto& [row, request] : out) {
    store.set_booking_summary(row.booking_id);
  }
  tx.commit();  // I3: `sending` is durable before the first request leaves (run() waits for the confirmation)
  return claimed;
}

void ReminderDispatcher::put_back(const Claimed& claimed) {
  try {
    store::Transaction tx(db_);
    store::ReminderStore store(db_);
    for (const auto& before : claimed.before) {
      const auto now = store.find(before.id);
      if (now && now->state == ReminderState::sending) {
        store.update(before);
        store.set_booking_summary(before.booking_id);
      }
    }
    tx.commit();
  } catch (const store::StoreError& e) {
    log::event(log::Event::STORE_ERROR,
               "what=reminder-put-back count={} error=\"{}\" note=\"still sending: the next start resends them as "
               "possible duplicates\"",
               claimed.before.size(), e.what());
  }
}

// Group commit: outcomes are written together, one fsync for many. A group
// closes when every request out has answered, at half of reminders.batch_size
// (whose room is then claimed; at most kGroupCommitSize), or after a few
// milliseconds, so a slow gateway never delays the record of a fast answer by
// more than that. A crash inside that delay loses nothing: the rows are still
// `sending` and start-up resolves them (I3).
void ReminderDispatcher::complete(std::int64_t id, sms::SendOutcome outcome, std::chrono::steady_clock::duration took) {
  // Counted here, not in apply(): an outcome counts even if writing it back fails.
  ++recent_outcomes_[std::string(sms::outcome_name(outcome))];
  latency_.observe(std::chrono::duration<double>(took).count());
  if (std::holds_alternative<sms::Accepted>(outcome)) {
    failing_since_.reset();
  } else if (!std::holds_alternative<sms::RejectedPermanently>(outcome)) {
    if (!failing_since_) {
      failing_since_ = clock_.now();
    }
    last_failure_ = std::string(sms::outcome_reason(outcome));
  }
  completions_.push_back({id, std::move(outcome), took, clock_.now()});
  if (flush_retrying_) {
    return;  // the retry timer writes it with the others
  }
  if (completions_.size() >= std::min(in_flight_, group_size())) {
    flush_soon();
    return;
  }
  if (completions_.size() == 1) {
    flush_after(kGroupCommitWindow);
  }
}

void ReminderDispatcher::flush_soon() {
  flush_timer_.cancel();
  if (!flush_posted_) {
    flush_posted_ = true;
    boost::asio::post(io_, [this, alive = alive_] {
      if (*alive) {
        flush();
      }
    });
  }
}

void ReminderDispatcher::flush_after(std::chrono::steady_clock::duration delay) {
  flush_timer_.expires_after(delay);
  flush_timer_.async_wait([this, alive = alive_](const boost::system::error_code& error) {
    if (!error && *alive && !flush_posted_) {
      flush();
    }
  });
}

void ReminderDispatcher::flush() {
  flush_posted_ = false;
  flush_timer_.cancel();
  if (completions_.empty()) {
    return;
  }
  auto done = std::move(completions_);
  completions_.clear();
  // The answers before the withheld: an accepted one ends the pause, and then they need not wait for it.
  std::stable_partition(done.begin(), done.end(), [](const Completion& c) { return !c.withheld; });
  // apply() also moves the gateway's pause; a failed write must undo that too.
  const auto paused_until = paused_until_;
  const auto pause_reason = pause_reason_;
  const auto last_sent = last_sent_;
  LogLines lines;
  std::vector<std::function<void()>> after_sync;
  try {
    after_sync = commit_unsynced([&] {
      store::Transaction tx(db_);
      store::ReminderStore store(db_);
      for (const auto& c : done) {
        auto r = store.find(c.id);
        if (!r) {
          continue;
        }
        if (c.withheld) {
          wait_for_pause(*r, c.arrived);
        } else {
          apply(*r, c.outcome, c.arrived, lines);
        }
        store.update(*r);
        store.set_booking_summary(r->booking_id);
      }
      tx.commit();
    });
    flush_retry_ = kFirstFlushRetry;
    flush_retrying_ = false;
  } catch (const store::StoreError& e) {
    paused_until_ = paused_until;
    pause_reason_ = pause_reason;
    last_sent_ = last_sent;
    flush_retrying_ = true;
    // Keep the outcomes and write them again later: dropped, the rows would
    // stay `sending` until a restart resent them as possible duplicates of
    // messages the gateway had accepted. A crash meanwhile loses no reminder
    // (I3) but may send these twice; until then no new batch is claimed
    // (may_claim()).
    log::event(log::Event::STORE_ERROR, "what=reminder-outcomes count={} retry_in_ms={} error=\"{}\"", done.size(),
               std::chrono::duration_cast<std::chrono::milliseconds>(flush_retry_).count(), e.what());
    completions_.insert(completions_.begin(), std::make_move_iterator(done.begin()),
                        std::make_move_iterator(done.end()));
    flush_after(flush_retry_);
    flush_retry_ = std::min(flush_retry_ * 2, kLastFlushRetry);
    return;
  }
  in_flight_ -= std::min(in_flight_, done.size());
  if (stopping_) {
    on_disk(after_sync, lines);  // synced in its COMMIT
  } else {
    // The next batch may be claimed meanwhile: its confirmation covers this commit too.
    const auto key = ++outcome_commits_;
    unconfirmed_.emplace(key, Unconfirmed{std::move(lines), std::move(after_sync)});
    confirm_([this, alive = alive_, key, count = done.size()](std::error_code error) {
      if (!*alive) {
        return;
      }
      const auto it = unconfirmed_.find(key);
      if (it == unconfirmed_.end()) {
        return;  // stop() said it
      }
      auto unconfirmed = std::move(it->second);
      unconfirmed_.erase(it);
      if (error) {
        // The daemon stops; rows whose outcome did not reach the disk are
        // still `sending` at the next start, which resolves them (I3).
        log::event(log::Event::STORE_ERROR, "what=reminder-outcomes-sync count={} error=\"{}\"", count,
                   error.message());
        return;
      }
      on_disk(unconfirmed.after_sync, unconfirmed.lines);
    });
  }
  if (may_claim()) {
    arm();
  }
}

std::size_t ReminderDispatcher::group_size() const {
  // Not window(): during a pause, the answers still out are written together too.
  return std::min(kGroupCommitSize,
                  std::max<std::size_t>(1, static_cast<std::size_t>(config_().reminders.batch_size) / 2));
}

void ReminderDispatcher::wait_for_pause(store::ReminderRecord& r, Instant now) const {
  r.updated_at = now;
  r.state = ReminderState::retry;
  r.attempts = std::max(0, r.attempts - 1);  // the claim counted one; nothing was sent
  r.due = paused_until_ ? std::max(*paused_until_, now) : now;
  r.reason = "not sent: the gateway paused (" + pause_reason_.value_or("resumed since") + ")";
}

void ReminderDispatcher::apply(store::ReminderRecord& r, const sms::SendOutcome& outcome, Instant now,
                               LogLines& lines) {
  const auto& config = config_();
  r.updated_at = now;
  auto retry_or_fail = [&](std::optional<Duration> retry_after, const std::string& reason) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    if (const auto at =
            next_attempt(config.reminders.backoff, r.attempts, unit(random_), retry_after, now, r.visit_start)) {
      r.state = ReminderState::retry;
      r.due = *at;
      r.reason = reason;
      lines.emplace_back(log::Event::REMINDER_RETRY,
                         fmt::format("booking={} reminder={} attempt={} next={} reason=\"{}\"", r.booking_id, r.id,
                                     r.attempts, format_utc(*at), reason));
    } else {
      r.state = ReminderState::failed;
      r.reason = "gave up after " + std::to_string(r.attempts) + " attempts: " + reason;
      lines.emplace_back(log::Event::REMINDER_FAILED, fmt::format("booking={} reminder={} attempts={} reason=\"{}\"",
                                                                  r.booking_id, r.id, r.attempts, reason));
    }
  };
  if (const auto* accepted = std::get_if<sms::Accepted>(&outcome)) {
    r.state = ReminderState::sent;
    r.provider_id = accepted->provider_message_id;
    r.sent_at = now;
    r.reason.reset();
    last_sent_ = now;
    if (paused_until_) {
      paused_until_.reset();
      pause_reason_.reset();
      lines.emplace_back(log::Event::GATEWAY_RESUMED, fmt::format("by=probe"));
    }
    lines.emplace_back(log::Event::REMINDER_SENT,
                       fmt::format("booking={} reminder={} kind={} provider_id={} attempts={}{}", r.booking_id, r.id,
                                   to_string(r.kind), r.provider_id.value_or(""), r.attempts,
                                   r.possible_duplicate ? " possible_duplicate=yes" : ""));
  } else if (const auto* later = std::get_if<sms::RetryLater>(&outcome)) {
    retry_or_fail(later->delay.count() > 0 ? std::optional<Duration>(later->delay) : std::nullopt, later->reason);
  } else if (const auto* unknown = std::get_if<sms::OutcomeUnknown>(&outcome)) {
    lines.emplace_back(
        log::Event::REMINDER_OUTCOME_UNKNOWN,
        fmt::format("booking={} reminder={} policy={} reason=\"{}\"", r.booking_id, r.id,
                    config.reminders.unknown_outcome == RemindersConfig::UnknownOutcome::hold ? "hold" : "resend",
                    unknown->reason));
    if (config.reminders.unknown_outcome == RemindersConfig::UnknownOutcome::hold || r.possible_duplicate) {
      // Resent once already: a second unknown goes to a person rather than risking a third copy.
      r.state = ReminderState::held;
      r.reason = "outcome unknown: " + unknown->reason;
    } else {
      r.possible_duplicate = true;
      retry_or_fail(std::nullopt, "outcome unknown, resending once: " + unknown->reason);
    }
  } else if (const auto* rejected = std::get_if<sms::RejectedPermanently>(&outcome)) {
    r.state = ReminderState::failed;
    r.reason = rejected->reason;
    lines.emplace_back(log::Event::REMINDER_FAILED, fmt::format("booking={} reminder={} attempts={} reason=\"{}\"",
                                                                r.booking_id, r.id, r.attempts, rejected->reason));
  } else if (const auto* unavailable = std::get_if<sms::GatewayUnavailable>(&outcome)) {
    // Not this reminder's fault: it waits for the gateway without spending an attempt.
    r.state = ReminderState::retry;
    r.attempts = std::max(0, r.attempts - 1);
    r.due = now + config.reminders.gateway_pause;
    r.reason = "gateway paused: " + unavailable->reason;
    if (!paused_until_) {
      lines.emplace_back(log::Event::GATEWAY_PAUSED,
                         fmt::format("provider={} probe_at={} reason=\"{}\"", gateway_.provider(),
                                     format_utc(now + config.reminders.gateway_pause), unavailable->reason));
    }
    paused_until_ = now + config.reminders.gateway_pause;
    pause_reason_ = unavailable->reason;
  }
}

nlohmann::json ReminderDispatcher::status() {
  store::ReminderStore store(db_);
  nlohmann::json outcomes = nlohmann::json::object();
  for (const auto& [name, count] : recent_outcomes_) {
    outcomes[name] = count;
  }
  const auto next = store.next_due();
  return {{"by_state", store.counts_by_state()},
          {"possible_duplicates", store.possible_duplicates()},
          // Claimed and waiting for the disk's confirmation counts: it is about to leave.
          {"in_flight", in_flight_ + (awaiting_ ? awaiting_->batch.size() : 0)},
          {"next_due_utc", next ? nlohmann::json(format_utc(*next)) : nlohmann::json(nullptr)},
          {"gateway",
           {{"provider", gateway_.provider()},
            {"paused", paused_until_.has_value()},
            {"paused_until_utc", paused_until_ ? nlohmann::json(format_utc(*paused_until_)) : nlohmann::json(nullptr)},
            {"pause_reason", pause_reason_ ? nlohmann::json(*pause_reason_) : nlohmann::json(nullptr)},
            {"outcomes_since_start", outcomes},
            {"last_sent_utc", last_sent_ ? nlohmann::json(format_utc(*last_sent_)) : nlohmann::json(nullptr)}}}};
}

}  // namespace paminna

namespace paminna {

std::vector<metrics::Family> ReminderDispatcher::metrics() {
  store::ReminderStore store(db_);
  const auto counts = store.counts_by_state();
  metrics::Family states{"paminna_reminders", "Reminders in the outbox by state.", "gauge", {}};
  // Every state, also those with no row, so a dashboard sees 0 rather than a missing series.
  for (const auto* state :
       {"scheduled", "sending", "sent", "retry", "held", "failed", "skipped", "cancelled", "expired"}) {
    const auto it = counts.find(state);
    states.samples.push_back({{{"state", state}}, it == counts.end() ? 0.0 : static_cast<double>(it->second), ""});
  }
  metrics::Family outcomes{
      "paminna_gateway_outcomes_total", "SMS gateway send outcomes since the daemon started.", "counter", {}};
  for (const auto* outcome :
       {"accepted", "retry_later", "outcome_unknown", "rejected_permanently", "gateway_unavailable"}) {
    const auto it = recent_outcomes_.find(outcome);
    outcomes.samples.push_back(
        {{{"outcome", outcome}}, it == recent_outcomes_.end() ? 0.0 : static_cast<double>(it->second), ""});
  }
  std::vector<metrics::Family> out{
      std::move(states),
      std::move(outcomes),
      latency_.family("paminna_gateway_send_seconds", "Time from an SMS request to its outcome."),
      {"paminna_gateway_paused",
       "1 while sending is paused (credentials, credit or gateway down).",
       "gauge",
       {{{}, paused_until_ ? 1.0 : 0.0, ""}}},
      {"paminna_gateway_failing_since_seconds",
       "Unix time since which every send failed for a reason of the gateway's; 0 when it is not failing.",
       "gauge",
       {{{}, failing_since_ ? static_cast<double>(failing_since_->time_since_epoch().count()) : 0.0, ""}}},
  };
  // From the store, so it survives a restart; absent until the first send ever.
  if (const auto last = store.last_sent()) {
    out.push_back({"paminna_gateway_last_success_timestamp_seconds",
                   "Unix time of the last SMS the gateway accepted.",
                   "gauge",
                   {{{}, static_cast<double>(last->time_since_epoch().count()), ""}}});
  }
  return out;
}

}  // namespace paminna
