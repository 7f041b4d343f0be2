#include "config/phone_config.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <set>

#include "config/config_keys.h"
#include "config/config_values.h"
#include "domain/client_rules.h"
#include "domain/swedish_holidays.h"

namespace paminna::config {

namespace {

using std::chrono::minutes;

struct Span {
  minutes start{0};
  minutes end{0};
};

// "09:00-15:30"
Span parse_span(const toml::node& node, const std::string& where) {
  const auto text = as_string(node, 32);
  const auto dash = text.find('-');
  if (dash == std::string::npos) {
    throw ConfigValueError(fmt::format("{}: \"{}\" must be HH:MM-HH:MM", where, text));
  }
  auto start = parse_time_of_day(std::string_view(text).substr(0, dash));
  auto end = parse_time_of_day(std::string_view(text).substr(dash + 1));
  if (!start || !end) {
    throw ConfigValueError(fmt::format("{}: \"{}\" must be HH:MM-HH:MM", where, text));
  }
  if (*start >= *end) {
    throw ConfigValueError(fmt::format("{}: \"{}\" ends before it starts", where, text));
  }
  return {*start, *end};
}

std::vector<Span> parse_spans(const toml::node& node, const std::string& where) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    throw ConfigValueError(fmt::format("{}: must be a list such as [\"09:00-15:30\"]", where));
  }
  std::vector<Span> spans;
  for (const auto& item : *array) {
    spans.push_back(parse_span(item, where));
  }
  return spans;
}

// Replaces the windows of one kind on every day with those of a { weekday = [...] } table.
void apply_windows(PhoneConfig& phone, const toml::node& node, WindowKind kind) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    throw ConfigValueError("must be a table of weekdays, such as { tuesday = [\"09:00-15:30\"] }");
  }
  std::array<std::vector<PhoneWindow>, 7> by_day;
  for (const auto& [key, value] : *table) {
    const auto day = parse_weekday(key.str());
    if (!day) {
      throw ConfigValueError(fmt::format("'{}' is not a weekday (monday … sunday)", key.str()));
    }
    for (const auto& span : parse_spans(value, std::string(key.str()))) {
      by_day.at(day->c_encoding()).push_back({span.start, span.end, kind});
    }
  }
  for (unsigned i = 0; i < 7; ++i) {
    auto& windows = phone.schedule.weekly.days.at(i).windows;
    std::erase_if(windows, [kind](const PhoneWindow& w) { return w.kind == kind; });
    windows.insert(windows.end(), by_day.at(i).begin(), by_day.at(i).end());
    std::sort(windows.begin(), windows.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  }
}

std::chrono::year_month_day as_date(const toml::node& node, const std::string& where) {
  if (const auto* date = node.as_date()) {
    const auto& d = date->get();
    const std::chrono::year_month_day ymd{std::chrono::year{d.year}, std::chrono::month{d.month},
                                          std::chrono::day{d.day}};
    if (!ymd.ok()) {
      throw ConfigValueError(where + ": is not a date that exists");
    }
    return ymd;
  }
  auto parsed = parse_date(as_string(node, 16));
  if (!parsed) {
    throw ConfigValueError(where + ": " + parsed.error());
  }
  return *parsed;
}

const toml::array& as_array(const toml::node& node, std::string_view example) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    throw ConfigValueError(fmt::format("must be a list, such as {}", example));
  }
  return *array;
}

const toml::table& entry_table(const toml::node& node, std::size_t index,
                               std::initializer_list<std::string_view> keys) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    throw ConfigValueError(fmt::format("entry {}: must be a table such as {{ date = \"2026-12-28\" }}", index + 1));
  }
  for (const auto& [key, value] : *table) {
    if (std::find(keys.begin(), keys.end(), key.str()) == keys.end()) {
      throw ConfigValueError(fmt::format("entry {}: unknown key '{}'", index + 1, key.str()));
    }
  }
  if (!table->contains("date")) {
    throw ConfigValueError(fmt::format("entry {}: 'date' is missing", index + 1));
  }
  return *table;
}

}  // namespace

bool is_staff_id(const std::string& text) {
  return !text.empty() && text.size() <= 16 && std::none_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == ',' || c == '"';
  });
}

void apply_phone_hours(PhoneConfig& phone, const toml::node& node) {
  apply_windows(phone, node, WindowKind::open);
}

void apply_phone_internal(PhoneConfig& phone, const toml::node& node) {
  apply_windows(phone, node, WindowKind::internal);
}

void apply_phone_lunch(PhoneConfig& phone, const toml::node& node) {
  std::vector<PhoneBreak> breaks;
  if (node.is_string()) {
    if (!node.as_string()->get().empty()) {
      const auto span = parse_span(node, "lunch");
      breaks.push_back({span.start, span.end});
    }
  } else if (node.is_array()) {
    for (const auto& span : parse_spans(node, "lunch")) {
      breaks.push_back({span.start, span.end});
    }
  } else {
    throw ConfigValueError("must be \"HH:MM-HH:MM\", a list of them, or \"\" for none");
  }
  for (auto& day : phone.schedule.weekly.days) {
    day.breaks = breaks;
  }
}

void apply_phone_closed_eves(PhoneConfig& phone, const toml::node& node) {
  std::vector<std::string> eves;
  for (const auto& item : as_array(node, "[\"midsummer_eve\", \"christmas_eve\"]")) {
    auto key = as_string(item, 32);
    if (!is_swedish_eve_key(key)) {
      throw ConfigValueError(fmt::format(
          "'{}' is not an eve (easter_eve, midsummer_eve, christmas_eve, new_years_eve); public holidays are "
          "always closed",
          key));
    }
    eves.push_back(std::move(key));
  }
  phone.schedule.holidays.closed_eves = std::move(eves);
}

void apply_phone_closed_dates(PhoneConfig& phone, const toml::node& node) {
  std::vector<ClosedDate> dates;
  const auto& array = as_array(node, "[{ date = \"2026-12-28\", note = \"Personaldag\" }]");
  for (std::size_t i = 0; i < array.size(); ++i) {
    const auto& table = entry_table(*array.get(i), i, {"date", "note"});
    ClosedDate closed{as_date(*table.get("date"), fmt::format("entry {}: date", i + 1)), ""};
    if (const auto* note = table.get("note")) {
      closed.note = as_string(*note, 200);
    }
    dates.push_back(std::move(closed));
  }
  phone.schedule.holidays.closed_dates = std::move(dates);
}

void apply_phone_open_dates(PhoneConfig& phone, const toml::node& node) {
  std::vector<OpenDate> dates;
  const auto& array = as_array(node, "[{ date = \"2026-12-23\", hours = [\"09:00-12:00\"] }]");
  for (std::size_t i = 0; i < array.size(); ++i) {
    const auto& table = entry_table(*array.get(i), i, {"date", "hours"});
    OpenDate open{as_date(*table.get("date"), fmt::format("entry {}: date", i + 1)), std::nullopt};
    if (const auto* hours = table.get("hours")) {
      DayHours day;
      for (const auto& span : parse_spans(*hours, fmt::format("entry {}: hours", i + 1))) {
        day.windows.push_back({span.start, span.end, WindowKind::open});
      }
      open.hours = std::move(day);
    }
    dates.push_back(std::move(open));
  }
  phone.schedule.holidays.open_dates = std::move(dates);
}

void apply_phone_roster(PhoneConfig& phone, const toml::node& node) {
  std::vector<std::string> roster;
  std::set<std::string> seen;
  for (const auto& item : as_array(node, "[\"AL\", \"MK\"]")) {
    auto id = as_string(item, 16);
    if (!is_staff_id(id)) {
      throw ConfigValueError(fmt::format("'{}' must be 1-16 bytes without spaces, commas or quotes (initials)", id));
    }
    if (!seen.insert(id).second) {
      throw ConfigValueError(fmt::format("'{}' is listed twice", id));
    }
    roster.push_back(std::move(id));
  }
  phone.roster = std::move(roster);
}

std::vector<std::string> check_phone_config(const PhoneConfig& phone) {
  std::vector<std::string> problems;
  if (auto valid = validate_phone_schedule(phone.schedule); !valid) {
    problems.push_back("phone.hours/phone.internal/phone.lunch/phone.*_dates: " + valid.error().message);
  }
  if (!phone.state_file.empty() && phone.state_file == phone.status_file) {
    problems.push_back("phone.state_file and phone.status_file must be different files");
  }
  return problems;
}

}  // namespace paminna::config
