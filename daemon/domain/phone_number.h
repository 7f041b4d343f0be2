// Phone numbers: normalisation to E.164 and the masked form used everywhere a
// number could be seen by someone who does not need it (logs, default CLI output).
//
// A client's phone number is itself covered by secrecy (JO 846-2012, design.md):
// code that logs or displays a number goes through mask_phone().
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace paminna {

enum class PhoneNumberError {
  invalid,     // not a phone number for the region
  not_mobile,  // a valid number that cannot receive SMS (fixed line, toll free, …)
};

std::string_view to_string(PhoneNumberError error);

struct PhoneNumber {
  std::string e164;  // "+46701234567"
  bool mobile = false;
};

// Parses what a person typed ("070-123 45 67", "+46 70 123 45 67") with
// `default_region` (ISO 3166 alpha-2, "SE") for numbers without a country code.
tl::expected<PhoneNumber, PhoneNumberError> parse_phone_number(std::string_view text, std::string_view default_region);

// As parse_phone_number, and refuses numbers that cannot receive SMS.
tl::expected<std::string, PhoneNumberError> normalise_mobile(std::string_view text, std::string_view default_region);

// "+46701234567" -> "+46 70 *** ** 67". Anything that does not look like
// E.164 is masked entirely except its last two characters, so a malformed
// number can never leak through this function either.
std::string mask_phone(std::string_view e164);

}  // namespace paminna
