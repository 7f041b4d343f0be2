#include "domain/swedish_holidays.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>

namespace paminna {
namespace {

using namespace std::chrono;

year_month_day ymd(int y, unsigned m, unsigned d) {
  return year{y} / month{m} / day{d};
}

std::string iso(year_month_day date) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()));
}

// Looked up in published Swedish calendars, one row per year: the movable days.
struct MovableDays {
  int year;
  std::array<const char*, 9> dates;  // in the order of movable_keys
};

constexpr std::array<const char*, 9> movable_keys = {
    "good_friday", "easter_eve",    "easter_sunday", "easter_monday",  "ascension_day",
    "whit_sunday", "midsummer_eve", "midsummer_day", "all_saints_day",
};

constexpr std::array<MovableDays, 12> movable_days = {{
    {2024,
     {"2024-03-29", "2024-03-30", "2024-03-31", "2024-04-01", "2024-05-09", "2024-05-19", "2024-06-21", "2024-06-22",
      "2024-11-02"}},
    {2025,
     {"2025-04-18", "2025-04-19", "2025-04-20", "2025-04-21", "2025-05-29", "2025-06-08", "2025-06-20", "2025-06-21",
      "2025-11-01"}},
    {2026,
     {"2026-04-03", "2026-04-04", "2026-04-05", "2026-04-06", "2026-05-14", "2026-05-24", "2026-06-19", "2026-06-20",
      "2026-10-31"}},
    {2027,
     {"2027-03-26", "2027-03-27", "2027-03-28", "2027-03-29", "2027-05-06", "2027-05-16", "2027-06-25", "2027-06-26",
      "2027-11-06"}},
    {2028,
     {"2028-04-14", "2028-04-15", "2028-04-16", "2028-04-17", "2028-05-25", "2028-06-04", "2028-06-23", "2028-06-24",
      "2028-11-04"}},
    {2029,
     {"2029-03-30", "2029-03-31", "2029-04-01", "2029-04-02", "2029-05-10", "2029-05-20", "2029-06-22", "2029-06-23",
      "2029-11-03"}},
    {2030,
     {"2030-04-19", "2030-04-20", "2030-04-21", "2030-04-22", "2030-05-30", "2030-06-09", "2030-06-21", "2030-06-22",
      "2030-11-02"}},
    {2031,
     {"2031-04-11", "2031-04-12", "2031-04-13", "2031-04-14", "2031-05-22", "2031-06-01", "2031-06-20", "2031-06-21",
      "2031-11-01"}},
    {2032,
     {"2032-03-26", "2032-03-27", "2032-03-28", "2032-03-29", "2032-05-06", "2032-05-16", "2032-06-25", "2032-06-26",
      "2032-11-06"}},
    {2033,
     {"2033-04-15", "2033-04-16", "2033-04-17", "2033-04-18", "2033-05-26", "2033-06-05", "2033-06-24", "2033-06-25",
      "2033-11-05"}},
    {2034,
     {"2034-04-07", "2034-04-08", "2034-04-09", "2034-04-10", "2034-05-18", "2034-05-28", "2034-06-23", "2034-06-24",
      "2034-11-04"}},
    {2035,
     {"2035-03-23", "2035-03-24", "2035-03-25", "2035-03-26", "2035-05-03", "2035-05-13", "2035-06-22", "2035-06-23",
      "2035-11-03"}},
}};

// The same every year.
constexpr std::array<std::pair<const char*, const char*>, 8> fixed_days = {{
    {"new_years_day", "01-01"},
    {"epiphany", "01-06"},
    {"may_day", "05-01"},
    {"national_day", "06-06"},
    {"christmas_eve", "12-24"},
    {"christmas_day", "12-25"},
    {"boxing_day", "12-26"},
    {"new_years_eve", "12-31"},
}};

TEST(SwedishHolidays, EveryHolidayAndEve2024To2035MatchesTheCalendar) {
  for (const auto& row : movable_days) {
    std::multiset<std::pair<std::string, std::string>> expected;  // (date, key)
    for (std::size_t i = 0; i < movable_keys.size(); ++i) {
      expected.emplace(row.dates.at(i), movable_keys.at(i));
    }
    for (const auto& [key, month_day] : fixed_days) {
      expected.emplace(std::to_string(row.year) + "-" + month_day, key);
    }
    std::multiset<std::pair<std::string, std::string>> actual;
    const auto holidays = swedish_holidays(year{row.year});
    for (const auto& h : holidays) {
      actual.emplace(iso(h.date), std::string{h.key});
    }
    EXPECT_EQ(actual, expected) << row.year;
    EXPECT_EQ(holidays.size(), 17U) << row.year;
    EXPECT_TRUE(std::is_sorted(holidays.begin(), holidays.end(), [](const Holiday& a, const Holiday& b) {
      return sys_days{a.date} < sys_days{b.date};
    })) << row.year;
  }
}

TEST(SwedishHolidays, EasterSunday2024To2035) {
  const std::array<year_month_day, 12> easter = {
      ymd(2024, 3, 31), ymd(2025, 4, 20), ymd(2026, 4, 5),  ymd(2027, 3, 28), ymd(2028, 4, 16), ymd(2029, 4, 1),
      ymd(2030, 4, 21), ymd(2031, 4, 13), ymd(2032, 3, 28), ymd(2033, 4, 17), ymd(2034, 4, 9),  ymd(2035, 3, 25),
  };
  for (const auto& date : easter) {
    EXPECT_EQ(iso(easter_sunday(date.year())), iso(date));
  }
  // The extremes of the Gregorian computus: 22 March and 25 April.
  EXPECT_EQ(iso(easter_sunday(year{2285})), "2285-03-22");
  EXPECT_EQ(iso(easter_sunday(year{2038})), "2038-04-25");
}

TEST(SwedishHolidays, NamesAndKindsOf2026) {
  const auto holidays = swedish_holidays(year{2026});
  const auto find = [&](std::string_view key) {
    return *std::find_if(holidays.begin(), holidays.end(), [&](const Holiday& h) { return h.key == key; });
  };
  EXPECT_EQ(find("new_years_day"),
            (Holiday{ymd(2026, 1, 1), "new_years_day", "Nyårsdagen", HolidayKind::public_holiday}));
  EXPECT_EQ(find("epiphany").name, "Trettondedag jul");
  EXPECT_EQ(find("good_friday").name, "Långfredagen");
  EXPECT_EQ(find("easter_eve"), (Holiday{ymd(2026, 4, 4), "easter_eve", "Påskafton", HolidayKind::eve}));
  EXPECT_EQ(find("easter_sunday").name, "Påskdagen");
  EXPECT_EQ(find("easter_monday").name, "Annandag påsk");
  EXPECT_EQ(find("may_day").name, "Första maj");
  EXPECT_EQ(find("ascension_day").name, "Kristi himmelsfärdsdag");
  EXPECT_EQ(find("whit_sunday").name, "Pingstdagen");
  EXPECT_EQ(find("national_day").name, "Sveriges nationaldag");
  EXPECT_EQ(find("midsummer_eve"), (Holiday{ymd(2026, 6, 19), "midsummer_eve", "Midsommarafton", HolidayKind::eve}));
  EXPECT_EQ(find("midsummer_day").name, "Midsommardagen");
  EXPECT_EQ(find("all_saints_day").name, "Alla helgons dag");
  EXPECT_EQ(find("christmas_eve"), (Holiday{ymd(2026, 12, 24), "christmas_eve", "Julafton", HolidayKind::eve}));
  EXPECT_EQ(find("christmas_day").name, "Juldagen");
  EXPECT_EQ(find("boxing_day").name, "Annandag jul");
  EXPECT_EQ(find("new_years_eve"), (Holiday{ymd(2026, 12, 31), "new_years_eve", "Nyårsafton", HolidayKind::eve}));
  EXPECT_EQ(
      std::count_if(holidays.begin(), holidays.end(), [](const Holiday& h) { return h.kind == HolidayKind::eve; }), 4);
}

TEST(SwedishHolidays, MidsummerAndAllSaintsAreAlwaysTheRightSaturday) {
  for (int y = 1900; y <= 2200; ++y) {
    for (const auto& h : swedish_holidays(year{y})) {
      const sys_days d{h.date};
      if (h.key == "midsummer_day") {
        EXPECT_EQ(weekday{d}, Saturday) << y;
        EXPECT_TRUE(d >= sys_days{year{y} / June / 20} && d <= sys_days{year{y} / June / 26}) << y;
      } else if (h.key == "midsummer_eve") {
        EXPECT_EQ(weekday{d}, Friday) << y;
        EXPECT_TRUE(d >= sys_days{year{y} / June / 19} && d <= sys_days{year{y} / June / 25}) << y;
      } else if (h.key == "all_saints_day") {
        EXPECT_EQ(weekday{d}, Saturday) << y;
        EXPECT_TRUE(d >= sys_days{year{y} / October / 31} && d <= sys_days{year{y} / November / 6}) << y;
      } else if (h.key == "easter_sunday") {
        EXPECT_EQ(weekday{d}, Sunday) << y;
      }
    }
  }
}

TEST(SwedishHolidays, HolidayOnADate) {
  const auto eve = swedish_holiday_on(ymd(2026, 6, 19));
  ASSERT_TRUE(eve.has_value());
  EXPECT_EQ(eve->key, "midsummer_eve");
  EXPECT_EQ(eve->kind, HolidayKind::eve);
  EXPECT_EQ(swedish_holiday_on(ymd(2026, 1, 6))->name, "Trettondedag jul");
  EXPECT_FALSE(swedish_holiday_on(ymd(2026, 6, 18)).has_value());
  EXPECT_FALSE(swedish_holiday_on(ymd(2026, 11, 24)).has_value());
}

TEST(SwedishHolidays, TwoHolidaysOnOneDateAreBothListed) {
  // 2008: Easter on 23 March put Kristi himmelsfärdsdag on Första maj.
  const auto holidays = swedish_holidays(year{2008});
  EXPECT_EQ(std::count_if(holidays.begin(), holidays.end(), [](const Holiday& h) { return h.date == ymd(2008, 5, 1); }),
            2);
  EXPECT_EQ(swedish_holiday_on(ymd(2008, 5, 1))->kind, HolidayKind::public_holiday);
}

TEST(SwedishHolidays, KeysAreUniqueAndEvesAreKnown) {
  const auto keys = swedish_holiday_keys();
  EXPECT_EQ(std::set<std::string_view>(keys.begin(), keys.end()).size(), 17U);
  for (const auto& h : swedish_holidays(year{2026})) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), h.key), keys.end()) << h.key;
    EXPECT_EQ(is_swedish_eve_key(h.key), h.kind == HolidayKind::eve) << h.key;
  }
  EXPECT_FALSE(is_swedish_eve_key("midsummer"));
  EXPECT_EQ(to_string(HolidayKind::eve), "eve");
  EXPECT_EQ(to_string(HolidayKind::public_holiday), "public_holiday");
}

}  // namespace
}  // namespace paminna
