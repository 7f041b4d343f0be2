#include "domain/local_time.h"

#include <date/tz.h>
#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

namespace paminna {

using namespace std::chrono;

std::string_view to_string(LocalTimeError error) {
  switch (error) {
    case LocalTimeError::malformed:
      return "expected YYYY-MM-DDTHH:MM";
    case LocalTimeError::nonexistent:
      return "this local time does not exist (clocks move forward at that hour)";
    case LocalTimeError::ambiguous:
      return "this local time occurs twice (clocks move back at that hour)";
  }
  return "invalid local time";
}

namespace {

// date::local_time and std::chrono::local_time are distinct types; convert by count.
date::local_seconds to_date_local(local_seconds t) {
  return date::local_seconds{t.time_since_epoch()};
}

}  // namespace

Zone::Zone(std::string_view iana_name) : tz_(nullptr), name_(iana_name) {
  try {
    tz_ = date::locate_zone(name_);
  } catch (const std::runtime_error&) {
    throw std::invalid_argument("unknown time zone '" + name_ + "'");
  }
}

tl::expected<Instant, LocalTimeError> Zone::to_utc(LocalMinutes local) const {
  const auto info = tz_->get_info(to_date_local(local_seconds{local}));
  switch (info.result) {
    case date::local_info::unique:
      return Instant{local.time_since_epoch() - info.first.offset};
    case date::local_info::nonexistent:
      return tl::unexpected(LocalTimeError::nonexistent);
    case date::local_info::ambiguous:
      return tl::unexpected(LocalTimeError::ambiguous);
  }
  return tl::unexpected(LocalTimeError::malformed);
}

local_seconds Zone::to_local(Instant utc) const {
  const auto info = tz_->get_info(date::sys_seconds{utc.time_since_epoch()});
  return local_seconds{utc.time_since_epoch() + info.offset};
}

Instant Zone::resolve_lenient(LocalMinutes local) const {
  const auto as_seconds = local_seconds{local};
  const auto info = tz_->get_info(to_date_local(as_seconds));
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:
      return Instant{as_seconds.time_since_epoch() - info.first.offset};
    case date::local_info::nonexistent:
      // The gap's end: the instant the clocks jumped past this wall time.
      return Instant{info.second.begin.time_since_epoch()};
  }
  return Instant{as_seconds.time_since_epoch() - info.first.offset};
}

Instant Zone::start_of_day(LocalDays day) const {
  return resolve_lenient(LocalMinutes{day.time_since_epoch()});
}

LocalDays Zone::local_day(Instant utc) const {
  return floor<days>(to_local(utc));
}

namespace {

bool parse_int(std::string_view text, int& out) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

}  // namespace

tl::expected<LocalMinutes, LocalTimeError> parse_local_minutes(std::string_view text) {
  // Exactly YYYY-MM-DD[T ]HH:MM: a strict shape so typos are refused, not guessed.
  if (text.size() != 16 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
      text[13] != ':') {
    return tl::unexpected(LocalTimeError::malformed);
  }
  int y = 0;
  int mo = 0;
  int d = 0;
  int h = 0;
  int mi = 0;
  if (!parse_int(text.substr(0, 4), y) || !parse_int(text.substr(5, 2), mo) || !parse_int(text.substr(8, 2), d) ||
      !parse_int(text.substr(11, 2), h) || !parse_int(text.substr(14, 2), mi)) {
    return tl::unexpected(LocalTimeError::malformed);
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h < 0 || h > 23 || mi < 0 || mi > 59) {
    return tl::unexpected(LocalTimeError::malformed);
  }
  return LocalMinutes{local_days{ymd}.time_since_epoch() + hours{h} + minutes{mi}};
}

namespace {

// Writes `value` as `width` digits at `out`, zero-padded.
void put_digits(char* out, int width, unsigned value) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// A reply to booking.add formats about fourteen times; fmt parsing its format string made each
// call ~2,700 instructions (callgrind, bench/README.md), writing the digits here ~100.
// Years outside 0-9999 are no date anyone books, but still come out readable, through fmt.
bool four_digit_year(const year_month_day& ymd) {
  return ymd.year() >= year{0} && ymd.year() <= year{9999};
}

// "YYYY-MM-DDTHH:MM" into the first 16 characters of `text`.
void put_date_and_minutes(std::string& text, const year_month_day& ymd, const hh_mm_ss<seconds>& hms) {
  put_digits(&text[0], 4, static_cast<unsigned>(static_cast<int>(ymd.year())));
  text[4] = '-';
  put_digits(&text[5], 2, static_cast<unsigned>(ymd.month()));
  text[7] = '-';
  put_digits(&text[8], 2, static_cast<unsigned>(ymd.day()));
  text[10] = 'T';
  put_digits(&text[11], 2, static_cast<unsigned>(hms.hours().count()));
  text[13] = ':';
  put_digits(&text[14], 2, static_cast<unsigned>(hms.minutes().count()));
}

}  // namespace

std::string format_local_minutes(local_seconds local) {
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss hms{local - day};
  if (!four_digit_year(ymd)) {
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                       hms.minutes().count());
  }
  std::string text(16, ' ');
  put_date_and_minutes(text, ymd, hms);
  return text;
}

std::string format_utc(Instant utc) {
  const auto day = floor<days>(utc);
  const year_month_day ymd{day};
  const hh_mm_ss hms{utc - day};
  if (!four_digit_year(ymd)) {
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                       hms.minutes().count(), hms.seconds().count());
  }
  std::string text(20, ' ');
  put_date_and_minutes(text, ymd, hms);
  text[16] = ':';
  put_digits(&text[17], 2, static_cast<unsigned>(hms.seconds().count()));
  text[19] = 'Z';
  return text;
}

tl::expected<Instant, LocalTimeError> parse_utc(std::string_view text) {
  if (text.size() != 20 || text[19] != 'Z' || text[16] != ':') {
    return tl::unexpected(LocalTimeError::malformed);
  }
  auto minutes_part = parse_local_minutes(text.substr(0, 16));
  int s = 0;
  if (!minutes_part || !parse_int(text.substr(17, 2), s) || s > 59) {
    return tl::unexpected(LocalTimeError::malformed);
  }
  return Instant{minutes_part->time_since_epoch() + seconds{s}};
}

}  // namespace paminna
