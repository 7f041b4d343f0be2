// The life of one reminder in the outbox, and the rules that move it.
//
//                 claim                 accepted
//   scheduled ──────────► sending ─────────────────────► sent
//     ▲   │ ▲               │ │ │  retry later / unknown
//     │   │ └──── due ───── │ │ └──────────────────────► retry ──(due)──► sending
//     │   │                 │ │  rejected / out of tries
//     │   │                 │ ├────────────────────────► failed
//     │   │                 │ │  unknown outcome, policy "hold"      resolve --sent / --resend
//     │   │                 │ └────────────────────────► held ──────────────────► sent | scheduled
//     │   │ consent withdrawn, booking changed at send time
//     │   ├────────────────────────────────────────────► skipped
//     │   │ booking cancelled or moved
//     │   ├────────────────────────────────────────────► cancelled
//     │   │ the visit has begun
//     │   └────────────────────────────────────────────► expired
//     └─ (a move before sending recomputes the due time: the row stays scheduled)
//
// Invariants
//  I1. A reminder is in exactly one state; sent, failed, skipped, cancelled
//      and expired are final.
//  I2. A reminder is created in the same transaction as the booking change
//      that causes it, so a stored booking never lacks its reminders.
//  I3. `sending` is written (durably) before the request leaves; a reminder
//      found in `sending` at start-up was perhaps sent: it is resolved by
//      the unknown-outcome policy, never silently re-sent as new.
//  I4. Nothing is sent at or after the visit's start (expired).
//  I5. Consent and booking are checked again in the claim, not only at booking.
//  I6. `held` waits for a person (reminder.resolve); it expires like any
//      unsent reminder once the visit has begun.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "domain/time.h"

namespace paminna {

enum class ReminderState { scheduled, sending, sent, retry, held, failed, skipped, cancelled, expired };

std::string_view to_string(ReminderState state);
std::optional<ReminderState> parse_reminder_state(std::string_view text);
bool is_final(ReminderState state);

struct BackoffPolicy {
  Duration base{30};      // first retry after about this long
  Duration cap{30 * 60};  // no wait longer than this
  int max_attempts = 20;
  // The last attempt must leave before the visit by at least this margin.
  Duration before_visit{15 * 60};
};

// When to try again after `attempts` failed tries (1 = the first failed), with
// full jitter: a uniformly random wait in [0, min(cap, base·2^(attempts-1))],
// `unit_random` in [0,1) supplied by the caller. A provider's Retry-After is a
// floor. nullopt: give up (out of attempts, or no retry could leave in time).
std::optional<Instant> next_attempt(const BackoffPolicy& policy, int attempts, double unit_random,
                                    std::optional<Duration> retry_after, Instant now, Instant visit_start);

}  // namespace paminna
