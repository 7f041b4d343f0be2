#include "domain/client_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace paminna {

using namespace std::chrono;

tl::expected<Date, std::string> parse_date(std::string_view text) {
  const auto bad = [&] { return tl::unexpected(std::string("must be a date written YYYY-MM-DD")); };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return bad();
  }
  auto number = [&](std::size_t at, std::size_t length, int& out) {
    const auto* first = text.data() + at;
    const auto* last = first + length;
    if (!std::all_of(first, last, [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
    return std::from_chars(first, last, out).ptr == last;
  };
  int y = 0;
  int m = 0;
  int d = 0;
  if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d)) {
    return bad();
  }
  const Date date{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) {
    return tl::unexpected(std::string("is not a date that exists"));
  }
  return date;
}

std::string format_date(Date date) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()));
}

int age_on(Date born, Date on) {
  if (sys_days{on} < sys_days{born}) {
    return 0;
  }
  int age = static_cast<int>(on.year()) - static_cast<int>(born.year());
  // Birthday not yet reached this year. Comparing (month, day) puts 29 Feb after 28 Feb,
  // so a leap-day child turns older on 1 March in common years.
  if (std::pair{static_cast<unsigned>(on.month()), static_cast<unsigned>(on.day())} <
      std::pair{static_cast<unsigned>(born.month()), static_cast<unsigned>(born.day())}) {
    --age;
  }
  return age;
}

bool is_minor_under_15(const std::optional<Date>& born, bool minor_flag, Date on) {
  if (born) {
    return age_on(*born, on) < kGuardianAgeLimit;
  }
  return minor_flag;
}

std::optional<std::string> guardian_refusal(const std::optional<Date>& born, bool minor_flag, Date today) {
  if (is_minor_under_15(born, minor_flag, today)) {
    return std::nullopt;
  }
  if (born) {
    return fmt::format(
        "the client is {} (born {}): guardians are recorded only for a child under 15, "
        "who consents through them (R3)",
        age_on(*born, today), format_date(*born));
  }
  return std::string(
      "the client is not marked as a child under 15: guardians are recorded only for a child under 15 (R3); "
      "set a date of birth or the minor flag first");
}

std::string_view to_string(ConsentState state) {
  switch (state) {
    case ConsentState::none:
      return "none";
    case ConsentState::granted:
      return "granted";
    case ConsentState::withdrawn:
      return "withdrawn";
  }
  return "none";
}

ConsentState consent_state(const std::vector<ConsentEventKind>& history) {
  if (history.empty()) {
    return ConsentState::none;
  }
  return history.back() == ConsentEventKind::grant ? ConsentState::granted : ConsentState::withdrawn;
}

std::optional<std::string> consent_change_refusal(ConsentState current, ConsentEventKind next) {
  if (next == ConsentEventKind::grant && current == ConsentState::granted) {
    return std::string("consent is already granted; nothing was changed");
  }
  if (next == ConsentEventKind::withdraw && current == ConsentState::withdrawn) {
    return std::string("consent is already withdrawn; nothing was changed");
  }
  if (next == ConsentEventKind::withdraw && current == ConsentState::none) {
    return std::string("no consent has been granted, so there is nothing to withdraw");
  }
  return std::nullopt;
}

bool valid_consent_source(std::string_view source) {
  return std::find(std::begin(kConsentSources), std::end(kConsentSources), source) != std::end(kConsentSources);
}

ConsentCompleteness consent_completeness(bool minor_under_15, ConsentState client,
                                         const std::vector<GuardianConsent>& guardians) {
  ConsentCompleteness result;
  if (!minor_under_15) {
    result.complete = client == ConsentState::granted;
    result.summary = result.complete ? "client consented" : fmt::format("client consent: {}", to_string(client));
    return result;
  }
  result.via_guardians = true;
  for (const auto& guardian : guardians) {
    if (guardian.state != ConsentState::granted) {
      result.missing_guardians.push_back(guardian.guardian_id);
    }
  }
  const auto consented = guardians.size() - result.missing_guardians.size();
  // A child with no guardian recorded has no one who could consent (R3).
  result.complete = !guardians.empty() && result.missing_guardians.empty();
  result.summary = guardians.empty()
                       ? std::string("child under 15: no guardian recorded")
                       : fmt::format("child under 15: {} of {} guardians consented", consented, guardians.size());
  return result;
}

ReopenDecision reopen_decision(Instant closed_at, Instant now, Duration within) {
  return now - closed_at < within ? ReopenDecision::reopen : ReopenDecision::new_case;
}

Instant retention_cutoff(Instant now, int keep_days) {
  return now - days{keep_days};
}

bool retention_expired(Instant last_contact, Instant now, int keep_days) {
  return last_contact < retention_cutoff(now, keep_days);
}

Instant next_daily_run(const Zone& zone, Instant now, int hour) {
  auto day = zone.local_day(now);
  for (int i = 0; i < 3; ++i, day += days{1}) {
    const auto at = zone.resolve_lenient(LocalMinutes{day.time_since_epoch() + hours{hour}});
    if (at > now) {
      return at;
    }
  }
  return now + days{1};  // unreachable for real zones
}

}  // namespace paminna
