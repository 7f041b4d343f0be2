#include "config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include "config/config_keys.h"
#include "support/temp_dir.h"

namespace paminna {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::filesystem::path kSource = "/etc/paminna/paminna.toml";

// Parses `text` that must be invalid; returns its error messages.
std::vector<std::string> errors_of(std::string_view text) {
  const auto result = parse_config(text, kSource);
  EXPECT_FALSE(result.has_value()) << text;
  if (result.has_value()) {
    return {};
  }
  return result.error().messages;
}

// Parses `text` that must be invalid with exactly one message; returns it.
std::string error_of(std::string_view text) {
  const auto messages = errors_of(text);
  EXPECT_EQ(messages.size(), 1U) << text;
  return messages.empty() ? std::string() : messages.front();
}

Config valid(std::string_view text) {
  auto result = parse_config(text, kSource);
  EXPECT_TRUE(result.has_value()) << text << "\n" << (result ? "" : result.error().to_string());
  return result ? *result : Config{};
}

// --- Embedded defaults --------------------------------------------------------------------------------------------

TEST(ConfigDefaults, AreTheDocumentedValues) {
  const auto config = embedded_defaults();
  EXPECT_TRUE(config.source.empty());
  EXPECT_EQ(config.office.name, "Stödcentrum");
  EXPECT_EQ(config.office.timezone, "Europe/Stockholm");
  EXPECT_EQ(config.office.region, "SE");
  EXPECT_EQ(config.office.phone, "");
  EXPECT_EQ(config.daemon.database, std::filesystem::path("paminna-local/paminna.db"));
  EXPECT_EQ(config.daemon.socket, std::filesystem::path("paminna-local/control.sock"));
  EXPECT_EQ(config.daemon.socket_group, "");
  EXPECT_EQ(config.daemon.busy_timeout_ms, 5000);
  EXPECT_EQ(config.control.max_connections, 256U);
  EXPECT_EQ(config.control.max_line_bytes, 1048576U);
  EXPECT_EQ(config.control.idle_timeout, std::chrono::seconds{60});
  EXPECT_EQ(config.control.max_output_bytes, 16777216U);
  EXPECT_EQ(config.log.level, spdlog::level::info);
  EXPECT_EQ(config.log.target, log::Target::automatic);
  EXPECT_EQ(config.reminders.batch_size, 32) << "README: a crash touches at most batch_size reminders, 32 by default";
}

TEST(ConfigDefaults, AnEmptyFileGivesTheDefaults) {
  const auto config = valid("");
  const auto defaults = embedded_defaults();
  EXPECT_EQ(config.source, kSource);
  EXPECT_EQ(config.office.name, defaults.office.name);
  EXPECT_EQ(config.control.max_connections, defaults.control.max_connections);
  EXPECT_EQ(config.daemon.database, defaults.daemon.database);
}

TEST(ConfigKeys, NamesAreUniqueAndDottedAndEachHasHelp) {
  std::set<std::string_view> names;
  for (const auto& key : config_keys()) {
    EXPECT_TRUE(names.insert(key.name).second) << "duplicate key " << key.name;
    EXPECT_NE(key.name.find('.'), std::string_view::npos) << key.name;
    EXPECT_FALSE(key.help.empty()) << key.name;
    EXPECT_FALSE(key.type.empty()) << key.name;
  }
}

TEST(ConfigReference, ListsEveryKeyWithItsDefault) {
  const auto reference = config_reference();
  for (const auto& key : config_keys()) {
    EXPECT_THAT(reference, HasSubstr(std::string(key.name) + " (")) << key.name;
    EXPECT_THAT(reference, HasSubstr("default " + std::string(key.default_toml))) << key.name;
  }
}

TEST(ConfigKeys, EachDefaultWrittenInAFileIsValid) {
  // Writing every default out explicitly must give a valid file.
  std::string text;
  for (const auto& key : config_keys()) {
    text += std::string(key.name) + " = " + std::string(key.default_toml) + "\n";
  }
  valid(text);
}

// --- The example file ---------------------------------------------------------------------------------------------

TEST(ConfigExample, TheShippedExampleFileIsValid) {
  // Not __FILE__: with ccache's base_dir it is relative to the build folder, not to where the test runs.
  const auto path = std::filesystem::path(PAMINNA_SOURCE_DIR) / "config/paminna.example.toml";
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  if (std::filesystem::file_size(path) == 0) {
    GTEST_SKIP() << path << " is still empty";
  }
  const auto result = load_config_file(path);
  ASSERT_TRUE(result.has_value()) << result.error().to_string();
  EXPECT_EQ(result->source, path);
}

// --- Valid values -------------------------------------------------------------------------------------------------

TEST(ConfigLoader, ReadsEveryKey) {
  const auto config = valid(R"(
[office]
name = "Stödcentrum Lund"
timezone = "Europe/Helsinki"
region = "FI"
phone = "+46 40 34 10 00"

[daemon]
database = "/var/lib/paminna/paminna.db"
socket = "/run/paminna/control.sock"
socket_group = "root"
busy_timeout_ms = 250

[control]
max_connections = 3
max_line_bytes = 4096
idle_timeout = 5
max_output_bytes = 65536

[log]
level = "debug"
target = "journal"
)");
  EXPECT_EQ(config.office.name, "Stödcentrum Lund");
  EXPECT_EQ(config.office.timezone, "Europe/Helsinki");
  EXPECT_EQ(config.office.region, "FI");
  EXPECT_EQ(config.office.phone, "+46 40 34 10 00");
  EXPECT_EQ(config.daemon.database, std::filesystem::path("/var/lib/paminna/paminna.db"));
  EXPECT_EQ(config.daemon.socket, std::filesystem::path("/run/paminna/control.sock"));
  EXPECT_EQ(config.daemon.socket_group, "root");
  EXPECT_EQ(config.daemon.busy_timeout_ms, 250);
  EXPECT_EQ(config.control.max_connections, 3U);
  EXPECT_EQ(config.control.max_line_bytes, 4096U);
  EXPECT_EQ(config.control.idle_timeout, std::chrono::seconds{5});
  EXPECT_EQ(config.control.max_output_bytes, 65536U);
  EXPECT_EQ(config.log.level, spdlog::level::debug);
  EXPECT_EQ(config.log.target, log::Target::journal);
}

TEST(ConfigLoader, DottedKeysWorkAsWellAsSections) {
  const auto config = valid("control.max_connections = 7\nlog.level = \"warn\"\n");
  EXPECT_EQ(config.control.max_connections, 7U);
  EXPECT_EQ(config.log.level, spdlog::level::warn);
}

TEST(ConfigLoader, KeysNotGivenKeepTheirDefaults) {
  const auto config = valid("[control]\nmax_connections = 9\n");
  EXPECT_EQ(config.control.max_connections, 9U);
  EXPECT_EQ(config.control.max_line_bytes, embedded_defaults().control.max_line_bytes);
  EXPECT_EQ(config.office.timezone, "Europe/Stockholm");
}

TEST(ConfigLoader, TheBoundsOfARangeAreAccepted) {
  EXPECT_EQ(valid("control.max_connections = 1").control.max_connections, 1U);
  EXPECT_EQ(valid("control.max_connections = 10000").control.max_connections, 10000U);
}

// --- Errors: file, line and key -----------------------------------------------------------------------------------

TEST(ConfigErrors, ATomlSyntaxErrorNamesFileAndLine) {
  const auto message = error_of("[office]\nname = \"ok\"\nphone = \"unterminated\n[control]\n");
  EXPECT_THAT(message, StartsWith("/etc/paminna/paminna.toml:3:"));
}

TEST(ConfigErrors, AnUnclosedSectionHeaderNamesItsLine) {
  const auto message = error_of("office.name = \"x\"\n\n[control\nmax_connections = 3\n");
  EXPECT_THAT(message, StartsWith("/etc/paminna/paminna.toml:3:"));
}

TEST(ConfigErrors, AnUnknownTopLevelKeyIsNamed) {
  const auto message = error_of("office.name = \"x\"\nverbose = true\n");
  EXPECT_THAT(message, StartsWith("/etc/paminna/paminna.toml:2:"));
  EXPECT_THAT(message, HasSubstr("unknown key 'verbose'"));
}

TEST(ConfigErrors, AMisspelledKeyInASectionIsNamedWithItsSection) {
  const auto message = error_of("[control]\nmax_conections = 3\n");
  EXPECT_THAT(message, StartsWith("/etc/paminna/paminna.toml:2:"));
  EXPECT_THAT(message, HasSubstr("unknown key 'control.max_conections'"));
}

TEST(ConfigErrors, AnUnknownSectionIsNamed) {
  const auto message = error_of("office.name = \"x\"\n[contrl]\nmax_connections = 3\n");
  EXPECT_THAT(message, StartsWith("/etc/paminna/paminna.toml:2:"));
  EXPECT_THAT(message, HasSubstr("'contrl'"));
}

TEST(ConfigErrors, AnUnknownNestedSectionIsNamed) {
  const auto message = error_of("[control.limits]\nmax = 3\n");
  EXPECT_THAT(message, HasSubstr("'control.limits'"));
}

TEST(ConfigErrors, ASectionWrittenAsAValueIsAnError) {
  const auto message = error_of("control = 3\n");
  EXPECT_THAT(message, StartsWith("/etc/paminna/paminna.toml:1:"));
  EXPECT_THAT(message, HasSubstr("control"));
}

TEST(ConfigErrors, AKeyWrittenAsATableIsAnError) {
  const auto message = error_of("[office.name]\nfirst = \"x\"\n");
  EXPECT_THAT(message, HasSubstr("office.name"));
}

TEST(ConfigErrors, AStringForAnIntegerIsAWrongType) {
  const auto message = error_of("[control]\n\nmax_connections = \"3\"\n");
  EXPECT_THAT(message, StartsWith("/etc/paminna/paminna.toml:3:"));
  EXPECT_THAT(message, HasSubstr("control.max_connections"));
  EXPECT_THAT(message, HasSubstr("must be an integer, not a string"));
}

TEST(ConfigErrors, OtherWrongTypesSayWhatTheyWere) {
  EXPECT_THAT(error_of("control.max_connections = 3.5"), HasSubstr("not a decimal number"));
  EXPECT_THAT(error_of("control.max_connections = true"), HasSubstr("not a boolean"));
  EXPECT_THAT(error_of("office.name = 3"), HasSubstr("must be a string, not an integer"));
  EXPECT_THAT(error_of("office.name = [\"a\"]"), HasSubstr("not an array"));
  EXPECT_THAT(error_of("log.level = 2026-01-01"), HasSubstr("not a date or time"));
}

TEST(ConfigErrors, ZeroMaxConnectionsIsOutOfRange) {
  const auto message = error_of("[control]\nmax_connections = 0\n");
  EXPECT_THAT(message, StartsWith("/etc/paminna/paminna.toml:2:"));
  EXPECT_THAT(message, HasSubstr("control.max_connections: must be between 1 and 10000, not 0"));
}

TEST(ConfigErrors, OtherOutOfRangeIntegers) {
  EXPECT_THAT(error_of("control.max_connections = 10001"), HasSubstr("control.max_connections"));
  EXPECT_THAT(error_of("control.max_connections = -1"), HasSubstr("control.max_connections"));
  EXPECT_THAT(error_of("control.max_line_bytes = 1023"), HasSubstr("control.max_line_bytes"));
  EXPECT_THAT(error_of("control.idle_timeout = 0"), HasSubstr("control.idle_timeout"));
  EXPECT_THAT(error_of("daemon.busy_timeout_ms = -5"), HasSubstr("daemon.busy_timeout_ms"));
  EXPECT_THAT(error_of("control.max_output_bytes = 9223372036854775807"), HasSubstr("control.max_output_bytes"));
}

TEST(ConfigErrors, AnUnknownTimezoneIsNamed) {
  const auto message = error_of("[office]\ntimezone = \"Europe/Atlantis\"\n");
  EXPECT_THAT(message, StartsWith("/etc/paminna/paminna.toml:2:"));
  EXPECT_THAT(message, HasSubstr("office.timezone"));
  EXPECT_THAT(message, HasSubstr("Europe/Atlantis"));
}

TEST(ConfigErrors, ARegionMustBeTwoUpperCaseLetters) {
  for (const char* region : {"se", "S", "SWE", "", "S1"}) {
    const auto message = error_of(std::string("office.region = \"") + region + "\"");
    EXPECT_THAT(message, HasSubstr("office.region")) << region;
  }
}

TEST(ConfigErrors, AnInvalidOfficePhoneIsRefused) {
  for (const char* phone : {"12", "not a number", "+46 0", "040-12"}) {
    const auto message = error_of(std::string("[office]\nphone = \"") + phone + "\"\n");
    EXPECT_THAT(message, StartsWith("/etc/paminna/paminna.toml:2:")) << phone;
    EXPECT_THAT(message, HasSubstr("office.phone")) << phone;
    EXPECT_THAT(message, HasSubstr("not a valid phone number")) << phone;
  }
}

TEST(ConfigErrors, AnUnknownLogLevelListsTheChoices) {
  const auto message = error_of("[log]\nlevel = \"loud\"\n");
  EXPECT_THAT(message, StartsWith("/etc/paminna/paminna.toml:2:"));
  EXPECT_THAT(message, HasSubstr("log.level"));
  EXPECT_THAT(message, HasSubstr("debug, info, warn, error"));
}

TEST(ConfigErrors, AnUnknownLogTargetIsRefused) {
  EXPECT_THAT(error_of("log.target = \"syslog\""), HasSubstr("log.target"));
}

TEST(ConfigErrors, ASocketPathLongerThan100BytesIsRefused) {
  const std::string ok = "/run/" + std::string(95, 's');  // exactly 100 bytes
  EXPECT_EQ(valid("daemon.socket = \"" + ok + "\"").daemon.socket, std::filesystem::path(ok));
  const auto message = error_of("[daemon]\nsocket = \"" + ok + "x\"\n");
  EXPECT_THAT(message, StartsWith("/etc/paminna/paminna.toml:2:"));
  EXPECT_THAT(message, HasSubstr("daemon.socket"));
  EXPECT_THAT(message, HasSubstr("100"));
}

TEST(ConfigErrors, EmptyPathsAreRefused) {
  EXPECT_THAT(error_of("daemon.database = \"\""), HasSubstr("daemon.database"));
  EXPECT_THAT(error_of("daemon.socket = \"\""), HasSubstr("daemon.socket"));
}

TEST(ConfigErrors, ASocketGroupThatIsNotAGroupNameIsNamed) {
  const auto message = error_of("[daemon]\nsocket_group = \"staff; rm\"\n");
  EXPECT_THAT(message, StartsWith("/etc/paminna/paminna.toml:2:"));
  EXPECT_THAT(message, HasSubstr("daemon.socket_group"));
}

TEST(ConfigErrors, ControlCharactersInAStringAreRefused) {
  EXPECT_THAT(error_of(R"(office.name = "a\u001bb")"), HasSubstr("office.name"));
}

TEST(ConfigErrors, SeveralErrorsAreReportedAtOnceEachWithItsLine) {
  const auto messages = errors_of(R"([office]
timezone = "Europe/Atlantis"
region = "se"

[control]
max_conections = 3
max_connections = 0

[log]
level = "loud"
)");
  ASSERT_EQ(messages.size(), 5U);
  const auto all = ConfigError{messages}.to_string();
  EXPECT_THAT(all, HasSubstr("paminna.toml:2:"));
  EXPECT_THAT(all, HasSubstr("paminna.toml:3:"));
  EXPECT_THAT(all, HasSubstr("paminna.toml:6:"));
  EXPECT_THAT(all, HasSubstr("paminna.toml:7:"));
  EXPECT_THAT(all, HasSubstr("paminna.toml:10:"));
  EXPECT_THAT(all, HasSubstr("office.timezone"));
  EXPECT_THAT(all, HasSubstr("office.region"));
  EXPECT_THAT(all, HasSubstr("control.max_conections"));
  EXPECT_THAT(all, HasSubstr("control.max_connections"));
  EXPECT_THAT(all, HasSubstr("log.level"));
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 4) << "one line per error";
}

// --- office.phone depends on office.region, whatever the order in the file ----------------------------------------

TEST(ConfigLoader, OfficePhoneIsValidatedAgainstTheRegionWrittenAfterIt) {
  // A US number written without a country code: valid only if the region applies first.
  const auto config = valid("[office]\nphone = \"(202) 456-1111\"\nregion = \"US\"\n");
  EXPECT_EQ(config.office.region, "US");
  EXPECT_EQ(config.office.phone, "(202) 456-1111");
}

TEST(ConfigLoader, OfficePhoneIsValidatedAgainstTheRegionWrittenBeforeIt) {
  const auto config = valid("[office]\nregion = \"US\"\nphone = \"(202) 456-1111\"\n");
  EXPECT_EQ(config.office.phone, "(202) 456-1111");
}

TEST(ConfigLoader, OfficePhoneIsValidatedAgainstTheRegionInAnInlineTable) {
  const auto config = valid("office = { phone = \"(202) 456-1111\", region = \"US\" }\n");
  EXPECT_EQ(config.office.region, "US");
}

TEST(ConfigErrors, ANumberValidOnlyInAnotherRegionIsRefusedUnderTheDefaultRegion) {
  EXPECT_THAT(error_of("[office]\nphone = \"(202) 456-1111\"\n"), HasSubstr("office.phone"));
}

TEST(ConfigLoader, ASwedishOfficeNumberIsAccepted) {
  EXPECT_EQ(valid("office.phone = \"040-34 10 00\"").office.phone, "040-34 10 00");
}

// --- Files --------------------------------------------------------------------------------------------------------

TEST(ConfigFile, AMissingFileIsNamed) {
  const test::TempDir dir;
  const auto path = dir / "missing.toml";
  const auto result = load_config_file(path);
  ASSERT_FALSE(result.has_value());
  ASSERT_EQ(result.error().messages.size(), 1U);
  EXPECT_THAT(result.error().messages.front(), HasSubstr(path.string()));
  EXPECT_THAT(result.error().messages.front(), HasSubstr("cannot open"));
}

TEST(ConfigFile, AFileIsReadAndRemembersItsPath) {
  const test::TempDir dir;
  dir.write("paminna.toml", "[control]\nmax_connections = 4\n");
  const auto result = load_config_file(dir / "paminna.toml");
  ASSERT_TRUE(result.has_value()) << result.error().to_string();
  EXPECT_EQ(result->control.max_connections, 4U);
  EXPECT_EQ(result->source, dir / "paminna.toml");
}

TEST(ConfigFile, ErrorsInAFileNameThatFile) {
  const test::TempDir dir;
  dir.write("bad.toml", "\n\n[log]\nlevel = \"loud\"\n");
  const auto result = load_config_file(dir / "bad.toml");
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error().to_string(), StartsWith((dir / "bad.toml").string() + ":4:"));
}

TEST(ConfigFile, AFolderIsNotAConfigFile) {
  const test::TempDir dir;
  const auto result = load_config_file(dir.path());
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error().to_string(), HasSubstr(dir.path().string()));
}

}  // namespace
}  // namespace paminna
