#include "domain/phone_number.h"

#include <phonenumbers/phonenumberutil.h>

namespace paminna {

namespace pn = i18n::phonenumbers;

std::string_view to_string(PhoneNumberError error) {
  switch (error) {
    case PhoneNumberError::invalid:
      return "not a valid phone number";
    case PhoneNumberError::not_mobile:
      return "not a mobile number, so it cannot receive SMS";
  }
  return "invalid phone number";
}

tl::expected<PhoneNumber, PhoneNumberError> parse_phone_number(std::string_view text, std::string_view default_region) {
  const auto& util = *pn::PhoneNumberUtil::GetInstance();
  pn::PhoneNumber parsed;
  if (text.size() > 64 ||
      util.Parse(std::string(text), std::string(default_region), &parsed) != pn::PhoneNumberUtil::NO_PARSING_ERROR ||
      !util.IsValidNumber(parsed)) {
    return tl::unexpected(PhoneNumberError::invalid);
  }
  PhoneNumber result;
  util.Format(parsed, pn::PhoneNumberUtil::E164, &result.e164);
  const auto type = util.GetNumberType(parsed);
  result.mobile = type == pn::PhoneNumberUtil::MOBILE || type == pn::PhoneNumberUtil::FIXED_LINE_OR_MOBILE;
  return result;
}

tl::expected<std::string, PhoneNumberError> normalise_mobile(std::string_view text, std::string_view default_region) {
  auto parsed = parse_phone_number(text, default_region);
  if (!parsed) {
    return tl::unexpected(parsed.error());
  }
  if (!parsed->mobile) {
    return tl::unexpected(PhoneNumberError::not_mobile);
  }
  return std::move(parsed->e164);
}

std::string mask_phone(std::string_view e164) {
  const auto& util = *pn::PhoneNumberUtil::GetInstance();
  pn::PhoneNumber parsed;
  std::string national;
  const bool looks_e164 = e164.size() >= 8 && e164.size() <= 16 && e164.front() == '+' &&
                          util.Parse(std::string(e164), "ZZ", &parsed) == pn::PhoneNumberUtil::NO_PARSING_ERROR;
  if (looks_e164) {
    util.GetNationalSignificantNumber(parsed, &national);
  }
  if (!looks_e164 || national.size() < 6) {
    const auto tail = e164.size() >= 2 ? e164.substr(e164.size() - 2) : std::string_view{};
    return "*** " + std::string(tail);
  }
  // Keep the country, the operator prefix and the last two digits: enough for a
  // person to tell two numbers apart, not enough to call one.
  return "+" + std::to_string(parsed.country_code()) + " " + national.substr(0, 2) + " *** ** " +
         national.substr(national.size() - 2);
}

}  // namespace paminna
