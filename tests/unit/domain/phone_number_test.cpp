#include "domain/phone_number.h"

#include <gtest/gtest.h>

namespace paminna {
namespace {

TEST(PhoneNumber, NormalisesSwedishMobileToE164) {
  EXPECT_EQ(normalise_mobile("070-123 45 67", "SE"), "+46701234567");
  EXPECT_EQ(normalise_mobile("+46 70 123 45 67", "SE"), "+46701234567");
  EXPECT_EQ(normalise_mobile("0046701234567", "SE"), "+46701234567");
}

TEST(PhoneNumber, RefusesFixedLineForSms) {
  // Malmö switchboard-style fixed number.
  EXPECT_EQ(normalise_mobile("040-34 10 00", "SE").error(), PhoneNumberError::not_mobile);
}

TEST(PhoneNumber, RefusesGarbage) {
  EXPECT_EQ(normalise_mobile("hello", "SE").error(), PhoneNumberError::invalid);
  EXPECT_EQ(normalise_mobile("070", "SE").error(), PhoneNumberError::invalid);
  EXPECT_EQ(normalise_mobile(std::string(100, '7'), "SE").error(), PhoneNumberError::invalid);
}

TEST(PhoneNumber, MaskKeepsOnlyPrefixAndLastTwoDigits) {
  EXPECT_EQ(mask_phone("+46701234567"), "+46 70 *** ** 67");
  EXPECT_EQ(mask_phone("+447700900123"), "+44 77 *** ** 23");
}

TEST(PhoneNumber, MaskNeverLeaksMalformedInput) {
  EXPECT_EQ(mask_phone("0701234567"), "*** 67");
  EXPECT_EQ(mask_phone("x"), "*** ");
  EXPECT_EQ(mask_phone(""), "*** ");
}

}  // namespace
}  // namespace paminna
