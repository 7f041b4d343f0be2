#include "control/params.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace paminna::control {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// Runs `read` and returns the RpcError it throws; fails the test if it does not throw one.
template <typename Read>
RpcError error_from(Read read) {
  try {
    read();
  } catch (const RpcError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an RpcError";
  return {0, "no error"};
}

// The error names the field in its message and in data.field, and is invalid_params.
void expect_names_field(const RpcError& error, const std::string& field) {
  EXPECT_EQ(error.code(), error_code::invalid_params) << error.what();
  EXPECT_THAT(error.what(), HasSubstr(field));
  EXPECT_EQ(error.data(), (json{{"field", field}})) << error.what();
}

// --- Construction -------------------------------------------------------------------------------------------------

TEST(Params, NullParamsAreAnEmptyObject) {
  const json params;
  Params p(params);
  EXPECT_EQ(p.optional_string("note", 10), std::nullopt);
  EXPECT_NO_THROW(p.finish());
}

TEST(Params, ParamsThatAreNotAnObjectAreRefused) {
  for (const json& params : {json::array({1}), json("x"), json(3)}) {
    const auto error = error_from([&] { Params p(params); });
    EXPECT_EQ(error.code(), error_code::invalid_params);
  }
}

// --- Strings ------------------------------------------------------------------------------------------------------

TEST(Params, RequiredStringIsReturned) {
  const json params{{"client", "K-17"}};
  Params p(params);
  EXPECT_EQ(p.required_string("client", 64), "K-17");
  EXPECT_NO_THROW(p.finish());
}

TEST(Params, AMissingRequiredStringIsNamed) {
  const json params = json::object();
  Params p(params);
  const auto error = error_from([&] { (void)p.required_string("client", 64); });
  expect_names_field(error, "client");
  EXPECT_THAT(error.what(), HasSubstr("required"));
}

TEST(Params, ANullRequiredStringCountsAsMissing) {
  const json params{{"client", nullptr}};
  Params p(params);
  const auto error = error_from([&] { (void)p.required_string("client", 64); });
  expect_names_field(error, "client");
  EXPECT_THAT(error.what(), HasSubstr("required"));
}

TEST(Params, AnEmptyRequiredStringIsRefused) {
  const json params{{"client", ""}};
  Params p(params);
  expect_names_field(error_from([&] { (void)p.required_string("client", 64); }), "client");
}

TEST(Params, OptionalStringAbsentOrNullIsNothing) {
  const json params{{"note", nullptr}};
  Params p(params);
  EXPECT_EQ(p.optional_string("note", 10), std::nullopt);
  EXPECT_EQ(p.optional_string("other", 10), std::nullopt);
  EXPECT_NO_THROW(p.finish());
}

TEST(Params, OptionalStringPresentIsReturnedAndMayBeEmpty) {
  const json params{{"note", "hej"}, {"empty", ""}};
  Params p(params);
  EXPECT_EQ(p.optional_string("note", 10), std::optional<std::string>("hej"));
  EXPECT_EQ(p.optional_string("empty", 10), std::optional<std::string>(""));
}

TEST(Params, AStringOfTheWrongTypeIsRefusedSayingWhatItWas) {
  for (const json& value : {json(17), json(true), json::array({"a"}), json::object({{"a", 1}}), json(1.5)}) {
    const json params{{"client", value}};
    Params p(params);
    const auto error = error_from([&] { (void)p.required_string("client", 64); });
    expect_names_field(error, "client");
    EXPECT_THAT(error.what(), HasSubstr("must be a string")) << value.dump();
  }
}

TEST(Params, AStringAtItsLimitIsAcceptedAndOneByteMoreIsRefused) {
  const json ok{{"note", std::string(10, 'a')}};
  Params p_ok(ok);
  EXPECT_EQ(p_ok.required_string("note", 10).size(), 10U);

  const json over{{"note", std::string(11, 'a')}};
  Params p_over(over);
  const auto error = error_from([&] { (void)p_over.required_string("note", 10); });
  expect_names_field(error, "note");
  EXPECT_THAT(error.what(), HasSubstr("too long"));
  EXPECT_THAT(error.what(), HasSubstr("11"));
  EXPECT_THAT(error.what(), HasSubstr("10"));
}

TEST(Params, LengthIsCountedInBytes) {
  const json params{{"name", "ÅÄÖ"}};  // 6 bytes in UTF-8
  Params p(params);
  expect_names_field(error_from([&] { (void)p.required_string("name", 5); }), "name");
  Params again(params);
  EXPECT_EQ(again.required_string("name", 6), "ÅÄÖ");
}

TEST(Params, ControlCharactersAreRefused) {
  for (const std::string& text :
       {std::string("a\nb"), std::string("a\tb"), std::string("a\rb"), std::string("\x1b[31m"), std::string("a\x7f"),
        std::string("a\0b", 3), std::string("\x01")}) {
    const json params{{"note", text}};
    Params p(params);
    const auto error = error_from([&] { (void)p.optional_string("note", 100); });
    expect_names_field(error, "note");
    EXPECT_THAT(error.what(), HasSubstr("control characters"));
  }
}

TEST(Params, PrintableUnicodeIsAccepted) {
  const json params{{"note", "Ring efter 14:00 — tolk: arabiska (عربي) 😀"}};
  Params p(params);
  EXPECT_TRUE(p.optional_string("note", 200).has_value());
}

TEST(Params, InvalidUtf8IsRefused) {
  for (const std::string& text :
       {std::string("\xff"), std::string("a\xc3"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
        std::string("\xf8\x88\x80\x80\x80"), std::string("abc\x80")}) {
    const json params{{"note", text}};
    Params p(params);
    const auto error = error_from([&] { (void)p.optional_string("note", 100); });
    expect_names_field(error, "note");
    EXPECT_THAT(error.what(), HasSubstr("UTF-8"));
  }
}

TEST(CheckText, MultilineAllowsNewlineAndTabOnly) {
  EXPECT_NO_THROW(check_text("note", "line one\n\tline two", 100, true));
  expect_names_field(error_from([] { check_text("note", "a\rb", 100, true); }), "note");
  expect_names_field(error_from([] {
                       check_text("note",
                                  "a\x1b"
                                  "b",
                                  100, true);
                     }),
                     "note");
  expect_names_field(error_from([] { check_text("note", "a\nb", 100, false); }), "note");
}

// --- Integers -----------------------------------------------------------------------------------------------------

TEST(Params, RequiredIntWithinRangeIncludingItsEnds) {
  const json params{{"low", 1}, {"high", 14}, {"mid", 7}};
  Params p(params);
  EXPECT_EQ(p.required_int("low", 1, 14), 1);
  EXPECT_EQ(p.required_int("high", 1, 14), 14);
  EXPECT_EQ(p.required_int("mid", 1, 14), 7);
  EXPECT_NO_THROW(p.finish());
}

TEST(Params, AnIntOutsideItsRangeIsRefusedWithTheRange) {
  for (const int value : {0, 15, -1}) {
    const json params{{"days", value}};
    Params p(params);
    const auto error = error_from([&] { (void)p.required_int("days", 1, 14); });
    expect_names_field(error, "days");
    EXPECT_THAT(error.what(), HasSubstr("between 1 and 14"));
  }
}

TEST(Params, AHugeUnsignedIntIsOutOfRangeNotWrappedAround) {
  // 2^64 - 1 arrives as an unsigned JSON number; it must not become -1.
  const json params = json::parse(R"({"n": 18446744073709551615})");
  Params p(params);
  expect_names_field(error_from([&] { (void)p.required_int("n", -5, 5); }), "n");

  const json big = json::parse(R"({"n": 9223372036854775808})");
  Params p_big(big);
  expect_names_field(error_from([&] {
                       (void)p_big.required_int("n", std::numeric_limits<std::int64_t>::min(),
                                                std::numeric_limits<std::int64_t>::max());
                     }),
                     "n");
}

TEST(Params, TheInt64ExtremesAreReadExactly) {
  const json params = json::parse(R"({"min": -9223372036854775808, "max": 9223372036854775807})");
  Params p(params);
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(p.required_int("min", kMin, kMax), kMin);
  EXPECT_EQ(p.required_int("max", kMin, kMax), kMax);
}

TEST(Params, AnIntOfTheWrongTypeIsRefused) {
  for (const json& value : {json(1.5), json(2.0), json("3"), json(true), json::array({1})}) {
    const json params{{"n", value}};
    Params p(params);
    const auto error = error_from([&] { (void)p.required_int("n", 0, 10); });
    expect_names_field(error, "n");
    EXPECT_THAT(error.what(), HasSubstr("integer")) << value.dump();
  }
}

TEST(Params, AMissingRequiredIntIsNamed) {
  const json params = json::object();
  Params p(params);
  const auto error = error_from([&] { (void)p.required_int("n", 0, 10); });
  expect_names_field(error, "n");
  EXPECT_THAT(error.what(), HasSubstr("required"));
}

TEST(Params, OptionalIntAbsentIsNothing) {
  const json params{{"n", nullptr}};
  Params p(params);
  EXPECT_EQ(p.optional_int("n", 0, 10), std::nullopt);
  EXPECT_EQ(p.optional_int("m", 0, 10), std::nullopt);
}

// --- Booleans -----------------------------------------------------------------------------------------------------

TEST(Params, BoolIsReadOrFallsBack) {
  const json params{{"yes", true}, {"no", false}, {"null", nullptr}};
  Params p(params);
  EXPECT_TRUE(p.optional_bool("yes", false));
  EXPECT_FALSE(p.optional_bool("no", true));
  EXPECT_TRUE(p.optional_bool("null", true));
  EXPECT_FALSE(p.optional_bool("absent", false));
  EXPECT_TRUE(p.optional_bool("absent2", true));
  EXPECT_NO_THROW(p.finish());
}

TEST(Params, ABoolOfTheWrongTypeIsRefused) {
  for (const json& value : {json("true"), json(1), json(0), json::object()}) {
    const json params{{"force", value}};
    Params p(params);
    const auto error = error_from([&] { (void)p.optional_bool("force", false); });
    expect_names_field(error, "force");
    EXPECT_THAT(error.what(), HasSubstr("true or false")) << value.dump();
  }
}

// --- Enums --------------------------------------------------------------------------------------------------------

const std::vector<std::string> kLanguages{"sv", "ar", "en"};

TEST(Params, AnAllowedEnumValueIsReturned) {
  const json params{{"language", "ar"}};
  Params p(params);
  EXPECT_EQ(p.required_enum("language", kLanguages), "ar");
}

TEST(Params, AValueNotInTheEnumIsRefusedListingTheChoices) {
  for (const json& value : {json("de"), json("SV"), json(""), json("sv ")}) {
    const json params{{"language", value}};
    Params p(params);
    const auto error = error_from([&] { (void)p.required_enum("language", kLanguages); });
    expect_names_field(error, "language");
    EXPECT_THAT(error.what(), HasSubstr("sv, ar, en")) << value.dump();
  }
}

TEST(Params, AnEnumOfTheWrongTypeIsRefused) {
  const json params{{"language", 1}};
  Params p(params);
  expect_names_field(error_from([&] { (void)p.optional_enum("language", kLanguages); }), "language");
}

TEST(Params, AMissingRequiredEnumListsTheChoices) {
  const json params = json::object();
  Params p(params);
  const auto error = error_from([&] { (void)p.required_enum("language", kLanguages); });
  expect_names_field(error, "language");
  EXPECT_THAT(error.what(), HasSubstr("required"));
  EXPECT_THAT(error.what(), HasSubstr("sv, ar, en"));
}

TEST(Params, AnOptionalEnumAbsentIsNothing) {
  const json params = json::object();
  Params p(params);
  EXPECT_EQ(p.optional_enum("language", kLanguages), std::nullopt);
}

// --- finish() -----------------------------------------------------------------------------------------------------

TEST(Params, FinishNamesAnUnknownParameter) {
  const json params{{"client", "K-17"}, {"clinet", "typo"}};
  Params p(params);
  (void)p.required_string("client", 64);
  const auto error = error_from([&] { p.finish(); });
  expect_names_field(error, "clinet");
  EXPECT_THAT(error.what(), HasSubstr("unknown parameter"));
}

TEST(Params, FinishFlagsAnUnknownParameterEvenWhenNull) {
  const json params{{"extra", nullptr}};
  Params p(params);
  expect_names_field(error_from([&] { p.finish(); }), "extra");
}

TEST(Params, FinishAcceptsParametersThatWereReadOptionallyAndAbsent) {
  const json params{{"a", 1}};
  Params p(params);
  (void)p.optional_int("a", 0, 5);
  (void)p.optional_string("b", 5);
  (void)p.optional_bool("c", false);
  EXPECT_NO_THROW(p.finish());
}

}  // namespace
}  // namespace paminna::control
