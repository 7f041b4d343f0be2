#include "phone/phone_sink.h"

namespace paminna::phone {

using nlohmann::json;

namespace {

json utc_or_null(const std::optional<Instant>& at) {
  return at ? json(format_utc(*at)) : json(nullptr);
}

json local_or_null(const Zone& zone, const std::optional<Instant>& at) {
  return at ? json(format_local_minutes(zone.to_local(*at))) : json(nullptr);
}

}  // namespace

json phone_document(const PhoneState& state, const Zone& zone, const std::string& office, Instant updated) {
  const std::optional<Instant> next = state.next ? std::optional<Instant>(state.next->at) : std::nullopt;
  // A since that only says "longer than we look back" is not a time anyone should read.
  const std::optional<Instant> since = state.since_is_bound ? std::nullopt : std::optional<Instant>(state.since);
  return json{
      {"status", to_string(state.status)},
      {"reason", to_string(state.reason)},
      {"note", state.note.empty() ? json(nullptr) : json(state.note)},
      {"since_utc", utc_or_null(since)},
      {"since_local", local_or_null(zone, since)},
      {"next_change_utc", utc_or_null(next)},
      {"next_change_local", local_or_null(zone, next)},
      {"next_status", state.next ? json(to_string(state.next->status)) : json(nullptr)},
      {"next_reason", state.next ? json(to_string(state.next->reason)) : json(nullptr)},
      {"available_staff", state.available_staff},
      {"holiday", state.holiday ? json(*state.holiday) : json(nullptr)},
      {"office", office},
      {"timezone", zone.name()},
      {"updated_utc", format_utc(updated)},
  };
}

PhonePublication make_publication(const PhoneState& state, const Zone& zone, const std::string& office,
                                  Instant updated) {
  return {phone_document(state, zone, office, updated), std::string(to_string(state.status))};
}

std::string url_origin(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return "(invalid url)";
  }
  const auto host_start = scheme_end + 3;
  auto host_end = url.find_first_of("/?#", host_start);
  if (host_end == std::string::npos) {
    host_end = url.size();
  }
  auto authority = url.substr(host_start, host_end - host_start);
  if (const auto at = authority.rfind('@'); at != std::string::npos) {
    authority = authority.substr(at + 1);
  }
  return url.substr(0, host_start) + authority;
}

}  // namespace paminna::phone
