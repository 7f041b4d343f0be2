#include "domain/sms_encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace paminna {
namespace {

SmsLength measured(std::string_view text) {
  const auto length = measure_sms(text);
  EXPECT_TRUE(length.has_value()) << text;
  return length.value_or(SmsLength{});
}

std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) {
    out += piece;
  }
  return out;
}

TEST(SmsEncoding, SwedishLettersStayGsm7) {
  const auto length = measured("Påminnelse: tid hos oss i Malmö, Ängelholm, Örebro. ÅÄÖ åäö é É ü Ü ñ Ñ");
  EXPECT_EQ(length.encoding, SmsEncoding::gsm7);
  EXPECT_EQ(length.units, 71U);
  EXPECT_EQ(length.segments, 1U);
}

TEST(SmsEncoding, AsciiPunctuationWithGsm7PositionsCountsOne) {
  const auto length = measured("@$#_!\"%&'()*+,-./:;<=>?\n\r");
  EXPECT_EQ(length.encoding, SmsEncoding::gsm7);
  EXPECT_EQ(length.units, 25U);
}

TEST(SmsEncoding, ExtensionCharactersCountTwo) {
  for (const char* text : {"€", "[", "]", "{", "}", "^", "~", "\\", "|", "\f"}) {
    const auto length = measured(text);
    EXPECT_EQ(length.encoding, SmsEncoding::gsm7) << text;
    EXPECT_EQ(length.units, 2U) << text;
  }
  EXPECT_EQ(measured("Pris: 10 € [ca]").units, 18U);
}

TEST(SmsEncoding, CharactersOutsideGsm7MeanUcs2) {
  for (const char* text : {"`", "ç", "ê", "õ", "’", "\xC2\xA0"}) {
    EXPECT_EQ(measured(text).encoding, SmsEncoding::ucs2) << text;
  }
}

TEST(SmsEncoding, EmptyTextIsOneSegment) {
  const auto length = measured("");
  EXPECT_EQ(length.units, 0U);
  EXPECT_EQ(length.segments, 1U);
}

TEST(SmsEncoding, Gsm7SingleSegmentBoundary) {
  EXPECT_EQ(measured(repeat("a", 160)).segments, 1U);
  EXPECT_EQ(measured(repeat("a", 161)).segments, 2U);
  EXPECT_EQ(measured(repeat("€", 80)).segments, 1U);
  EXPECT_EQ(measured(repeat("€", 80) + "a").segments, 2U);
}

TEST(SmsEncoding, Gsm7ConcatenatedBoundary) {
  EXPECT_EQ(measured(repeat("a", 306)).segments, 2U);
  EXPECT_EQ(measured(repeat("a", 307)).segments, 3U);
  EXPECT_EQ(measured(repeat("a", 459)).segments, 3U);
  EXPECT_EQ(measured(repeat("a", 460)).segments, 4U);
}

TEST(SmsEncoding, ExtensionCharacterIsNotSplitAcrossSegments) {
  // 152 + 2 straddles the first part's 153 septets: the escape pair moves whole
  // to part two, so 152 + (2 + 151) fills two parts and one more septet needs a third.
  const auto fits = measured(repeat("a", 152) + "€" + repeat("a", 151));
  EXPECT_EQ(fits.units, 305U);
  EXPECT_EQ(fits.segments, 2U);
  const auto spills = measured(repeat("a", 152) + "€" + repeat("a", 152));
  EXPECT_EQ(spills.units, 306U);
  EXPECT_EQ(spills.segments, 3U);  // 306 septets would fit two parts if the pair could be split
  // Not straddling: 151 + 2 ends part one exactly.
  EXPECT_EQ(measured(repeat("a", 151) + "€" + repeat("a", 153)).segments, 2U);
}

TEST(SmsEncoding, Ucs2SingleSegmentBoundary) {
  const auto seventy = measured("ç" + repeat("a", 69));
  EXPECT_EQ(seventy.encoding, SmsEncoding::ucs2);
  EXPECT_EQ(seventy.units, 70U);
  EXPECT_EQ(seventy.segments, 1U);
  EXPECT_EQ(measured("ç" + repeat("a", 70)).segments, 2U);
}

TEST(SmsEncoding, Ucs2ConcatenatedBoundary) {
  EXPECT_EQ(measured("ç" + repeat("a", 133)).segments, 2U);
  EXPECT_EQ(measured("ç" + repeat("a", 134)).segments, 3U);
}

TEST(SmsEncoding, EmojiCountsTwoUnits) {
  const auto length = measured("Hej 🙂");
  EXPECT_EQ(length.encoding, SmsEncoding::ucs2);
  EXPECT_EQ(length.units, 6U);
  EXPECT_EQ(measured(repeat("🙂", 35)).segments, 1U);
  EXPECT_EQ(measured(repeat("🙂", 35) + "a").segments, 2U);
}

TEST(SmsEncoding, SurrogatePairIsNotSplitAcrossSegments) {
  // 66 + 2 straddles the 67-unit part: the pair moves whole to part two.
  EXPECT_EQ(measured(repeat("a", 66) + "🙂" + repeat("a", 65)).segments, 2U);
  const auto spills = measured(repeat("a", 66) + "🙂" + repeat("a", 66));
  EXPECT_EQ(spills.units, 134U);
  EXPECT_EQ(spills.segments, 3U);
}

TEST(SmsEncoding, ArabicIsUcs2) {
  const auto length = measured("تذكير: موعدك يوم الثلاثاء 24 نوفمبر الساعة 10:00");
  EXPECT_EQ(length.encoding, SmsEncoding::ucs2);
  EXPECT_EQ(length.units, 48U);
  EXPECT_EQ(length.segments, 1U);
}

TEST(SmsEncoding, InvalidUtf8IsAnError) {
  for (const std::string& text : {
           std::string("\xFF"),
           std::string("abc\xC3"),           // truncated å
           std::string("\xC3\x28"),          // bad continuation
           std::string("\xC0\xAF"),          // overlong '/'
           std::string("\xE0\x80\xAF"),      // overlong '/'
           std::string("\xED\xA0\x80"),      // UTF-16 surrogate
           std::string("\xF4\x90\x80\x80"),  // above U+10FFFF
           std::string("\x80"),              // lone continuation
       }) {
    const auto length = measure_sms(text);
    ASSERT_FALSE(length.has_value());
    EXPECT_EQ(length.error(), SmsTextError::invalid_utf8);
  }
}

TEST(SmsEncoding, NormalisationReplacesTypographicCharacters) {
  EXPECT_EQ(normalise_for_sms("‘a’ “b” „c” – — … x\xC2\xA0y\xE2\x80\xAFz"), "'a' \"b\" \"c\" - - ... x y z");
  EXPECT_EQ(normalise_for_sms("Påminnelse: tisdag 24 november kl. 10.00–11.00"),
            "Påminnelse: tisdag 24 november kl. 10.00-11.00");
}

TEST(SmsEncoding, NormalisationKeepsASwedishTextInGsm7) {
  const std::string typed = "Påminnelse: du har en tid ”i morgon” kl. 10.00 – välkommen…";
  EXPECT_EQ(measured(typed).encoding, SmsEncoding::ucs2);
  EXPECT_EQ(measured(normalise_for_sms(typed)).encoding, SmsEncoding::gsm7);
}

TEST(SmsEncoding, NormalisationComposesDecomposedGsm7Letters) {
  // "Malmö" and "Vårgatan" as some keyboards and file systems write them.
  EXPECT_EQ(normalise_for_sms("Malmo\xCC\x88 Va\xCC\x8Argatan Cafe\xCC\x81"), "Malmö Vårgatan Café");
  // ê is not in GSM-7: left as it was.
  EXPECT_EQ(normalise_for_sms("e\xCC\x82"), "e\xCC\x82");
}

TEST(SmsEncoding, NormalisationLeavesOtherTextAndInvalidBytesAlone) {
  EXPECT_EQ(normalise_for_sms("الثلاثاء 🙂 €"), "الثلاثاء 🙂 €");
  EXPECT_EQ(normalise_for_sms("a\xFF–"), "a\xFF-");
}

}  // namespace
}  // namespace paminna
