#include "domain/reminder_policy.h"

#include <fmt/format.h>

namespace paminna {

using namespace std::chrono;

Instant usual_due(const ReminderPolicy& policy, const Zone& zone, Instant visit_start) {
  const auto visit_day = zone.local_day(visit_start);
  return zone.resolve_lenient(LocalMinutes{(visit_day - days{1}).time_since_epoch() + policy.send_at});
}

namespace {

std::string hhmm(minutes m) {
  return fmt::format("{:02}:{:02}", m.count() / 60, m.count() % 60);
}

}  // namespace

ReminderPlan plan_reminder(const ReminderPolicy& policy, const Zone& zone, Instant visit_start, Instant now) {
  if (visit_start <= now) {
    return {PlanKind::none, std::nullopt, "the visit has already begun"};
  }
  if (zone.local_day(visit_start) == zone.local_day(now)) {
    return {PlanKind::none, std::nullopt, "booked for the same day: no reminder"};
  }
  const auto due = usual_due(policy, zone, visit_start);
  if (now < due) {
    return {PlanKind::scheduled, due, {}};
  }
  const auto local_now = zone.to_local(now);
  const auto time_of_day = duration_cast<minutes>(local_now - floor<days>(local_now));
  if (time_of_day < policy.window_start || time_of_day >= policy.window_end) {
    return {PlanKind::none, std::nullopt,
            fmt::format("booked after the reminder time and outside the sending window {}–{}: no reminder",
                        hhmm(policy.window_start), hhmm(policy.window_end))};
  }
  if (visit_start - now <= policy.min_lead) {
    return {PlanKind::none, std::nullopt,
            fmt::format("the visit is less than {} minutes away: no reminder",
                        duration_cast<minutes>(policy.min_lead).count())};
  }
  return {PlanKind::immediate, now, {}};
}

RecipientChoice choose_recipients(const ReminderPolicy& policy, const Household& household) {
  RecipientChoice choice;
  if (household.protected_identity && !policy.allow_protected_identity) {
    choice.left_out.push_back("protected identity: no SMS unless the configuration allows it");
    return choice;
  }
  auto consider = [&](const Contact& contact) {
    if (!contact.consented) {
      choice.left_out.push_back(contact.id + " has not consented to SMS");
    } else if (!contact.mobile) {
      choice.left_out.push_back(contact.id + " has no mobile number");
    } else {
      choice.to.push_back(contact);
    }
  };
  if (household.under_15) {
    if (household.guardians.empty()) {
      choice.left_out.push_back("a child under 15 with no guardian recorded");
    }
    for (const auto& guardian : household.guardians) {
      consider(guardian);
    }
  } else {
    consider(household.client);
  }
  return choice;
}

}  // namespace paminna
