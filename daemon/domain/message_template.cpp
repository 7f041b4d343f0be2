#include "domain/message_template.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "domain/sms_encoding.h"

namespace paminna {

using namespace std::chrono;

namespace {

constexpr std::array kPlaceholders = {Placeholder::weekday, Placeholder::date, Placeholder::time, Placeholder::place,
                                      Placeholder::office_phone};

}  // namespace

std::string_view to_string(Placeholder placeholder) {
  switch (placeholder) {
    case Placeholder::weekday:
      return "weekday";
    case Placeholder::date:
      return "date";
    case Placeholder::time:
      return "time";
    case Placeholder::place:
      return "place";
    case Placeholder::office_phone:
      return "office_phone";
  }
  return "unknown";
}

std::string to_string(const TemplateError& error) {
  switch (error.kind) {
    case TemplateError::Kind::unknown_placeholder: {
      std::string known;
      for (const Placeholder placeholder : kPlaceholders) {
        known += fmt::format("{}{{{}}}", known.empty() ? "" : " ", to_string(placeholder));
      }
      return fmt::format("unknown placeholder {{{}}} at line {}, column {} (known: {})", error.placeholder, error.line,
                         error.column, known);
    }
    case TemplateError::Kind::unclosed_brace:
      return fmt::format("unclosed placeholder {{{} at line {}, column {} (write {{{{ for a literal brace)",
                         error.placeholder, error.line, error.column);
    case TemplateError::Kind::unmatched_closing_brace:
      return fmt::format("unmatched }} at line {}, column {} (write }}}} for a literal brace)", error.line,
                         error.column);
  }
  return "invalid template";
}

namespace {

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

// Where byte `offset` is, as a person counts in an editor.
TemplateError error_at(std::string_view text, std::size_t offset, TemplateError::Kind kind, std::string placeholder) {
  TemplateError error{kind, std::move(placeholder), 1, 1};
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++error.line;
      error.column = 1;
    } else if (!is_continuation_byte(text[i])) {
      ++error.column;
    }
  }
  return error;
}

void append_literal(std::vector<TemplatePart>& parts, std::string_view literal) {
  if (parts.empty() || !std::holds_alternative<std::string>(parts.back())) {
    parts.emplace_back(std::string{});
  }
  std::get<std::string>(parts.back()) += literal;
}

}  // namespace

tl::expected<Template, TemplateError> parse_template(std::string_view text) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (text.starts_with(kByteOrderMark)) {
    text.remove_prefix(kByteOrderMark.size());
  }
  if (text.ends_with("\r\n")) {
    text.remove_suffix(2);
  } else if (text.ends_with('\n')) {
    text.remove_suffix(1);
  }

  Template result;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const bool doubled = i + 1 < text.size() && text[i + 1] == c;
    if (c == '{' && !doubled) {
      // A placeholder never spans lines or nests: stopping there points the
      // operator at the brace they forgot to close, not at the end of the file.
      const std::size_t close = text.find_first_of("{}\n", i + 1);
      if (close == std::string_view::npos || text[close] != '}') {
        const std::size_t end = close == std::string_view::npos ? text.size() : close;
        return tl::unexpected(
            error_at(text, i, TemplateError::Kind::unclosed_brace, std::string(text.substr(i + 1, end - i - 1))));
      }
      const std::string_view name = text.substr(i + 1, close - i - 1);
      const auto* known = std::find_if(kPlaceholders.begin(), kPlaceholders.end(),
                                       [name](Placeholder placeholder) { return to_string(placeholder) == name; });
      if (known == kPlaceholders.end()) {
        return tl::unexpected(error_at(text, i, TemplateError::Kind::unknown_placeholder, std::string(name)));
      }
      result.parts.emplace_back(*known);
      i = close + 1;
    } else if (c == '}' && !doubled) {
      return tl::unexpected(error_at(text, i, TemplateError::Kind::unmatched_closing_brace, {}));
    } else if (c == '{' || c == '}') {
      append_literal(result.parts, text.substr(i, 1));
      i += 2;
    } else {
      const std::size_t next = std::min(text.find_first_of("{}", i), text.size());
      append_literal(result.parts, text.substr(i, next - i));
      i = next;
    }
  }
  return result;
}

namespace {

struct Names {
  std::array<std::string_view, 7> weekdays;  // Sunday first, as std::chrono::weekday::c_encoding()
  std::array<std::string_view, 12> months;
  char time_separator = ':';
};

// How a person writing that language writes a date in a letter: Swedish
// weekday and month names are not capitalised; Swedish times use a period
// (Språkrådet); Arabic uses the month names common in the Gulf and Egypt,
// which Arabic speakers from most countries read without hesitation.
const Names& names(Language language) {
  static const Names kSwedish{{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"},
                              {"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
                               "oktober", "november", "december"},
                              '.'};
  static const Names kEnglish{{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
                              {"January", "February", "March", "April", "May", "June", "July", "August", "September",
                               "October", "November", "December"},
                              ':'};
  static const Names kArabic{
      {"الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"},
      {"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
      ':'};
  switch (language) {
    case Language::sv:
      return kSwedish;
    case Language::en:
      return kEnglish;
    case Language::ar:
      return kArabic;
  }
  return kSwedish;
}

std::size_t character_count(std::string_view utf8) {
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return !is_continuation_byte(c); }));
}

template <std::size_t N>
std::string_view longest(const std::array<std::string_view, N>& candidates) {
  return *std::max_element(candidates.begin(), candidates.end(), [](std::string_view a, std::string_view b) {
    return character_count(a) < character_count(b);
  });
}

struct Values {
  std::string weekday;
  std::string date;
  std::string time;
  std::string_view place;
  std::string_view office_phone;
};

std::string substitute(const Template& message, const Values& values) {
  std::string out;
  for (const TemplatePart& part : message.parts) {
    if (const auto* literal = std::get_if<std::string>(&part)) {
      out += *literal;
      continue;
    }
    switch (std::get<Placeholder>(part)) {
      case Placeholder::weekday:
        out += values.weekday;
        break;
      case Placeholder::date:
        out += values.date;
        break;
      case Placeholder::time:
        out += values.time;
        break;
      case Placeholder::place:
        out += values.place;
        break;
      case Placeholder::office_phone:
        out += values.office_phone;
        break;
    }
  }
  return normalise_for_sms(out);
}

}  // namespace

std::string render(const Template& message, const MessageFields& fields, Language language) {
  const Names& n = names(language);
  const auto day = floor<days>(fields.start);
  const year_month_day ymd{day};
  const hh_mm_ss clock{floor<minutes>(fields.start - day)};
  return substitute(
      message,
      Values{
          std::string(n.weekdays[weekday{day}.c_encoding()]),
          fmt::format("{} {}", static_cast<unsigned>(ymd.day()), n.months[static_cast<unsigned>(ymd.month()) - 1]),
          fmt::format("{}{}{:02}", clock.hours().count(), n.time_separator, clock.minutes().count()),
          fields.place,
          fields.office_phone,
      });
}

std::string render_example(const Template& message, Language language, std::string_view place,
                           std::string_view office_phone) {
  const Names& n = names(language);
  return substitute(message, Values{
                                 std::string(longest(n.weekdays)),
                                 fmt::format("24 {}", longest(n.months)),
                                 fmt::format("10{}00", n.time_separator),
                                 place,
                                 office_phone,
                             });
}

}  // namespace paminna
