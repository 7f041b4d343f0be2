// SMS message templates: parsed once when the configuration is loaded, then
// rendered for each visit in the recipient's language (R11).
//
// Template syntax: literal text with placeholders
//   {weekday}       "tisdag" / "Tuesday" / "الثلاثاء"
//   {date}          "24 november" / "24 November" / "24 نوفمبر" (no year: the visit is tomorrow)
//   {time}          "10.00" (sv) / "10:00" (en, ar); hour without a leading zero, as in running text
//   {place}         MessageFields::place, verbatim
//   {office_phone}  MessageFields::office_phone, verbatim
// and "{{" / "}}" for literal braces. Arabic uses Western digits.
//
// Template files end with a newline like any text file; parse_template drops
// one final "\n" (or "\r\n") and a leading UTF-8 byte order mark, because
// either would otherwise be sent: the newline as a wasted character, the BOM
// as a character that forces the whole SMS into UCS-2.
//
// What a template says is policy: defaults carry only time and place, no word
// of crime, victim, case or agency (design.md, JO 494-2016), and tell the
// client to call or text if they cannot come (R12).
//
// Pure functions: safe from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <tl/expected.hpp>

#include "domain/language.h"

namespace paminna {

enum class Placeholder { weekday, date, time, place, office_phone };

// The name inside the braces: "weekday", …, "office_phone".
std::string_view to_string(Placeholder placeholder);

using TemplatePart = std::variant<std::string, Placeholder>;

struct Template {
  std::vector<TemplatePart> parts;  // adjacent literals are merged; escapes already resolved
};

struct TemplateError {
  enum class Kind {
    unknown_placeholder,      // "{datum}"
    unclosed_brace,           // "{time" with no "}" before the end of the line
    unmatched_closing_brace,  // a lone "}" (write "}}" for a literal one)
  };
  Kind kind = Kind::unknown_placeholder;
  std::string placeholder;  // the text after "{" as written (for unclosed_brace: up to the end of the line)
  std::size_t line = 1;     // 1-based, of the offending brace
  std::size_t column = 1;   // 1-based, in characters (not bytes)
};

// A sentence for the operator, e.g.
// "unknown placeholder {datum} at line 1, column 27 (known: {weekday} {date} {time} {place} {office_phone})".
std::string to_string(const TemplateError& error);

tl::expected<Template, TemplateError> parse_template(std::string_view text);

struct MessageFields {
  std::chrono::local_seconds start;  // the visit's start in the office's zone; seconds are ignored
  std::string place;
  std::string office_phone;
};

// The SMS text, passed through normalise_for_sms (sms_encoding.h) so that a
// typographic character in the template or a field costs no UCS-2.
std::string render(const Template& message, const MessageFields& fields, Language language);

// Renders with the longest weekday and month names of `language` and a
// two-digit day and hour: the longest text this template produces for these
// place and phone values, for checking the segment count at configuration load.
std::string render_example(const Template& message, Language language, std::string_view place,
                           std::string_view office_phone);

}  // namespace paminna
