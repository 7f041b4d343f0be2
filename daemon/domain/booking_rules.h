// Rules about bookings (R4, R12) and the local times people type. Pure: no
// I/O, `now` is a parameter.
//
// Contract
//  - A visit time typed by a person is a local time in the office's zone. A
//    time skipped by the spring DST change, or occurring twice in autumn, is
//    refused with a message that says so; it is never silently shifted.
//  - A visit may not start in the past (refused). More than `warn_beyond_days`
//    ahead (R4: within two weeks of the call) and overlapping another visit of
//    the same staff member are warnings: the booking is made and the staff
//    told.
//  - Only a booked visit can be moved, cancelled or reassigned. A visit is
//    marked attended or no-show once it has begun, and may be re-marked (a
//    correction); a cancelled visit cannot be marked.
//  - A no-show at a first visit (NY) ends the case after a letter (R12).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "domain/local_time.h"
#include "domain/time.h"

namespace paminna {

enum class Place { office, phone, home };
std::optional<Place> parse_place(std::string_view text);
std::string_view to_string(Place place);

enum class BookingStatus { booked, cancelled, attended, no_show };
std::optional<BookingStatus> parse_booking_status(std::string_view text);  // "no-show" for no_show
std::string_view to_string(BookingStatus status);

// A person's local time "YYYY-MM-DD HH:MM" (or with T) to UTC; the error is a
// sentence naming the time and why it cannot be used.
tl::expected<Instant, std::string> resolve_visit_time(const Zone& zone, std::string_view text);

// Staff initials: 1–8 ASCII letters or digits; returned upper-case.
tl::expected<std::string, std::string> normalise_staff(std::string_view text);

struct Visit {
  std::int64_t id = 0;
  Instant start;
  Duration length{};
};

struct BookingWarning {
  std::string code;  // stable: "far_ahead", "overlap", "consent_incomplete", "interpreter_missing"
  std::string message;
};

struct VisitRules {
  int warn_beyond_days = 14;
};

// R4: checks a visit's time against now and the same staff member's other
// booked visits (the visit itself excluded by id). Err: refused, with why.
tl::expected<std::vector<BookingWarning>, std::string> check_visit_time(const Visit& visit, Instant now,
                                                                        const std::vector<Visit>& same_staff,
                                                                        const VisitRules& rules, const Zone& zone);

bool overlaps(const Visit& a, const Visit& b);

// Why a booked-state change (move, cancel, reassign) is refused, if it is.
std::optional<std::string> change_refusal(BookingStatus status);

// Why marking the visit `to` is refused, if it is.
std::optional<std::string> mark_refusal(BookingStatus current, BookingStatus to, Instant start, Instant now,
                                        const Zone& zone);

// R12: what the staff should do after a mark, if anything.
std::optional<std::string> mark_follow_up(BookingStatus to, bool first_visit);

}  // namespace paminna
