#include "service/reminder_planner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "domain/client_rules.h"
#include "store/client_store.h"
#include "store/consent_store.h"
#include "store/reminder_store.h"

namespace paminna {

using namespace std::chrono;

namespace {

bool pending(ReminderState s) {
  return s == ReminderState::scheduled || s == ReminderState::retry || s == ReminderState::held;
}

bool live_or_done(ReminderState s) {
  return pending(s) || s == ReminderState::sending || s == ReminderState::sent;
}

Date date_of(const Zone& zone, Instant at) {
  return Date{zone.local_day(at)};
}

void cancel(store::ReminderStore& store, store::ReminderRecord& r, const std::string& why, Instant now) {
  r.state = ReminderState::cancelled;
  r.reason = why;
  r.updated_at = now;
  store.update(r);
}

store::ReminderRecord fresh(std::int64_t booking_id, const std::string& recipient, TextKind kind, Instant due,
                            Instant visit, Instant now) {
  store::ReminderRecord r;
  r.booking_id = booking_id;
  r.recipient = recipient;
  r.kind = kind;
  r.state = ReminderState::scheduled;
  r.due = due;
  r.visit_start = visit;
  r.created_at = now;
  r.updated_at = now;
  return r;
}

std::string join(const std::vector<std::string>& parts) {
  return fmt::format("{}", fmt::join(parts, "; "));
}

// Replaces the "nobody gets a reminder" note, or removes it when someone does.
void set_note(store::Database& db, store::ReminderStore& store, std::int64_t booking_id, const std::string& note,
              Instant visit, Instant now) {
  db.cached("DELETE FROM reminders WHERE booking_id = ?1 AND recipient = 'none'").bind(1, booking_id).run();
  if (!note.empty()) {
    auto r = fresh(booking_id, "none", TextKind::reminder, now, visit, now);
    r.state = ReminderState::skipped;
    r.reason = note;
    store.insert(r);
  }
}

}  // namespace

std::optional<Instant> as_soon_as_allowed(const ReminderPolicy& policy, const Zone& zone, Instant now, Instant visit) {
  const auto local = zone.to_local(now);
  const auto day = floor<days>(local);
  const auto time = duration_cast<minutes>(local - day);
  Instant at = now;
  if (time < policy.window_start) {
    at = zone.resolve_lenient(LocalMinutes{day.time_since_epoch() + policy.window_start});
  } else if (time >= policy.window_end) {
    at = zone.resolve_lenient(LocalMinutes{(day + days{1}).time_since_epoch() + policy.window_start});
  }
  if (visit - at <= policy.min_lead) {
    return std::nullopt;
  }
  return at;
}

Household household_for(store::Database& db, std::int64_t client_id, const Zone& zone, Instant now) {
  store::ClientStore clients(db);
  store::ConsentStore consents(db);
  Household household;
  const auto client = clients.find(client_id);
  if (!client) {
    household.client.id = "client:" + std::to_string(client_id);
    return household;
  }
  household.client = Contact{"client:" + std::to_string(client->id), client->phone, client->language,
                             consents.state(client->id, std::nullopt, "sms") == ConsentState::granted};
  household.under_15 = is_minor_under_15(client->born, client->minor_flag, date_of(zone, now));
  household.protected_identity = client->protected_identity;
  for (const auto& g : clients.guardians(client->id)) {
    household.guardians.push_back(Contact{"guardian:" + std::to_string(g.id), g.phone, g.language,
                                          consents.state(client->id, g.id, "sms") == ConsentState::granted});
  }
  return household;
}

std::string plan_booking_reminders(store::Database& db, const Config& config, const store::BookingRecord& b,
                                   Instant now, bool moved) {
  const Zone zone(config.office.timezone);
  const auto& policy = config.reminders.policy;
  store::ReminderStore store(db);
  auto rows = store.for_booking(b.id);
  std::string note;

  if (b.status != BookingStatus::booked) {
    const auto why = b.status == BookingStatus::cancelled ? "the booking was cancelled" : "the visit was marked";
    std::vector<std::string> told;
    for (auto& r : rows) {
      if (pending(r.state)) {
        cancel(store, r, why, now);
      } else if (r.state == ReminderState::sent && r.kind != TextKind::cancelled) {
        told.push_back(r.recipient);
      }
    }
    if (b.status == BookingStatus::cancelled && config.reminders.cancellation_sms) {
      std::sort(told.begin(), told.end());
      told.erase(std::unique(told.begin(), told.end()), told.end());
      if (const auto at = as_soon_as_allowed(policy, zone, now, b.start)) {
        for (const auto& recipient : told) {
          auto r = fresh(b.id, recipient, TextKind::cancelled, *at, b.start, now);
          store.insert(r);
        }
      }
    }
    store.set_booking_summary(b.id);
    return {};
  }

  const auto plan = plan_reminder(policy, zone, b.start, now);
  std::vector<Contact> recipients;
  std::vector<std::string> left_out;
  if (b.client_id) {
    auto choice = choose_recipients(policy, household_for(db, *b.client_id, zone, now));
    recipients = std::move(choice.to);
    left_out = std::move(choice.left_out);
  }
  auto is_recipient = [&](const std::string& id) {
    return std::any_of(recipients.begin(), recipients.end(), [&](const Contact& c) { return c.id == id; });
  };

  for (auto& r : rows) {
    if (r.recipient == "none" || !pending(r.state)) {
      continue;
    }
    if (!is_recipient(r.recipient)) {
      cancel(store, r, "no longer a recipient (consent or guardians changed)", now);
    } else if (r.kind == TextKind::reminder && r.visit_start != b.start) {
      if (plan.kind == PlanKind::none) {
        cancel(store, r, plan.why, now);
      } else {
        r.visit_start = b.start;
        r.due = *plan.due;
        r.state = ReminderState::scheduled;
        r.attempts = 0;
        r.updated_at = now;
        store.update(r);
      }
    }
  }

  for (const auto& contact : recipients) {
    auto has = [&](TextKind kind, bool for_this_visit) {
      return std::any_of(rows.begin(), rows.end(), [&](const store::ReminderRecord& r) {
        return r.recipient == contact.id && r.kind == kind && live_or_done(r.state) &&
               (!for_this_visit || r.visit_start == b.start);
      });
    };
    if (moved && has(TextKind::reminder, false) && !has(TextKind::reminder, true) && !has(TextKind::moved, true)) {
      const bool told_old_time = std::any_of(rows.begin(), rows.end(), [&](const store::ReminderRecord& r) {
        return r.recipient == contact.id && r.kind != TextKind::cancelled && r.state == ReminderState::sent &&
               r.visit_start != b.start;
      });
      if (told_old_time) {
        if (const auto at = as_soon_as_allowed(policy, zone, now, b.start)) {
          auto r = fresh(b.id, contact.id, TextKind::moved, *at, b.start, now);
          store.insert(r);
          rows.push_back(r);
        }
      }
    }
    if (plan.kind != PlanKind::none && !has(TextKind::reminder, true)) {
      // A "moved" message going out the same day says everything the reminder would.
      const bool moved_same_day = std::any_of(rows.begin(), rows.end(), [&](const store::ReminderRecord& r) {
        return r.recipient == contact.id && r.kind == TextKind::moved && r.visit_start == b.start &&
               zone.local_day(r.due) == zone.local_day(*plan.due);
      });
      if (!moved_same_day) {
        auto r = fresh(b.id, contact.id, TextKind::reminder, *plan.due, b.start, now);
        store.insert(r);
        rows.push_back(r);
      }
    }
  }

  if (plan.kind == PlanKind::none) {
    note = plan.why;
  } else if (recipients.empty()) {
    note = left_out.empty() ? "no recipient for an SMS reminder" : join(left_out);
  }
  set_note(db, store, b.id, note, b.start, now);
  store.set_booking_summary(b.id);
  return note;
}

void replan_client(store::Database& db, const Config& config, std::int64_t client_id, Instant now) {
  store::BookingStore bookings(db);
  store::BookingQuery query;
  query.from = now;
  query.to = now + days{3660};
  query.client_id = client_id;
  for (const auto& b : bookings.list(query)) {
    if (b.status == BookingStatus::booked) {
      plan_booking_reminders(db, config, b, now);
    }
  }
}

}  // namespace paminna
