#include "domain/sender_id.h"

#include <gtest/gtest.h>

namespace paminna {
namespace {

TEST(SenderId, AcceptsAlphanumericUpToElevenCharacters) {
  for (const char* text : {"P", "Paminna", "Tid2026", "ABCDEFGHIJK", "1a"}) {
    const auto id = parse_sender_id(text);
    ASSERT_TRUE(id.has_value()) << text << ": " << id.error();
    EXPECT_EQ(id->text, text);
    EXPECT_EQ(id->kind, SenderIdKind::alphanumeric);
  }
}

TEST(SenderId, AcceptsE164PhoneNumbers) {
  for (const char* text : {"+46701234567", "+4670123", "+123456789012345"}) {
    const auto id = parse_sender_id(text);
    ASSERT_TRUE(id.has_value()) << text << ": " << id.error();
    EXPECT_EQ(id->kind, SenderIdKind::phone_number);
  }
}

TEST(SenderId, RefusesEmpty) {
  EXPECT_EQ(parse_sender_id("").error(), "sender id is empty");
}

TEST(SenderId, RefusesMoreThanElevenCharacters) {
  EXPECT_EQ(parse_sender_id("ABCDEFGHIJKL").error(),
            "sender id 'ABCDEFGHIJKL' has 12 characters; at most 11 are allowed");
}

TEST(SenderId, NamesTheCharacterThatIsNotAllowed) {
  EXPECT_EQ(parse_sender_id("Stödcentrum").error(),
            "sender id 'Stödcentrum' contains 'ö'; only A-Z, a-z and 0-9 are allowed");
  EXPECT_EQ(parse_sender_id("Tid bokad").error(),
            "sender id 'Tid bokad' contains a space; only A-Z, a-z and 0-9 are allowed");
  EXPECT_NE(parse_sender_id("Tid-bokad").error().find("'-'"), std::string::npos);
}

TEST(SenderId, RefusesDigitsOnlyWithoutPlus) {
  EXPECT_NE(parse_sender_id("0701234567").error().find("no letter"), std::string::npos);
}

TEST(SenderId, RefusesMalformedPhoneNumbers) {
  EXPECT_NE(parse_sender_id("+46 70 123 45 67").error().find("contains a space"), std::string::npos);
  EXPECT_NE(parse_sender_id("+461234").error().find("has 6 digits"), std::string::npos);
  EXPECT_NE(parse_sender_id("+1234567890123456").error().find("has 16 digits"), std::string::npos);
  EXPECT_NE(parse_sender_id("+0701234567").error().find("country code"), std::string::npos);
  EXPECT_NE(parse_sender_id("+").error().find("has 0 digits"), std::string::npos);
}

}  // namespace
}  // namespace paminna
