// The office's local time zone: conversions between UTC instants and the
// wall-clock times people read and type.
//
// Contract: a local time that does not exist (spring DST gap) or occurs twice
// (autumn overlap) is reported as an error value, never silently shifted:
// a person booking 02:30 on the last Sunday of March must be told.
// Thread-safety: a Zone is immutable and may be shared.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "domain/time.h"

namespace date {
class time_zone;
}

namespace paminna {

using LocalMinutes = std::chrono::local_time<std::chrono::minutes>;
using LocalDays = std::chrono::local_days;

enum class LocalTimeError {
  malformed,    // not YYYY-MM-DDTHH:MM (or with a space instead of T)
  nonexistent,  // skipped by a DST change
  ambiguous,    // occurs twice at a DST change
};

std::string_view to_string(LocalTimeError error);

class Zone {
 public:
  // Throws std::invalid_argument naming the zone when it is unknown to the OS tz database.
  explicit Zone(std::string_view iana_name);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] tl::expected<Instant, LocalTimeError> to_utc(LocalMinutes local) const;
  // For instants coming from a rule (never ambiguous in that direction).
  [[nodiscard]] std::chrono::local_seconds to_local(Instant utc) const;
  // The UTC instant of local midnight starting `day` (midnight always exists in
  // zones we serve; if it did not, the first existing instant after it).
  [[nodiscard]] Instant start_of_day(LocalDays day) const;
  [[nodiscard]] LocalDays local_day(Instant utc) const;
  // UTC instant of a local wall time on a day, resolving a DST gap forward
  // and an overlap to the earlier instant: for scheduling, not for people.
  [[nodiscard]] Instant resolve_lenient(LocalMinutes local) const;

 private:
  const date::time_zone* tz_;
  std::string name_;
};

// "2026-11-24T10:00" or "2026-11-24 10:00".
tl::expected<LocalMinutes, LocalTimeError> parse_local_minutes(std::string_view text);
// "2026-11-24T10:00"
std::string format_local_minutes(std::chrono::local_seconds local);
// "2026-11-24T09:00:00Z"
std::string format_utc(Instant utc);
// Parses format_utc's output; nullopt-like error on anything else.
tl::expected<Instant, LocalTimeError> parse_utc(std::string_view text);

}  // namespace paminna
