// SMS message templates and rendering (R11): parse_template on arbitrary
// text (an office edits config/templates/), render and render_example in every
// language with arbitrary place and phone values and visit times, and the SMS
// text functions (measure_sms, normalise_for_sms) on the results.
//
// Input: template text, then optionally "\0" place "\0" office phone "\0" and
// up to 8 bytes of visit time. A plain template file is a valid input.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "domain/message_template.h"
#include "domain/sms_encoding.h"

namespace {

using paminna::Language;

[[noreturn]] void fail(const char* what, std::string_view text) {
  std::fprintf(stderr, "fuzz_templates: %s: %.*s\n", what, static_cast<int>(text.size()), text.data());
  std::abort();
}

std::string_view next_field(std::string_view& rest) {
  const auto nul = rest.find('\0');
  const auto field = rest.substr(0, nul);
  rest = nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);
  return field;
}

void check_sms_text(std::string_view text) {
  const auto measured = paminna::measure_sms(text);
  const auto normalised = paminna::normalise_for_sms(text);
  if (!measured) {
    return;  // malformed UTF-8 is copied unchanged; nothing more to check
  }
  if (measured->segments == 0) {
    fail("zero segments", text);
  }
  const std::size_t single = measured->encoding == paminna::SmsEncoding::gsm7 ? 160 : 70;
  if ((measured->units <= single) != (measured->segments == 1)) {
    fail("segment count disagrees with the length", text);
  }
  const auto after = paminna::measure_sms(normalised);
  if (!after) {
    fail("normalise_for_sms made valid UTF-8 invalid", text);
  }
  if (paminna::normalise_for_sms(normalised) != normalised) {
    fail("normalise_for_sms is not idempotent", text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const auto text = next_field(rest);
  const auto place = next_field(rest);
  const auto phone = next_field(rest);
  std::int64_t raw_time = 0;
  if (!rest.empty()) {
    std::memcpy(&raw_time, rest.data(), std::min(rest.size(), sizeof raw_time));
  }
  // Visits between 1970 and about 2100, as the booking rules allow far less.
  const auto start =
      std::chrono::local_seconds{std::chrono::seconds{(raw_time % 4'102'444'800 + 4'102'444'800) % 4'102'444'800}};

  check_sms_text(text);
  const auto parsed = paminna::parse_template(text);
  if (!parsed) {
    const auto message = paminna::to_string(parsed.error());
    if (message.empty() || parsed.error().line == 0 || parsed.error().column == 0) {
      fail("error without a message or position", text);
    }
    return 0;
  }
  const paminna::MessageFields fields{start, std::string(place), std::string(phone)};
  for (const auto language : {Language::sv, Language::en, Language::ar}) {
    const auto rendered = paminna::render(*parsed, fields, language);
    check_sms_text(rendered);
    const auto example = paminna::render_example(*parsed, language, place, phone);
    check_sms_text(example);
    // The configuration check relies on the example being the longest text.
    const auto rendered_length = paminna::measure_sms(rendered);
    const auto example_length = paminna::measure_sms(example);
    if (rendered_length && example_length && rendered_length->segments > example_length->segments) {
      fail("render_example is shorter than a real rendering", text);
    }
  }
  return 0;
}
