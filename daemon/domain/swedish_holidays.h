// Swedish public holidays (allmänna helgdagar, lag 1989:253) and the eves that
// the office may treat as closed, for any Gregorian year.
//
// Contract: pure and total for every year the std::chrono calendar can hold.
// Eves (Påskafton, Midsommarafton, Julafton, Nyårsafton) are not public holidays
// by law but are flagged here so that the schedule configuration decides which of
// them close the office (R6; phone_schedule.h). Keys are stable identifiers used
// in configuration and logs; names are the Swedish calendar names shown to staff.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace paminna {

enum class HolidayKind {
  public_holiday,  // allmän helgdag
  eve,             // afton: a working day by law, often closed in practice
};

std::string_view to_string(HolidayKind kind);

struct Holiday {
  std::chrono::year_month_day date{};
  std::string_view key;   // "midsummer_eve": stable, ASCII, for configuration
  std::string_view name;  // "Midsommarafton": Swedish, UTF-8, for people
  HolidayKind kind = HolidayKind::public_holiday;

  friend bool operator==(const Holiday&, const Holiday&) = default;
};

// Easter Sunday of a Gregorian year (anonymous Gregorian computus, Meeus/Jones/Butcher).
std::chrono::year_month_day easter_sunday(std::chrono::year year);

// All 13 public holidays and 4 eves of `year`, sorted by date. Two can share a
// date (Kristi himmelsfärdsdag fell on Första maj in 2008); both are listed.
std::vector<Holiday> swedish_holidays(std::chrono::year year);

// The holiday or eve on `date`, if any. Where two share a date the public
// holiday is preferred, then the one listed first in the year.
std::optional<Holiday> swedish_holiday_on(std::chrono::year_month_day date);

// Every key swedish_holidays() can return, in calendar order, for validating
// configuration ("closed_eves = [...]").
std::span<const std::string_view> swedish_holiday_keys();
// True for the keys of eves ("easter_eve", "midsummer_eve", "christmas_eve", "new_years_eve").
bool is_swedish_eve_key(std::string_view key);

}  // namespace paminna
