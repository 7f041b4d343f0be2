// The [phone] keys (R6, R7): the office's real schedule reads naturally and
// mistakes are refused with the key and the entry named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.h"

namespace paminna {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

const std::filesystem::path kSource = "/etc/paminna/paminna.toml";

std::string error_of(std::string_view text) {
  const auto result = parse_config(text, kSource);
  EXPECT_FALSE(result.has_value()) << text;
  return result ? std::string() : result.error().to_string();
}

TEST(PhoneConfig, DefaultsAreTheOfficesR6Schedule) {
  const auto config = parse_config("", kSource);
  ASSERT_TRUE(config.has_value());
  const auto office = PhoneSchedule::office_default();
  for (unsigned day = 0; day < 7; ++day) {
    const auto& got = config->phone.schedule.weekly.days.at(day);
    const auto& want = office.weekly.days.at(day);
    ASSERT_EQ(got.windows.size(), want.windows.size()) << day;
    for (std::size_t i = 0; i < got.windows.size(); ++i) {
      EXPECT_EQ(got.windows[i].start, want.windows[i].start);
      EXPECT_EQ(got.windows[i].end, want.windows[i].end);
      EXPECT_EQ(got.windows[i].kind, want.windows[i].kind);
    }
    // Lunch applies to every day; it only cuts open windows.
    ASSERT_EQ(got.breaks.size(), 1U);
    EXPECT_EQ(got.breaks[0].start, 12h);
  }
  EXPECT_EQ(config->phone.schedule.holidays.closed_eves, office.holidays.closed_eves);
  EXPECT_TRUE(config->phone.roster.empty());
  EXPECT_TRUE(config->phone.state_file.empty());
}

TEST(PhoneConfig, ReadsTheWholeSection) {
  const auto config = parse_config(R"(
[phone]
hours = { monday = ["10:00-12:00"], friday = ["09:00-12:00"] }
lunch = ""
internal = { monday = ["15:00-16:30"], friday = ["13:00-14:00"] }
closed_eves = ["christmas_eve"]
closed_dates = [{ date = "2026-12-29", note = "Personaldag" }, { date = 2027-01-07 }]
open_dates = [{ date = "2026-12-24", hours = ["09:00-11:00"] }]
roster = ["AL", "MK", "Åsa"]
state_file = "/run/paminna/phone.json"
status_file = "/run/paminna/phone.status"
webhook_url = "https://pbx.example/hook"
)",
                                   kSource);
  ASSERT_TRUE(config.has_value()) << config.error().to_string();
  const auto& monday = config->phone.schedule.weekly.on(std::chrono::Monday);
  ASSERT_EQ(monday.windows.size(), 2U);
  EXPECT_EQ(monday.windows[0].kind, WindowKind::open);
  EXPECT_EQ(monday.windows[1].kind, WindowKind::internal);
  EXPECT_TRUE(monday.breaks.empty());
  EXPECT_TRUE(config->phone.schedule.weekly.on(std::chrono::Tuesday).windows.empty());
  ASSERT_EQ(config->phone.schedule.holidays.closed_dates.size(), 2U);
  EXPECT_EQ(config->phone.schedule.holidays.closed_dates[0].note, "Personaldag");
  ASSERT_EQ(config->phone.schedule.holidays.open_dates.size(), 1U);
  EXPECT_TRUE(config->phone.schedule.holidays.open_dates[0].hours.has_value());
  EXPECT_EQ(config->phone.roster.size(), 3U);
  EXPECT_EQ(config->phone.webhook_url, "https://pbx.example/hook");
}

TEST(PhoneConfig, MistakesAreNamed) {
  EXPECT_THAT(error_of("[phone]\nhours = { tuesday = [\"9-15\"] }\n"), HasSubstr("phone.hours: tuesday: \"9-15\""));
  EXPECT_THAT(error_of("[phone]\nhours = { tisdag = [\"09:00-15:30\"] }\n"), HasSubstr("'tisdag' is not a weekday"));
  EXPECT_THAT(error_of("[phone]\nlunch = \"13:00-12:00\"\n"), HasSubstr("ends before it starts"));
  EXPECT_THAT(error_of("[phone]\nclosed_eves = [\"christmas_day\"]\n"), HasSubstr("is not an eve"));
  EXPECT_THAT(error_of("[phone]\nroster = [\"AL\", \"AL\"]\n"), HasSubstr("listed twice"));
  EXPECT_THAT(error_of("[phone]\nclosed_dates = [{ date = \"2026-02-30\" }]\n"), HasSubstr("phone.closed_dates"));
  EXPECT_THAT(error_of("[phone]\nwebhook_url = \"ftp://x\"\n"), HasSubstr("http:// or https://"));
  // An open window over the internal one: only seen once both keys are read.
  EXPECT_THAT(error_of("[phone]\nhours = { monday = [\"09:00-16:00\"] }\n"), HasSubstr("phone.hours/phone.internal"));
}

}  // namespace
}  // namespace paminna
