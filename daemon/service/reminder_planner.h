// Keeps a booking's reminders in step with the booking, its client's consent
// and the policy (R1, R3, R12). Runs inside the caller's transaction, so a
// booking change and its reminders commit together (reminder_state.h, I2).
//
// What each change does to the booking's rows:
//  - booked / recipients changed: each current recipient (choose_recipients)
//    has one live reminder for the visit, due per plan_reminder; pending rows
//    of people no longer recipients are cancelled. When nobody gets one, a
//    row for recipient "none" in state skipped says why.
//  - moved: pending reminders follow the new time; a recipient who already
//    got the reminder for the old time gets a "moved" message as soon as the
//    sending window allows, and the usual reminder for the new day.
//  - cancelled or marked: pending rows are cancelled; with
//    reminders.cancellation_sms, whoever got a reminder gets a "cancelled" message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "domain/reminder_policy.h"
#include "store/booking_store.h"
#include "store/sqlite.h"

namespace paminna {

// The people around a client as the policy sees them, read from the store on `now`'s date.
Household household_for(store::Database& db, std::int64_t client_id, const Zone& zone, Instant now);

// Returns the note for staff when the booking gets no reminder (empty otherwise).
std::string plan_booking_reminders(store::Database& db, const Config& config, const store::BookingRecord& booking,
                                   Instant now, bool moved = false);

// Consent, guardians or numbers changed: replan the client's future booked visits.
void replan_client(store::Database& db, const Config& config, std::int64_t client_id, Instant now);

// The earliest instant from `now` inside the sending window, if it leaves the lead time before `visit`.
std::optional<Instant> as_soon_as_allowed(const ReminderPolicy& policy, const Zone& zone, Instant now, Instant visit);

}  // namespace paminna
