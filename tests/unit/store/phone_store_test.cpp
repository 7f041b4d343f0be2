// Phone overrides and staff absences (R7) against a real SQLite file.
#include <gtest/gtest.h>

#include "store/open_store.h"
#include "store/phone_store.h"
#include "support/temp_dir.h"

namespace paminna::store {
namespace {

using namespace std::chrono_literals;

Instant at(const char* text) {
  return *parse_utc(text);
}

class PhoneStoreTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  OpenedStore opened = open_store(dir / "paminna.db", 1000);
  Database& db = *opened.db;
  PhoneStore phone{db};
  Who staff{1000, "AL"};

  Override closed_until(const char* set, const char* until) {
    return Override{PhoneStatus::closed, "APT-möte", at(set), at(until)};
  }
};

TEST_F(PhoneStoreTest, OverrideIsActiveUntilItsEnd) {
  phone.set_override(closed_until("2026-11-24T10:00:00Z", "2026-11-24T13:00:00Z"), staff, at("2026-11-24T10:00:00Z"));
  const auto active = phone.active_overrides(at("2026-11-24T12:59:59Z"));
  ASSERT_EQ(active.size(), 1U);
  EXPECT_EQ(active[0].value.status, PhoneStatus::closed);
  EXPECT_EQ(active[0].value.note, "APT-möte");
  EXPECT_EQ(active[0].value.until, at("2026-11-24T13:00:00Z"));
  EXPECT_EQ(active[0].set_by.actor, "AL");
  EXPECT_EQ(active[0].set_by.peer_uid, 1000);
  EXPECT_TRUE(phone.active_overrides(at("2026-11-24T13:00:00Z")).empty());
}

TEST_F(PhoneStoreTest, NewOverrideReplacesTheActiveOne) {
  phone.set_override(closed_until("2026-11-24T10:00:00Z", "2026-11-24T13:00:00Z"), staff, at("2026-11-24T10:00:00Z"));
  Override open{PhoneStatus::open, "extra", at("2026-11-24T11:00:00Z"), at("2026-11-24T16:00:00Z")};
  phone.set_override(open, staff, at("2026-11-24T11:00:00Z"));
  const auto active = phone.active_overrides(at("2026-11-24T11:30:00Z"));
  ASSERT_EQ(active.size(), 1U);
  EXPECT_EQ(active[0].value.status, PhoneStatus::open);
  // A replaced override is not reported as expired later.
  EXPECT_EQ(phone.expire_overrides(at("2026-11-24T20:00:00Z")).size(), 1U);
}

TEST_F(PhoneStoreTest, ClearEndsTheOverride) {
  phone.set_override(closed_until("2026-11-24T10:00:00Z", "2026-11-24T13:00:00Z"), staff, at("2026-11-24T10:00:00Z"));
  EXPECT_EQ(phone.clear_overrides(at("2026-11-24T11:00:00Z")), 1);
  EXPECT_TRUE(phone.active_overrides(at("2026-11-24T11:00:01Z")).empty());
  EXPECT_EQ(phone.clear_overrides(at("2026-11-24T11:00:02Z")), 0);
  EXPECT_TRUE(phone.expire_overrides(at("2026-11-24T20:00:00Z")).empty());
}

TEST_F(PhoneStoreTest, OverrideExpiredWhileStoppedIsInactiveAndReportedOnce) {
  phone.set_override(closed_until("2026-11-24T10:00:00Z", "2026-11-24T13:00:00Z"), staff, at("2026-11-24T10:00:00Z"));
  // The daemon restarts the next morning, on a fresh connection.
  opened.db.reset();
  auto reopened = open_store(dir / "paminna.db", 1000);
  PhoneStore again(*reopened.db);
  const auto morning = at("2026-11-25T08:00:00Z");
  EXPECT_TRUE(again.active_overrides(morning).empty());
  const auto expired = again.expire_overrides(morning);
  ASSERT_EQ(expired.size(), 1U);
  EXPECT_EQ(expired[0].value.until, at("2026-11-24T13:00:00Z"));
  EXPECT_TRUE(again.expire_overrides(morning).empty());
}

TEST_F(PhoneStoreTest, AbsenceUntilPresentOrUntilATime) {
  const auto now = at("2026-11-24T08:00:00Z");
  phone.set_absence(Absence{"AL", std::nullopt, std::nullopt, "sjuk"}, staff, now);
  phone.set_absence(Absence{"MK", std::nullopt, at("2026-11-24T11:00:00Z"), "kurs"}, staff, now);
  auto active = phone.active_absences(at("2026-11-24T10:00:00Z"));
  ASSERT_EQ(active.size(), 2U);
  EXPECT_EQ(active[0].value.staff, "AL");
  EXPECT_FALSE(active[0].value.until.has_value());
  EXPECT_EQ(active[1].value.until, at("2026-11-24T11:00:00Z"));

  active = phone.active_absences(at("2026-11-24T11:00:00Z"));
  ASSERT_EQ(active.size(), 1U);
  EXPECT_EQ(active[0].value.staff, "AL");
  const auto expired = phone.expire_absences(at("2026-11-24T11:00:00Z"));
  ASSERT_EQ(expired.size(), 1U);
  EXPECT_EQ(expired[0].value.staff, "MK");

  EXPECT_EQ(phone.end_absences("AL", at("2026-11-24T12:00:00Z")), 1);
  EXPECT_TRUE(phone.active_absences(at("2026-11-24T12:00:00Z")).empty());
  EXPECT_EQ(phone.end_absences("AL", at("2026-11-24T12:00:00Z")), 0);
}

TEST_F(PhoneStoreTest, NewAbsenceReplacesTheStaffMembersActiveOne) {
  const auto now = at("2026-11-24T08:00:00Z");
  phone.set_absence(Absence{"AL", std::nullopt, std::nullopt, "sjuk"}, staff, now);
  phone.set_absence(Absence{"AL", std::nullopt, at("2026-11-25T12:00:00Z"), "sjuk"}, staff, now + 1h);
  const auto active = phone.active_absences(now + 2h);
  ASSERT_EQ(active.size(), 1U);
  EXPECT_EQ(active[0].value.until, at("2026-11-25T12:00:00Z"));
  EXPECT_EQ(active[0].set_at, now + 1h);
}

TEST_F(PhoneStoreTest, PlannedAbsenceKeepsItsStart) {
  const auto now = at("2026-11-24T08:00:00Z");
  phone.set_absence(Absence{"AL", at("2026-11-26T08:00:00Z"), at("2026-11-26T12:00:00Z"), "utbildning"}, staff, now);
  const auto active = phone.active_absences(now);
  ASSERT_EQ(active.size(), 1U);
  EXPECT_EQ(active[0].value.from, at("2026-11-26T08:00:00Z"));
}

}  // namespace
}  // namespace paminna::store
