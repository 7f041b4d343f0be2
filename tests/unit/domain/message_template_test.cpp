#include "domain/message_template.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "domain/sms_encoding.h"

namespace paminna {
namespace {

using namespace std::chrono;

local_seconds at(int y, unsigned m, unsigned d, int h, int mi) {
  return local_days{year{y} / month{m} / day{d}} + hours{h} + minutes{mi};
}

Template parsed(std::string_view text) {
  auto result = parse_template(text);
  EXPECT_TRUE(result.has_value()) << text << ": " << (result ? "" : to_string(result.error()));
  return result.value_or(Template{});
}

Template date_parts() {
  return parsed("{weekday}|{date}|{time}");
}

// Tuesday 24 November 2026, 10:00: the fixed example of the issue.
MessageFields visit() {
  return MessageFields{at(2026, 11, 24, 10, 0), "Storgatan 1, Malmö", "040-10 20 30"};
}

TEST(MessageTemplate, ParsesLanguages) {
  EXPECT_EQ(parse_language("sv"), Language::sv);
  EXPECT_EQ(parse_language("en"), Language::en);
  EXPECT_EQ(parse_language("ar"), Language::ar);
  EXPECT_EQ(parse_language("SV").error(), "unknown language 'SV' (expected sv, en or ar)");
  EXPECT_FALSE(parse_language("").has_value());
  EXPECT_EQ(kDefaultLanguage, Language::sv);
}

TEST(MessageTemplate, RendersSwedishDates) {
  EXPECT_EQ(render(date_parts(), visit(), Language::sv), "tisdag|24 november|10.00");
}

TEST(MessageTemplate, RendersEnglishDates) {
  EXPECT_EQ(render(date_parts(), visit(), Language::en), "Tuesday|24 November|10:00");
}

TEST(MessageTemplate, RendersArabicDatesWithWesternDigits) {
  EXPECT_EQ(render(date_parts(), visit(), Language::ar), "الثلاثاء|24 نوفمبر|10:00");
}

TEST(MessageTemplate, EveryWeekdayAndMonthHasAName) {
  // 2026-01-04 is a Sunday; walk a week, then the first of every month.
  const char* sv_days[] = {"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"};
  const char* ar_days[] = {"الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"};
  const Template weekday_only = parsed("{weekday}");
  for (unsigned i = 0; i < 7; ++i) {
    const MessageFields fields{at(2026, 1, 4 + i, 9, 5), "", ""};
    EXPECT_EQ(render(weekday_only, fields, Language::sv), sv_days[i]);
    EXPECT_EQ(render(weekday_only, fields, Language::ar), ar_days[i]);
  }
  const char* sv_months[] = {"januari", "februari", "mars",      "april",   "maj",      "juni",
                             "juli",    "augusti",  "september", "oktober", "november", "december"};
  const char* ar_months[] = {"يناير", "فبراير", "مارس",   "أبريل",  "مايو",   "يونيو",
                             "يوليو", "أغسطس",  "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"};
  const Template date_only = parsed("{date}");
  for (unsigned m = 1; m <= 12; ++m) {
    const MessageFields fields{at(2026, m, 1, 9, 5), "", ""};
    EXPECT_EQ(render(date_only, fields, Language::sv), std::string("1 ") + sv_months[m - 1]);
    EXPECT_EQ(render(date_only, fields, Language::ar), std::string("1 ") + ar_months[m - 1]);
  }
}

TEST(MessageTemplate, TimeHasNoLeadingZeroOnTheHourAndIgnoresSeconds) {
  const Template time_only = parsed("{time}");
  const MessageFields early{at(2026, 11, 24, 9, 5) + seconds{59}, "", ""};
  EXPECT_EQ(render(time_only, early, Language::sv), "9.05");
  EXPECT_EQ(render(time_only, early, Language::en), "9:05");
  EXPECT_EQ(render(time_only, MessageFields{at(2026, 11, 24, 0, 0), "", ""}, Language::ar), "0:00");
}

TEST(MessageTemplate, RendersPlaceOfficePhoneAndEscapes) {
  const Template message = parsed("{{time}} {place} {office_phone}}}");
  EXPECT_EQ(render(message, visit(), Language::en), "{time} Storgatan 1, Malmö 040-10 20 30}");
}

TEST(MessageTemplate, RenderNormalisesTypographicCharacters) {
  const Template message = parsed("Välkommen {weekday} – “{place}”");
  const MessageFields fields{visit().start,
                             "Rum 2\xC2\xA0"
                             "A",
                             ""};
  const std::string text = render(message, fields, Language::sv);
  EXPECT_EQ(text, "Välkommen tisdag - \"Rum 2 A\"");
  EXPECT_EQ(measure_sms(text)->encoding, SmsEncoding::gsm7);
}

TEST(MessageTemplate, UnknownPlaceholderIsNamedWithItsPosition) {
  const auto result = parse_template("Tid {weekday}\nden {datum} kl. {time}");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, TemplateError::Kind::unknown_placeholder);
  EXPECT_EQ(result.error().placeholder, "datum");
  EXPECT_EQ(result.error().line, 2U);
  EXPECT_EQ(result.error().column, 5U);
  EXPECT_EQ(to_string(result.error()),
            "unknown placeholder {datum} at line 2, column 5 (known: {weekday} {date} {time} {place} {office_phone})");
}

TEST(MessageTemplate, ColumnsCountCharactersNotBytes) {
  const auto result = parse_template("Påminnelse: {tid}");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().column, 13U);
}

TEST(MessageTemplate, UnclosedBraceIsAnError) {
  const auto at_end = parse_template("kl. {time");
  ASSERT_FALSE(at_end.has_value());
  EXPECT_EQ(at_end.error().kind, TemplateError::Kind::unclosed_brace);
  EXPECT_EQ(at_end.error().placeholder, "time");
  EXPECT_EQ(at_end.error().column, 5U);
  EXPECT_EQ(to_string(at_end.error()), "unclosed placeholder {time at line 1, column 5 (write {{ for a literal brace)");

  const auto nested = parse_template("{date {time}");
  ASSERT_FALSE(nested.has_value());
  EXPECT_EQ(nested.error().kind, TemplateError::Kind::unclosed_brace);
  EXPECT_EQ(nested.error().placeholder, "date ");

  const auto across_lines = parse_template("{date\n}");
  ASSERT_FALSE(across_lines.has_value());
  EXPECT_EQ(across_lines.error().kind, TemplateError::Kind::unclosed_brace);
}

TEST(MessageTemplate, LoneClosingBraceIsAnError) {
  const auto result = parse_template("kl. time}");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, TemplateError::Kind::unmatched_closing_brace);
  EXPECT_EQ(result.error().column, 9U);
}

TEST(MessageTemplate, EmptyPlaceholderIsUnknown) {
  const auto result = parse_template("{}");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, TemplateError::Kind::unknown_placeholder);
  EXPECT_EQ(result.error().placeholder, "");
}

TEST(MessageTemplate, DropsOneFinalNewlineAndAByteOrderMark) {
  EXPECT_EQ(render(parsed("{time}\n"), visit(), Language::sv), "10.00");
  EXPECT_EQ(render(parsed("{time}\r\n"), visit(), Language::sv), "10.00");
  EXPECT_EQ(render(parsed("{time}\n\n"), visit(), Language::sv), "10.00\n");
  EXPECT_EQ(render(parsed("\xEF\xBB\xBF{time}"), visit(), Language::sv), "10.00");
}

TEST(MessageTemplate, MergesAdjacentLiterals) {
  const Template message = parsed("a{{b}}c{time}d");
  ASSERT_EQ(message.parts.size(), 3U);
  EXPECT_EQ(std::get<std::string>(message.parts[0]), "a{b}c");
  EXPECT_EQ(std::get<Placeholder>(message.parts[1]), Placeholder::time);
}

TEST(MessageTemplate, ExampleUsesTheLongestNames) {
  EXPECT_EQ(render_example(date_parts(), Language::sv, "", ""), "torsdag|24 september|10.00");
  EXPECT_EQ(render_example(date_parts(), Language::en, "", ""), "Wednesday|24 September|10:00");
  const std::string arabic = render_example(date_parts(), Language::ar, "", "");
  EXPECT_EQ(measure_sms(arabic)->units, measure_sms("الثلاثاء|24 سبتمبر|10:00")->units);
}

// The default texts (config/templates/<language>/<kind>.txt).

std::filesystem::path templates_dir() {
  return std::filesystem::path(PAMINNA_SOURCE_DIR) / "config/templates";
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// A longer-than-usual address and a Swedish number as written for people.
constexpr std::string_view kExamplePlace = "Södra Förstadsgatan 24, Malmö";
constexpr std::string_view kExamplePhone = "040-34 12 34";

class DefaultTemplate : public ::testing::TestWithParam<std::tuple<Language, const char*>> {};

TEST_P(DefaultTemplate, ParsesAndFitsItsSegmentBudget) {
  const auto [language, kind] = GetParam();
  const auto path = templates_dir() / to_string(language) / (std::string(kind) + ".txt");
  const std::string text = read_file(path);
  ASSERT_FALSE(text.empty()) << path;
  const auto message = parse_template(text);
  ASSERT_TRUE(message.has_value()) << path << ": " << to_string(message.error());

  const std::string rendered = render_example(*message, language, kExamplePlace, kExamplePhone);
  const auto length = measure_sms(rendered);
  ASSERT_TRUE(length.has_value());
  if (language == Language::ar) {
    EXPECT_EQ(length->encoding, SmsEncoding::ucs2);
    EXPECT_LE(length->segments, 2U) << rendered << " (" << length->units << " units)";
  } else {
    // One GSM-7 part: a Swedish or English reminder costs one SMS.
    EXPECT_EQ(length->encoding, SmsEncoding::gsm7) << rendered;
    EXPECT_EQ(length->segments, 1U) << rendered << " (" << length->units << " septets)";
  }
  // Only time and place, and the office to call or text (R12).
  for (const auto placeholder :
       {Placeholder::weekday, Placeholder::date, Placeholder::time, Placeholder::office_phone}) {
    EXPECT_NE(text.find(std::string("{") + std::string(to_string(placeholder)) + "}"), std::string::npos)
        << path << " lacks {" << to_string(placeholder) << "}";
  }
}

TEST_P(DefaultTemplate, SaysNothingAboutCrimeVictimsOrTheAgency) {
  // design.md, JO 494-2016: an SMS must not reveal why the client is in contact with us.
  const auto [language, kind] = GetParam();
  std::string text = read_file(templates_dir() / to_string(language) / (std::string(kind) + ".txt"));
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (const char* word : {"brott", "offer", "stöd", "ärende", "polis", "kommun", "socialtjänst", "crime", "victim",
                           "support", "case", "police", "agency", "جريمة", "ضحية", "دعم", "قضية", "شرطة"}) {
    EXPECT_EQ(text.find(word), std::string::npos) << kind << " (" << to_string(language) << ") contains " << word;
  }
}

INSTANTIATE_TEST_SUITE_P(AllLanguages, DefaultTemplate,
                         ::testing::Combine(::testing::Values(Language::sv, Language::en, Language::ar),
                                            ::testing::Values("reminder", "moved", "cancelled")),
                         [](const auto& test) {
                           return std::string(to_string(std::get<0>(test.param))) + "_" + std::get<1>(test.param);
                         });

}  // namespace
}  // namespace paminna
