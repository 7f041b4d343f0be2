#include "log/events.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "log/logging.h"

namespace paminna::log {
namespace {

using ::testing::Contains;
using ::testing::Not;

bool is_event_name(std::string_view name) {
  return !name.empty() &&
         std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
}

bool is_message_id(std::string_view id) {
  return id.size() == 32 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The catalog as written in events.def, before level words become spdlog levels:
// a misspelt level ("warning") would otherwise silently become debug.
struct RawEvent {
  std::string_view name;
  std::string_view level;
};
constexpr std::array kRaw{
#define EVENT(name, level, id, meaning, action) RawEvent{#name, #level},
#include "log/events.def"
#undef EVENT
};

TEST(EventCatalog, IsNotEmptyAndMatchesTheEnum) {
  ASSERT_FALSE(catalog().empty());
  ASSERT_EQ(catalog().size(), kRaw.size());
  for (std::size_t i = 0; i < catalog().size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(catalog()[i].event), i) << catalog()[i].name;
    EXPECT_EQ(&info(catalog()[i].event), &catalog()[i]);
  }
}

TEST(EventCatalog, NamesAreUniqueUpperCaseWords) {
  std::set<std::string_view> names;
  for (const auto& entry : catalog()) {
    EXPECT_TRUE(is_event_name(entry.name)) << entry.name;
    EXPECT_TRUE(names.insert(entry.name).second) << "duplicate name " << entry.name;
  }
}

TEST(EventCatalog, MessageIdsAreUnique32LowerCaseHexDigits) {
  std::set<std::string_view> ids;
  for (const auto& entry : catalog()) {
    EXPECT_TRUE(is_message_id(entry.message_id)) << entry.name << ": " << entry.message_id;
    EXPECT_TRUE(ids.insert(entry.message_id).second) << "duplicate MESSAGE_ID " << entry.message_id;
  }
}

TEST(EventCatalog, LevelsAreSpelledAsDocumented) {
  const std::set<std::string_view> levels{"critical", "error", "warn", "info", "debug"};
  for (const auto& raw : kRaw) {
    EXPECT_TRUE(levels.contains(raw.level)) << raw.name << " has level '" << raw.level << "'";
  }
}

TEST(EventCatalog, LevelWordsMapToTheirSpdlogLevels) {
  for (std::size_t i = 0; i < kRaw.size(); ++i) {
    const auto expected = kRaw[i].level == "critical" ? spdlog::level::critical
                          : kRaw[i].level == "error"  ? spdlog::level::err
                          : kRaw[i].level == "warn"   ? spdlog::level::warn
                          : kRaw[i].level == "info"   ? spdlog::level::info
                                                      : spdlog::level::debug;
    EXPECT_EQ(catalog()[i].level, expected) << kRaw[i].name;
  }
}

TEST(EventCatalog, EveryEventHasAMeaning) {
  for (const auto& entry : catalog()) {
    EXPECT_FALSE(entry.meaning.empty()) << entry.name;
  }
}

TEST(EventCatalog, EveryWarnOrAboveEventTellsTheOperatorWhatToDo) {
  for (const auto& entry : catalog()) {
    if (entry.level >= spdlog::level::warn) {
      EXPECT_FALSE(entry.action.empty()) << entry.name;
      EXPECT_NE(entry.action, "None.") << entry.name << " is " << level_name(entry.level)
                                       << " but asks nothing of the operator";
    }
  }
}

TEST(EventCatalog, FindEventFindsEveryNameExactly) {
  for (const auto& entry : catalog()) {
    const auto found = find_event(entry.name);
    ASSERT_TRUE(found.has_value()) << entry.name;
    EXPECT_EQ(*found, entry.event);
  }
  EXPECT_FALSE(find_event("").has_value());
  EXPECT_FALSE(find_event("store_error").has_value());
  EXPECT_FALSE(find_event("STORE_ERRORS").has_value());
  EXPECT_FALSE(find_event("STORE_ERR").has_value());
  EXPECT_FALSE(find_event("NO_SUCH_EVENT").has_value());
}

TEST(EventCatalog, KnownEventsKeepTheirStableIds) {
  // Monitoring matches on these: a change here is a breaking change.
  EXPECT_EQ(info(Event::STORE_ERROR).name, "STORE_ERROR");
  EXPECT_EQ(info(Event::STORE_ERROR).message_id, "5f3ec9829526a75a90dce45ef8def169");
  EXPECT_EQ(info(Event::DAEMON_START_FAILED).level, spdlog::level::critical);
}

// --- journal_fields -----------------------------------------------------------------------------------------------

TEST(JournalFields, AnEventLineCarriesItsNameIdAndPriority) {
  struct Case {
    Event event;
    int priority;
  };
  for (const auto& [event, priority] :
       {Case{Event::STORE_ERROR, 3}, Case{Event::CONFIG_RELOAD_FAILED, 3}, Case{Event::STORE_PERMISSIONS_TIGHTENED, 4},
        Case{Event::SCHEDULER_CLOCK_STEPPED, 4}, Case{Event::DAEMON_READY, 6}, Case{Event::DAEMON_START_FAILED, 2},
        Case{Event::CONTROL_PROTOCOL_ERROR, 7}}) {
    const auto& i = info(event);
    const std::string payload = std::string(i.name) + " reason=test";
    const auto fields = journal_fields(i.level, payload, "paminnad");
    EXPECT_THAT(fields, Contains("MESSAGE=" + payload));
    EXPECT_THAT(fields, Contains("PRIORITY=" + std::to_string(priority))) << i.name;
    EXPECT_THAT(fields, Contains("SYSLOG_IDENTIFIER=paminnad"));
    EXPECT_THAT(fields, Contains("PAMINNA_EVENT=" + std::string(i.name)));
    EXPECT_THAT(fields, Contains("MESSAGE_ID=" + std::string(i.message_id)));
  }
}

TEST(JournalFields, AnEventNameAloneIsAnEvent) {
  const auto fields = journal_fields(spdlog::level::info, "DAEMON_READY", "paminnad");
  EXPECT_THAT(fields, Contains("PAMINNA_EVENT=DAEMON_READY"));
  EXPECT_THAT(fields, Contains("MESSAGE_ID=" + std::string(info(Event::DAEMON_READY).message_id)));
}

TEST(JournalFields, PriorityFollowsTheLineLevel) {
  EXPECT_THAT(journal_fields(spdlog::level::err, "x", "p"), Contains("PRIORITY=3"));
  EXPECT_THAT(journal_fields(spdlog::level::warn, "x", "p"), Contains("PRIORITY=4"));
  EXPECT_THAT(journal_fields(spdlog::level::info, "x", "p"), Contains("PRIORITY=6"));
  EXPECT_THAT(journal_fields(spdlog::level::debug, "x", "p"), Contains("PRIORITY=7"));
  EXPECT_THAT(journal_fields(spdlog::level::critical, "x", "p"), Contains("PRIORITY=2"));
}

TEST(JournalFields, AnOrdinaryLineHasNoEventFields) {
  for (const char* payload : {"internal error in method boom: x", "", " STORE_ERROR leading space", "STORE_ERRORS x",
                              "store_error x", "STORE_ERROR_ x", "DAEMON_READYX"}) {
    const auto fields = journal_fields(spdlog::level::err, payload, "paminnad");
    EXPECT_THAT(fields, Contains(std::string("MESSAGE=") + payload));
    EXPECT_THAT(fields, Contains("PRIORITY=3"));
    for (const auto& field : fields) {
      EXPECT_FALSE(field.starts_with("PAMINNA_EVENT=")) << payload;
      EXPECT_FALSE(field.starts_with("MESSAGE_ID=")) << payload;
    }
  }
}

TEST(JournalFields, AnEventNameLaterInTheLineDoesNotCount) {
  const auto fields = journal_fields(spdlog::level::info, "client said STORE_ERROR", "paminnad");
  EXPECT_THAT(fields, Not(Contains("PAMINNA_EVENT=STORE_ERROR")));
}

// --- Levels and targets -------------------------------------------------------------------------------------------

TEST(LogLevels, ParseAndNameRoundTrip) {
  for (const char* name : {"debug", "info", "warn", "error"}) {
    const auto level = parse_level(name);
    ASSERT_TRUE(level.has_value()) << name;
    EXPECT_EQ(level_name(*level), name);
  }
  EXPECT_FALSE(parse_level("loud").has_value());
  EXPECT_FALSE(parse_level("INFO").has_value());
  EXPECT_FALSE(parse_level("").has_value());
  EXPECT_EQ(level_name(spdlog::level::critical), "critical");
}

TEST(LogTargets, Parse) {
  EXPECT_EQ(parse_target("auto"), Target::automatic);
  EXPECT_EQ(parse_target("stderr"), Target::stderr_text);
  EXPECT_EQ(parse_target("journal"), Target::journal);
  EXPECT_FALSE(parse_target("syslog").has_value());
}

}  // namespace
}  // namespace paminna::log
