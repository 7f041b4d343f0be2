#include "domain/local_time.h"

#include <gtest/gtest.h>

namespace paminna {
namespace {

using namespace std::chrono;

LocalMinutes local(int y, unsigned m, unsigned d, int h, int mi) {
  return LocalMinutes{local_days{year{y} / month{m} / day{d}}.time_since_epoch() + hours{h} + minutes{mi}};
}

TEST(LocalTime, ParsesBothSeparators) {
  EXPECT_EQ(parse_local_minutes("2026-11-24T10:00"), local(2026, 11, 24, 10, 0));
  EXPECT_EQ(parse_local_minutes("2026-11-24 10:00"), local(2026, 11, 24, 10, 0));
}

TEST(LocalTime, RefusesMalformedAndImpossibleDates) {
  for (const char* text : {"2026-11-24", "2026-02-30T10:00", "2026-11-24T24:00", "2026-11-24T10:60", "2026-1-24T10:00",
                           "2026-11-24X10:00", "2026-11-24T10:00Z", "", "abcd-ef-ghTij:kl"}) {
    EXPECT_EQ(parse_local_minutes(text).error(), LocalTimeError::malformed) << text;
  }
}

TEST(LocalTime, WinterAndSummerOffsetsInStockholm) {
  const Zone zone("Europe/Stockholm");
  EXPECT_EQ(format_utc(*zone.to_utc(local(2026, 11, 24, 10, 0))), "2026-11-24T09:00:00Z");
  EXPECT_EQ(format_utc(*zone.to_utc(local(2026, 6, 24, 10, 0))), "2026-06-24T08:00:00Z");
}

TEST(LocalTime, SpringGapIsNonexistent) {
  const Zone zone("Europe/Stockholm");
  // 2026-03-29: clocks go from 02:00 to 03:00.
  EXPECT_EQ(zone.to_utc(local(2026, 3, 29, 2, 30)).error(), LocalTimeError::nonexistent);
  EXPECT_EQ(format_utc(zone.resolve_lenient(local(2026, 3, 29, 2, 30))), "2026-03-29T01:00:00Z");
}

TEST(LocalTime, AutumnOverlapIsAmbiguous) {
  const Zone zone("Europe/Stockholm");
  // 2026-10-25: clocks go from 03:00 back to 02:00.
  EXPECT_EQ(zone.to_utc(local(2026, 10, 25, 2, 30)).error(), LocalTimeError::ambiguous);
  EXPECT_EQ(format_utc(zone.resolve_lenient(local(2026, 10, 25, 2, 30))), "2026-10-25T00:30:00Z");
}

TEST(LocalTime, LocalDayAcrossMidnight) {
  const Zone zone("Europe/Stockholm");
  const auto utc = *parse_utc("2026-12-31T23:30:00Z");  // 00:30 local on New Year's Day
  EXPECT_EQ(zone.local_day(utc), local_days{year{2027} / January / 1});
  EXPECT_EQ(format_local_minutes(zone.to_local(utc)), "2027-01-01T00:30");
}

TEST(LocalTime, UnknownZoneIsAnError) {
  EXPECT_THROW(Zone("Europe/Atlantis"), std::invalid_argument);
}

TEST(LocalTime, UtcRoundTrip) {
  EXPECT_EQ(format_utc(*parse_utc("2026-03-29T01:00:00Z")), "2026-03-29T01:00:00Z");
  EXPECT_FALSE(parse_utc("2026-03-29T01:00:00").has_value());
}

TEST(LocalTime, FormatsPadEveryFieldAndKeepSeconds) {
  EXPECT_EQ(format_local_minutes(local_seconds{local(2026, 1, 2, 3, 4)}), "2026-01-02T03:04");
  EXPECT_EQ(format_local_minutes(local_seconds{local(999, 12, 31, 23, 59)}), "0999-12-31T23:59");
  EXPECT_EQ(format_utc(sys_days{year{2026} / 2 / 28} + hours{0} + minutes{0} + seconds{59}), "2026-02-28T00:00:59Z");
  EXPECT_EQ(format_utc(sys_days{year{2028} / 2 / 29} + hours{23} + minutes{59} + seconds{9}), "2028-02-29T23:59:09Z");
}

TEST(LocalTime, YearsBeyondFourDigitsStayReadable) {
  EXPECT_EQ(format_local_minutes(local_seconds{local(10000, 1, 1, 0, 0)}), "10000-01-01T00:00");
  EXPECT_EQ(format_utc(sys_days{year{-1} / 1 / 1} + seconds{1}), "-001-01-01T00:00:01Z");
}

}  // namespace
}  // namespace paminna
