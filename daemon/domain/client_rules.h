// Rules about clients, guardians and consent (R2, R3, R9, R10). Pure: no I/O,
// `today`/`now` are parameters.
//
// Contract
//  - A client is a *child under 15* when the date of birth says so on the
//    given day, or, without a date of birth, when the explicit flag says so.
//    Age is counted in whole years; someone born on 29 February turns a year
//    older on 1 March in common years.
//  - Guardians are recorded only for a child under 15 (R3: from 15 the young
//    person is called and consents); a guardian on an adult is refused.
//  - Consent is complete (R1, R3): for a child under 15 when the child has at
//    least one guardian and *every* guardian has a granted, not withdrawn,
//    consent; otherwise when the client has.
//  - A consent is an append-only history of grant/withdraw events; the latest
//    event decides. Granting what is granted, or withdrawing what is not
//    granted, is refused so the history only records real changes.
//  - Reopen (R10): a reference closed less than `within` ago reopens; later,
//    the office opens a new case (a new reference).
//  - Retention (R9): a client's records end `keep` after the last contact.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "domain/local_time.h"
#include "domain/time.h"

#include "domain/language.h"

namespace paminna {

using Date = std::chrono::year_month_day;

// "2012-05-01"; an impossible date (2026-02-30) is an error.
tl::expected<Date, std::string> parse_date(std::string_view text);
std::string format_date(Date date);

constexpr int kGuardianAgeLimit = 15;  // R3

// Whole years completed on `on`; 0 when `on` is before `born`.
int age_on(Date born, Date on);

// R3: under 15 on `on`, from the date of birth if known, else from the flag.
bool is_minor_under_15(const std::optional<Date>& born, bool minor_flag, Date on);

// R3: nothing when guardians may be added; otherwise why not.
std::optional<std::string> guardian_refusal(const std::optional<Date>& born, bool minor_flag, Date today);

enum class ConsentEventKind { grant, withdraw };
enum class ConsentState { none, granted, withdrawn };
std::string_view to_string(ConsentState state);

// The state after a history of events, oldest first.
ConsentState consent_state(const std::vector<ConsentEventKind>& history);

// Whether an event may be appended to a person's history; the refusal says why.
std::optional<std::string> consent_change_refusal(ConsentState current, ConsentEventKind next);

// R2: where a consent is documented.
inline constexpr std::string_view kConsentSources[] = {"victim-form", "police-report", "phone", "in-person"};
bool valid_consent_source(std::string_view source);

struct GuardianConsent {
  std::int64_t guardian_id = 0;
  ConsentState state = ConsentState::none;
};

struct ConsentCompleteness {
  bool complete = false;
  bool via_guardians = false;                   // a child under 15: the guardians decide (R3)
  std::vector<std::int64_t> missing_guardians;  // guardians without a granted consent
  std::string summary;                          // for people: "2 of 2 guardians consented"
};

// R1/R3 for one channel.
ConsentCompleteness consent_completeness(bool minor_under_15, ConsentState client,
                                         const std::vector<GuardianConsent>& guardians);

// R10
enum class ReopenDecision { reopen, new_case };
ReopenDecision reopen_decision(Instant closed_at, Instant now, Duration within);

// R9: records whose last contact is before the cutoff are purged.
Instant retention_cutoff(Instant now, int keep_days);
bool retention_expired(Instant last_contact, Instant now, int keep_days);

// The next daily run at `hour`:00 local strictly after `now` (a DST gap moves it
// forward, an overlap takes the first occurrence).
Instant next_daily_run(const Zone& zone, Instant now, int hour);

}  // namespace paminna
