#include "domain/booking_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace paminna {

using namespace std::chrono;

namespace {

// "2026-11-24 10:00": how staff write it, for messages they read.
std::string for_people(local_seconds local) {
  auto text = format_local_minutes(local);
  std::replace(text.begin(), text.end(), 'T', ' ');
  return text;
}

}  // namespace

std::optional<Place> parse_place(std::string_view text) {
  if (text == "office") {
    return Place::office;
  }
  if (text == "phone") {
    return Place::phone;
  }
  if (text == "home") {
    return Place::home;
  }
  return std::nullopt;
}

std::string_view to_string(Place place) {
  switch (place) {
    case Place::office:
      return "office";
    case Place::phone:
      return "phone";
    case Place::home:
      return "home";
  }
  return "office";
}

std::optional<BookingStatus> parse_booking_status(std::string_view text) {
  if (text == "booked") {
    return BookingStatus::booked;
  }
  if (text == "cancelled") {
    return BookingStatus::cancelled;
  }
  if (text == "attended") {
    return BookingStatus::attended;
  }
  if (text == "no-show") {
    return BookingStatus::no_show;
  }
  return std::nullopt;
}

std::string_view to_string(BookingStatus status) {
  switch (status) {
    case BookingStatus::booked:
      return "booked";
    case BookingStatus::cancelled:
      return "cancelled";
    case BookingStatus::attended:
      return "attended";
    case BookingStatus::no_show:
      return "no-show";
  }
  return "booked";
}

tl::expected<Instant, std::string> resolve_visit_time(const Zone& zone, std::string_view text) {
  const auto local = parse_local_minutes(text);
  if (!local) {
    return tl::unexpected(std::string("must be a local time written YYYY-MM-DD HH:MM"));
  }
  const auto utc = zone.to_utc(*local);
  if (utc) {
    return *utc;
  }
  const auto shown = for_people(std::chrono::local_seconds{*local});
  if (utc.error() == LocalTimeError::nonexistent) {
    return tl::unexpected(
        fmt::format("{} does not exist in {}: the clocks go forward that night (summer time "
                    "begins); choose another time",
                    shown, zone.name()));
  }
  return tl::unexpected(
      fmt::format("{} occurs twice in {}: the clocks go back that night (summer time ends); "
                  "choose another time",
                  shown, zone.name()));
}

tl::expected<std::string, std::string> normalise_staff(std::string_view text) {
  if (text.empty() || text.size() > 8 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; })) {
    return tl::unexpected(std::string("must be staff initials: 1 to 8 letters or digits"));
  }
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
  return upper;
}

bool overlaps(const Visit& a, const Visit& b) {
  return a.start < b.start + b.length && b.start < a.start + a.length;
}

tl::expected<std::vector<BookingWarning>, std::string> check_visit_time(const Visit& visit, Instant now,
                                                                        const std::vector<Visit>& same_staff,
                                                                        const VisitRules& rules, const Zone& zone) {
  const auto shown = [&](Instant at) { return for_people(zone.to_local(at)); };
  if (visit.start < now) {
    return tl::unexpected(fmt::format("{} is in the past (now {})", shown(visit.start), shown(now)));
  }
  std::vector<BookingWarning> warnings;
  // Whole days between the local dates: "14 days ahead" is what a person counts on a calendar.
  const auto days_ahead = (zone.local_day(visit.start) - zone.local_day(now)).count();
  if (days_ahead > rules.warn_beyond_days) {
    warnings.push_back({"far_ahead", fmt::format("the visit is {} days away; visits are booked within {} days of "
                                                 "the call (R4)",
                                                 days_ahead, rules.warn_beyond_days)});
  }
  for (const auto& other : same_staff) {
    if (other.id != visit.id && overlaps(visit, other)) {
      warnings.push_back({"overlap", fmt::format("overlaps booking {} at {} for the same staff member", other.id,
                                                 shown(other.start))});
    }
  }
  return warnings;
}

std::optional<std::string> change_refusal(BookingStatus status) {
  if (status == BookingStatus::booked) {
    return std::nullopt;
  }
  return fmt::format("the booking is {}; only a booked visit can be changed", to_string(status));
}

std::optional<std::string> mark_refusal(BookingStatus current, BookingStatus to, Instant start, Instant now,
                                        const Zone& zone) {
  if (to != BookingStatus::attended && to != BookingStatus::no_show) {
    return std::string("a visit is marked attended or no-show");
  }
  if (current == BookingStatus::cancelled) {
    return std::string("the booking is cancelled and cannot be marked");
  }
  if (start > now) {
    return fmt::format("the visit has not begun yet (starts {})", for_people(zone.to_local(start)));
  }
  return std::nullopt;
}

std::optional<std::string> mark_follow_up(BookingStatus to, bool first_visit) {
  if (to == BookingStatus::no_show && first_visit) {
    return std::string(
        "no-show at a first visit: send the letter, then close the case (R12): "
        "paminnactl client update REF --close");
  }
  return std::nullopt;
}

}  // namespace paminna
