// When a visit's day-before reminder goes out, and to whom (R1, R3, R11, R12).
// Pure: the visit, the people and `now` are parameters.
//
// Contract
//  1. Due = the configured local time (default 10:00) on the local day before
//     the visit, in the office's zone. On a DST day the wall time is kept
//     (10:00 stays 10:00 local), resolved forward if it falls in a gap.
//  2. A booking made before that moment is scheduled at it.
//  3. A booking made after it is reminded at once when now is inside the
//     sending window (default 08:00–20:00 local) and the visit is still more
//     than the lead time (default 2 h) away; otherwise it gets no reminder and
//     the plan says why.
//  4. A visit booked for the same local day gets no reminder.
//  5. Recipients: the client from 15 with a granted SMS consent and a mobile
//     number; for a child under 15 every guardian who consented and has a
//     mobile number, never the child (R3). A protected-identity client's
//     household gets none unless configuration allows it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/language.h"
#include "domain/local_time.h"
#include "domain/time.h"

namespace paminna {

struct ReminderPolicy {
  std::chrono::minutes send_at{10 * 60};  // local time of day, the day before
  std::chrono::minutes window_start{8 * 60};
  std::chrono::minutes window_end{20 * 60};
  Duration min_lead{2 * 3600};
  bool allow_protected_identity = false;
};

enum class PlanKind {
  scheduled,  // due at `due`
  immediate,  // booked after the usual moment: due now
  none,       // no reminder; `why` says so
};

struct ReminderPlan {
  PlanKind kind = PlanKind::none;
  std::optional<Instant> due;
  std::string why;  // for none: a sentence for staff, e.g. "booked for the same day"
};

ReminderPlan plan_reminder(const ReminderPolicy& policy, const Zone& zone, Instant visit_start, Instant now);

// The usual due instant (rule 1), whatever `now` is.
Instant usual_due(const ReminderPolicy& policy, const Zone& zone, Instant visit_start);

struct Contact {
  std::string id;                     // "client:K-1" or "guardian:7": never a name
  std::optional<std::string> mobile;  // E.164
  Language language = Language::sv;
  bool consented = false;  // granted and not withdrawn (R2)
};

struct Household {
  Contact client;
  bool under_15 = false;
  bool protected_identity = false;
  std::vector<Contact> guardians;
};

struct RecipientChoice {
  std::vector<Contact> to;
  // Why someone who might expect a reminder gets none ("guardian:7 has not consented").
  std::vector<std::string> left_out;
};

RecipientChoice choose_recipients(const ReminderPolicy& policy, const Household& household);

}  // namespace paminna
