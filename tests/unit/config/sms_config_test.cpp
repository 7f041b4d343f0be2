// [sms] and [reminders] keys, and the checks across keys.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "config/config_loader.h"
#include "support/temp_dir.h"

namespace paminna {
namespace {

using ::testing::HasSubstr;

std::string errors_of(const std::string& text) {
  const auto loaded = parse_config(text, "p.toml");
  return loaded ? std::string() : loaded.error().to_string();
}

TEST(SmsConfig, R12ARealGatewayNeedsTheOfficeNumber) {
  EXPECT_THAT(errors_of("[sms]\ngateway = \"46elks\"\n"), HasSubstr("office.phone is required"));
  EXPECT_EQ(errors_of("[office]\nphone = \"040-34 10 00\"\n[sms]\ngateway = \"46elks\"\n"), "");
}

TEST(SmsConfig, ConsoleWithoutOfficeNumberIsOnlyAWarningWhateverTheKeyOrder) {
  const auto with_phone = parse_config("[sms]\ngateway = \"console\"\n[office]\nphone = \"040-34 10 00\"\n", "p.toml");
  ASSERT_TRUE(with_phone);
  EXPECT_TRUE(with_phone->warnings.empty());
  const auto without = parse_config("", "p.toml");
  ASSERT_TRUE(without);
  ASSERT_EQ(without->warnings.size(), 1U);
  EXPECT_THAT(without->warnings[0], HasSubstr("office.phone is empty"));
}

TEST(SmsConfig, SenderIdIsChecked) {
  EXPECT_THAT(errors_of("[sms]\nsender = \"Stodcentrum Malmo\"\n"), HasSubstr("sms.sender"));
  EXPECT_EQ(errors_of("[sms]\nsender = \"+46701234567\"\n"), "");
}

TEST(SmsConfig, GenericGatewayNeedsItsTableAndAValidOne) {
  EXPECT_THAT(errors_of("[office]\nphone = \"040-34 10 00\"\n[sms]\ngateway = \"generic\"\n"),
              HasSubstr("[sms.generic]"));
  EXPECT_THAT(errors_of("[sms.generic]\nurl = \"https://x.example\"\nbody = \"{nonsense}\"\n"),
              HasSubstr("sms.generic"));
}

TEST(SmsConfig, TemplatesFromAFolderWithAnUnknownPlaceholderAreAnError) {
  EXPECT_THAT(errors_of("[sms]\ntemplates = \"/nonexistent/templates\"\n"), HasSubstr("cannot read"));
  const test::TempDir dir;
  for (const char* language : {"sv", "en", "ar"}) {
    std::filesystem::create_directories(dir.path() / language);
    for (const char* kind : {"reminder", "moved", "cancelled"}) {
      dir.write(std::string(language) + "/" + kind + ".txt", "Tid {weekday} {date} kl. {time}, ring {office_phone}.");
    }
  }
  const std::string config = "[sms]\ntemplates = \"" + dir.path().string() + "\"\n";
  EXPECT_EQ(errors_of(config), "");
  dir.write("en/moved.txt", "Moved to {datum}");
  EXPECT_THAT(errors_of(config), HasSubstr("en/moved.txt: unknown placeholder {datum}"));
}

TEST(SmsConfig, PlacesArePerLanguageAndKind) {
  const auto loaded = parse_config("[sms.places.en]\noffice = \"at Storgatan 1\"\n", "p.toml");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->sms.place(Language::en, "office"), "at Storgatan 1");
  EXPECT_EQ(loaded->sms.place(Language::sv, "office"), "på mottagningen");
  EXPECT_THAT(errors_of("[sms.places.fi]\noffice = \"x\"\n"), HasSubstr("unknown language"));
  EXPECT_THAT(errors_of("[sms.places.sv]\nboat = \"x\"\n"), HasSubstr("unknown kind of visit"));
}

TEST(RemindersConfig, WindowMustBeOrderedAndTimesValid) {
  EXPECT_THAT(errors_of("[reminders]\nwindow_start = \"20:00\"\nwindow_end = \"08:00\"\n"),
              HasSubstr("reminders.window_end"));
  EXPECT_THAT(errors_of("[reminders]\nsend_at = \"25:00\"\n"), HasSubstr("reminders.send_at"));
  EXPECT_THAT(errors_of("[reminders]\nunknown_outcome = \"maybe\"\n"), HasSubstr("resend or hold"));
  const auto loaded = parse_config("[reminders]\nsend_at = \"09:30\"\nunknown_outcome = \"hold\"\n", "p.toml");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->reminders.policy.send_at, std::chrono::minutes(9 * 60 + 30));
  EXPECT_EQ(loaded->reminders.unknown_outcome, RemindersConfig::UnknownOutcome::hold);
}

}  // namespace
}  // namespace paminna
