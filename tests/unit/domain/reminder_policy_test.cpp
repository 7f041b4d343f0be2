// R1, R3, R12: when the day-before reminder goes out and to whom.
#include "domain/reminder_policy.h"

#include <gtest/gtest.h>

namespace paminna {
namespace {

const Zone& stockholm() {
  static const Zone zone("Europe/Stockholm");
  return zone;
}

Instant local(const char* text) {
  return *stockholm().to_utc(*parse_local_minutes(text));
}
Instant utc(const char* text) {
  return *parse_utc(text);
}

TEST(ReminderPolicy, R1DueAtTenTheDayBeforeInWinter) {
  const auto plan = plan_reminder({}, stockholm(), local("2026-11-25 14:00"), local("2026-11-23 09:00"));
  EXPECT_EQ(plan.kind, PlanKind::scheduled);
  EXPECT_EQ(format_utc(*plan.due), "2026-11-24T09:00:00Z");
}

TEST(ReminderPolicy, R1DueAtTenLocalOnTheDayTheClocksGoForward) {
  // Visit Monday after the spring change; the reminder goes Sunday 29 March at 10:00 CEST.
  const auto plan = plan_reminder({}, stockholm(), local("2026-03-30 10:00"), local("2026-03-26 09:00"));
  EXPECT_EQ(format_utc(*plan.due), "2026-03-29T08:00:00Z");
  // And for a visit on the change day itself, Saturday 10:00 CET.
  EXPECT_EQ(format_utc(usual_due({}, stockholm(), local("2026-03-29 10:00"))), "2026-03-28T09:00:00Z");
}

TEST(ReminderPolicy, R1DueAtTenLocalOnTheDayTheClocksGoBack) {
  const auto plan = plan_reminder({}, stockholm(), local("2026-10-26 10:00"), local("2026-10-20 09:00"));
  EXPECT_EQ(format_utc(*plan.due), "2026-10-25T09:00:00Z");
}

TEST(ReminderPolicy, SendTimeInsideTheSpringGapMovesForward) {
  ReminderPolicy policy;
  policy.send_at = std::chrono::minutes(2 * 60 + 30);
  EXPECT_EQ(format_utc(usual_due(policy, stockholm(), local("2026-03-30 10:00"))), "2026-03-29T01:00:00Z");
}

TEST(ReminderPolicy, MonthAndYearEnds) {
  EXPECT_EQ(format_utc(usual_due({}, stockholm(), local("2026-12-01 10:00"))), "2026-11-30T09:00:00Z");
  EXPECT_EQ(format_utc(usual_due({}, stockholm(), local("2027-01-01 09:00"))), "2026-12-31T09:00:00Z");
  EXPECT_EQ(format_utc(usual_due({}, stockholm(), local("2028-03-01 09:00"))), "2028-02-29T09:00:00Z");
}

TEST(ReminderPolicy, VisitJustAfterMidnightIsRemindedTheDayBefore) {
  const auto plan = plan_reminder({}, stockholm(), local("2026-11-25 00:30"), local("2026-11-23 12:00"));
  EXPECT_EQ(format_utc(*plan.due), "2026-11-24T09:00:00Z");
}

TEST(ReminderPolicy, BookedAfterTheMomentInsideTheWindowIsRemindedAtOnce) {
  const auto now = local("2026-11-24 15:00");
  const auto plan = plan_reminder({}, stockholm(), local("2026-11-25 10:00"), now);
  EXPECT_EQ(plan.kind, PlanKind::immediate);
  EXPECT_EQ(*plan.due, now);
}

TEST(ReminderPolicy, BookedAfterTheWindowGetsNoneAndSaysWhy) {
  const auto plan = plan_reminder({}, stockholm(), local("2026-11-25 10:00"), local("2026-11-24 20:00"));
  EXPECT_EQ(plan.kind, PlanKind::none);
  EXPECT_NE(plan.why.find("sending window 08:00–20:00"), std::string::npos) << plan.why;
  EXPECT_EQ(plan_reminder({}, stockholm(), local("2026-11-25 10:00"), local("2026-11-24 19:59")).kind,
            PlanKind::immediate);
}

TEST(ReminderPolicy, BookedBeforeTheWindowOpensOnTheDayBeforeWaitsForTen) {
  const auto plan = plan_reminder({}, stockholm(), local("2026-11-25 10:00"), local("2026-11-24 07:00"));
  EXPECT_EQ(plan.kind, PlanKind::scheduled);
  EXPECT_EQ(format_utc(*plan.due), "2026-11-24T09:00:00Z");
}

TEST(ReminderPolicy, LeadTimeIsRespectedForLateBookings) {
  // 23:30 visit booked at 21:45 the evening before would be outside the window anyway;
  // a 00:30 visit booked 19:00 the day before is 5.5 h away: reminded.
  EXPECT_EQ(plan_reminder({}, stockholm(), local("2026-11-25 00:30"), local("2026-11-24 19:00")).kind,
            PlanKind::immediate);
  ReminderPolicy policy;
  policy.min_lead = std::chrono::hours(6);
  const auto plan = plan_reminder(policy, stockholm(), local("2026-11-25 00:30"), local("2026-11-24 19:00"));
  EXPECT_EQ(plan.kind, PlanKind::none);
  EXPECT_NE(plan.why.find("less than 360 minutes"), std::string::npos) << plan.why;
}

TEST(ReminderPolicy, SameDayBookingGetsNone) {
  const auto plan = plan_reminder({}, stockholm(), local("2026-11-24 16:00"), local("2026-11-24 09:00"));
  EXPECT_EQ(plan.kind, PlanKind::none);
  EXPECT_NE(plan.why.find("same day"), std::string::npos);
}

TEST(ReminderPolicy, PastVisitGetsNone) {
  EXPECT_EQ(plan_reminder({}, stockholm(), utc("2026-11-24T09:00:00Z"), utc("2026-11-24T09:00:00Z")).kind,
            PlanKind::none);
}

Contact person(const std::string& id, bool consented, bool mobile = true) {
  return Contact{id, mobile ? std::optional<std::string>("+46701234567") : std::nullopt, Language::sv, consented};
}

TEST(Recipients, R1AdultWithConsentGetsIt) {
  const auto choice = choose_recipients({}, Household{person("client:K-1", true), false, false, {}});
  ASSERT_EQ(choice.to.size(), 1U);
  EXPECT_EQ(choice.to[0].id, "client:K-1");
}

TEST(Recipients, R2WithdrawnOrMissingConsentGetsNone) {
  const auto choice = choose_recipients({}, Household{person("client:K-1", false), false, false, {}});
  EXPECT_TRUE(choice.to.empty());
  ASSERT_EQ(choice.left_out.size(), 1U);
  EXPECT_NE(choice.left_out[0].find("not consented"), std::string::npos);
}

TEST(Recipients, R3ChildUnder15GetsNoneItsConsentingGuardiansDo) {
  Household household{
      person("client:K-2", true), true, false, {person("guardian:1", true), person("guardian:2", false)}};
  const auto choice = choose_recipients({}, household);
  ASSERT_EQ(choice.to.size(), 1U);
  EXPECT_EQ(choice.to[0].id, "guardian:1");
  ASSERT_EQ(choice.left_out.size(), 1U);
  EXPECT_NE(choice.left_out[0].find("guardian:2"), std::string::npos);
}

TEST(Recipients, R3ChildWithoutGuardiansGetsNone) {
  const auto choice = choose_recipients({}, Household{person("client:K-2", true), true, false, {}});
  EXPECT_TRUE(choice.to.empty());
}

TEST(Recipients, NoMobileNoReminder) {
  const auto choice = choose_recipients({}, Household{person("client:K-1", true, false), false, false, {}});
  EXPECT_TRUE(choice.to.empty());
}

TEST(Recipients, ProtectedIdentityGetsNoneUnlessAllowed) {
  const Household household{person("client:K-3", true), false, true, {}};
  EXPECT_TRUE(choose_recipients({}, household).to.empty());
  ReminderPolicy allow;
  allow.allow_protected_identity = true;
  EXPECT_EQ(choose_recipients(allow, household).to.size(), 1U);
}

}  // namespace
}  // namespace paminna
