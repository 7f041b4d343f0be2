#include "domain/swedish_holidays.h"

#include <algorithm>
#include <array>

namespace paminna {

using namespace std::chrono;

std::string_view to_string(HolidayKind kind) {
  switch (kind) {
    case HolidayKind::public_holiday:
      return "public_holiday";
    case HolidayKind::eve:
      return "eve";
  }
  return "unknown";
}

year_month_day easter_sunday(year y) {
  // Anonymous Gregorian algorithm; integer arithmetic only, valid for every Gregorian year.
  const int yr = static_cast<int>(y);
  const int a = yr % 19;
  const int b = yr / 100;
  const int c = yr % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month_number = (h + l - 7 * m + 114) / 31;
  const int day_number = (h + l - 7 * m + 114) % 31 + 1;
  return year_month_day{y, month{static_cast<unsigned>(month_number)}, day{static_cast<unsigned>(day_number)}};
}

namespace {

// The first `wd` on or after `first`: Midsommardagen is the Saturday in 20–26 June,
// Alla helgons dag the Saturday in 31 October–6 November.
sys_days first_on_or_after(sys_days first, weekday wd) {
  return first + (wd - weekday{first});
}

constexpr std::array<std::string_view, 17> keys_in_order = {
    "new_years_day",  "epiphany",      "good_friday",   "easter_eve",   "easter_sunday", "easter_monday",
    "may_day",        "ascension_day", "whit_sunday",   "national_day", "midsummer_eve", "midsummer_day",
    "all_saints_day", "christmas_eve", "christmas_day", "boxing_day",   "new_years_eve",
};

}  // namespace

std::vector<Holiday> swedish_holidays(year y) {
  const sys_days easter{easter_sunday(y)};
  const sys_days midsummer_day = first_on_or_after(sys_days{y / June / 20}, Saturday);
  const sys_days all_saints = first_on_or_after(sys_days{y / October / 31}, Saturday);
  const auto on = [](sys_days d) { return year_month_day{d}; };
  constexpr auto pub = HolidayKind::public_holiday;
  constexpr auto eve = HolidayKind::eve;

  std::vector<Holiday> list = {
      {y / January / 1, "new_years_day", "Nyårsdagen", pub},
      {y / January / 6, "epiphany", "Trettondedag jul", pub},
      {on(easter - days{2}), "good_friday", "Långfredagen", pub},
      {on(easter - days{1}), "easter_eve", "Påskafton", eve},
      {on(easter), "easter_sunday", "Påskdagen", pub},
      {on(easter + days{1}), "easter_monday", "Annandag påsk", pub},
      {y / May / 1, "may_day", "Första maj", pub},
      {on(easter + days{39}), "ascension_day", "Kristi himmelsfärdsdag", pub},
      {on(easter + days{49}), "whit_sunday", "Pingstdagen", pub},
      {y / June / 6, "national_day", "Sveriges nationaldag", pub},
      {on(midsummer_day - days{1}), "midsummer_eve", "Midsommarafton", eve},
      {on(midsummer_day), "midsummer_day", "Midsommardagen", pub},
      {on(all_saints), "all_saints_day", "Alla helgons dag", pub},
      {y / December / 24, "christmas_eve", "Julafton", eve},
      {y / December / 25, "christmas_day", "Juldagen", pub},
      {y / December / 26, "boxing_day", "Annandag jul", pub},
      {y / December / 31, "new_years_eve", "Nyårsafton", eve},
  };
  std::stable_sort(list.begin(), list.end(),
                   [](const Holiday& a, const Holiday& b) { return sys_days{a.date} < sys_days{b.date}; });
  return list;
}

std::optional<Holiday> swedish_holiday_on(year_month_day date) {
  std::optional<Holiday> found;
  for (const auto& holiday : swedish_holidays(date.year())) {
    if (holiday.date != date) {
      continue;
    }
    if (!found || (found->kind == HolidayKind::eve && holiday.kind == HolidayKind::public_holiday)) {
      found = holiday;
    }
  }
  return found;
}

std::span<const std::string_view> swedish_holiday_keys() {
  return keys_in_order;
}

bool is_swedish_eve_key(std::string_view key) {
  return key == "easter_eve" || key == "midsummer_eve" || key == "christmas_eve" || key == "new_years_eve";
}

}  // namespace paminna
