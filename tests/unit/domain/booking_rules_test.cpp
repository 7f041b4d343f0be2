#include "domain/booking_rules.h"

#include <gtest/gtest.h>

namespace paminna {
namespace {

using namespace std::chrono;

const Zone& zone() {
  static const Zone z("Europe/Stockholm");
  return z;
}

Instant utc(const char* text) {
  return *parse_utc(text);
}

TEST(BookingRules, ParsesPlacesAndStatuses) {
  EXPECT_EQ(parse_place("home"), Place::home);
  EXPECT_FALSE(parse_place("café").has_value());
  EXPECT_EQ(parse_booking_status("no-show"), BookingStatus::no_show);
  EXPECT_EQ(to_string(BookingStatus::no_show), "no-show");
}

TEST(BookingRules, ResolvesLocalTimes) {
  EXPECT_EQ(format_utc(*resolve_visit_time(zone(), "2026-11-24 10:00")), "2026-11-24T09:00:00Z");
  EXPECT_EQ(format_utc(*resolve_visit_time(zone(), "2026-06-24T10:00")), "2026-06-24T08:00:00Z");
  EXPECT_NE(resolve_visit_time(zone(), "24/11 10:00").error().find("YYYY-MM-DD HH:MM"), std::string::npos);
}

TEST(BookingRules, SpringGapTimeDoesNotExist) {
  const auto error = resolve_visit_time(zone(), "2026-03-29 02:30").error();
  EXPECT_NE(error.find("does not exist"), std::string::npos) << error;
  EXPECT_NE(error.find("2026-03-29 02:30"), std::string::npos) << error;
}

TEST(BookingRules, AutumnOverlapTimeOccursTwice) {
  const auto error = resolve_visit_time(zone(), "2026-10-25 02:30").error();
  EXPECT_NE(error.find("occurs twice"), std::string::npos) << error;
}

TEST(BookingRules, StaffInitials) {  // R4: one owner
  EXPECT_EQ(*normalise_staff("al"), "AL");
  EXPECT_FALSE(normalise_staff("").has_value());
  EXPECT_FALSE(normalise_staff("A L").has_value());
  EXPECT_FALSE(normalise_staff("ABCDEFGHI").has_value());
}

TEST(BookingRules, PastIsRefused) {  // R4
  const auto now = utc("2026-11-24T09:00:00Z");
  const Visit visit{0, utc("2026-11-24T08:59:00Z"), minutes{60}};
  const auto checked = check_visit_time(visit, now, {}, {}, zone());
  ASSERT_FALSE(checked.has_value());
  EXPECT_NE(checked.error().find("in the past"), std::string::npos);
  // Starting right now is not the past.
  EXPECT_TRUE(check_visit_time({0, now, minutes{60}}, now, {}, {}, zone()).has_value());
}

TEST(BookingRules, MoreThanTwoWeeksAheadWarns) {  // R4
  const auto now = utc("2026-11-10T15:00:00Z");   // 16:00 local on 10 Nov
  const auto in14 = check_visit_time({0, utc("2026-11-24T08:00:00Z"), minutes{60}}, now, {}, {14}, zone());
  ASSERT_TRUE(in14.has_value());
  EXPECT_TRUE(in14->empty());
  const auto in15 = check_visit_time({0, utc("2026-11-25T08:00:00Z"), minutes{60}}, now, {}, {14}, zone());
  ASSERT_TRUE(in15.has_value());
  ASSERT_EQ(in15->size(), 1U);
  EXPECT_EQ(in15->front().code, "far_ahead");
  EXPECT_NE(in15->front().message.find("15 days"), std::string::npos);
}

TEST(BookingRules, OverlapForSameStaffWarns) {  // R4
  const auto now = utc("2026-11-20T08:00:00Z");
  const std::vector<Visit> others{{7, utc("2026-11-24T09:00:00Z"), minutes{60}},
                                  {8, utc("2026-11-24T11:00:00Z"), minutes{30}}};
  const auto overlapping = check_visit_time({0, utc("2026-11-24T09:30:00Z"), minutes{60}}, now, others, {}, zone());
  ASSERT_EQ(overlapping->size(), 1U);
  EXPECT_EQ(overlapping->front().code, "overlap");
  EXPECT_NE(overlapping->front().message.find("booking 7"), std::string::npos);
  // Back to back is not an overlap.
  EXPECT_TRUE(check_visit_time({0, utc("2026-11-24T10:00:00Z"), minutes{60}}, now, others, {}, zone())->empty());
  // A visit never overlaps itself (a move).
  EXPECT_TRUE(check_visit_time({7, utc("2026-11-24T09:15:00Z"), minutes{60}}, now, others, {}, zone())->empty());
}

TEST(BookingRules, OnlyBookedVisitsChange) {
  EXPECT_FALSE(change_refusal(BookingStatus::booked).has_value());
  EXPECT_TRUE(change_refusal(BookingStatus::cancelled).has_value());
  EXPECT_TRUE(change_refusal(BookingStatus::attended).has_value());
}

TEST(BookingRules, MarkOnlyOnceBegunAndNotCancelled) {  // R12
  const auto start = utc("2026-11-24T09:00:00Z");
  EXPECT_TRUE(mark_refusal(BookingStatus::booked, BookingStatus::attended, start, start - minutes{1}, zone()));
  EXPECT_FALSE(mark_refusal(BookingStatus::booked, BookingStatus::no_show, start, start, zone()));
  EXPECT_FALSE(mark_refusal(BookingStatus::no_show, BookingStatus::attended, start, start + hours{1}, zone()));
  EXPECT_TRUE(mark_refusal(BookingStatus::cancelled, BookingStatus::attended, start, start + hours{1}, zone()));
  EXPECT_TRUE(mark_refusal(BookingStatus::booked, BookingStatus::cancelled, start, start + hours{1}, zone()));
}

TEST(BookingRules, NoShowAtFirstVisitNeedsALetter) {  // R12
  EXPECT_TRUE(mark_follow_up(BookingStatus::no_show, true).has_value());
  EXPECT_FALSE(mark_follow_up(BookingStatus::no_show, false).has_value());
  EXPECT_FALSE(mark_follow_up(BookingStatus::attended, true).has_value());
}

}  // namespace
}  // namespace paminna
