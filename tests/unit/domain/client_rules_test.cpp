#include "domain/client_rules.h"

#include <gtest/gtest.h>

namespace paminna {
namespace {

using namespace std::chrono;

Date d(int y, unsigned m, unsigned dd) {
  return year{y} / month{m} / day{dd};
}

TEST(ClientRules, ParsesDates) {
  EXPECT_EQ(*parse_date("2012-05-01"), d(2012, 5, 1));
  EXPECT_FALSE(parse_date("2026-02-30").has_value());
  EXPECT_FALSE(parse_date("2012-5-01").has_value());
  EXPECT_FALSE(parse_date("2012-05-01T10:00").has_value());
  EXPECT_FALSE(parse_date("").has_value());
  EXPECT_EQ(format_date(d(2012, 5, 1)), "2012-05-01");
}

TEST(ClientRules, LanguagesAreSwedishEnglishArabic) {  // R11
  EXPECT_EQ(parse_language("ar"), Language::ar);
  EXPECT_FALSE(parse_language("fi").has_value());
  EXPECT_EQ(to_string(Language::en), "en");
}

TEST(ClientRules, AgeCountsWholeYears) {
  EXPECT_EQ(age_on(d(2012, 5, 1), d(2027, 4, 30)), 14);
  EXPECT_EQ(age_on(d(2012, 5, 1), d(2027, 5, 1)), 15);
  EXPECT_EQ(age_on(d(2012, 2, 29), d(2027, 2, 28)), 14);  // leap-day child: a year older on 1 March
  EXPECT_EQ(age_on(d(2012, 2, 29), d(2027, 3, 1)), 15);
  EXPECT_EQ(age_on(d(2030, 1, 1), d(2027, 3, 1)), 0);
}

TEST(ClientRules, UnderFifteenFromBirthDateOrFlag) {  // R3
  EXPECT_TRUE(is_minor_under_15(d(2012, 5, 1), false, d(2027, 4, 30)));
  EXPECT_FALSE(is_minor_under_15(d(2012, 5, 1), false, d(2027, 5, 1)));
  // A date of birth wins over the flag.
  EXPECT_FALSE(is_minor_under_15(d(1990, 1, 1), true, d(2026, 1, 1)));
  EXPECT_TRUE(is_minor_under_15(std::nullopt, true, d(2026, 1, 1)));
  EXPECT_FALSE(is_minor_under_15(std::nullopt, false, d(2026, 1, 1)));
}

TEST(ClientRules, GuardianOnAnAdultIsRefused) {  // R3
  EXPECT_FALSE(guardian_refusal(d(2015, 1, 1), false, d(2026, 11, 1)).has_value());
  const auto refusal = guardian_refusal(d(2011, 1, 1), false, d(2026, 11, 1));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(refusal->find("15"), std::string::npos);
  EXPECT_TRUE(guardian_refusal(std::nullopt, false, d(2026, 11, 1)).has_value());
  EXPECT_FALSE(guardian_refusal(std::nullopt, true, d(2026, 11, 1)).has_value());
}

TEST(ClientRules, ConsentStateIsTheLatestEvent) {  // R2
  using K = ConsentEventKind;
  EXPECT_EQ(consent_state({}), ConsentState::none);
  EXPECT_EQ(consent_state({K::grant}), ConsentState::granted);
  EXPECT_EQ(consent_state({K::grant, K::withdraw}), ConsentState::withdrawn);
  EXPECT_EQ(consent_state({K::grant, K::withdraw, K::grant}), ConsentState::granted);
}

TEST(ClientRules, WithdrawingAWithdrawnConsentIsRefused) {  // R2
  EXPECT_TRUE(consent_change_refusal(ConsentState::withdrawn, ConsentEventKind::withdraw).has_value());
  EXPECT_TRUE(consent_change_refusal(ConsentState::none, ConsentEventKind::withdraw).has_value());
  EXPECT_TRUE(consent_change_refusal(ConsentState::granted, ConsentEventKind::grant).has_value());
  EXPECT_FALSE(consent_change_refusal(ConsentState::granted, ConsentEventKind::withdraw).has_value());
  EXPECT_FALSE(consent_change_refusal(ConsentState::withdrawn, ConsentEventKind::grant).has_value());
  EXPECT_FALSE(consent_change_refusal(ConsentState::none, ConsentEventKind::grant).has_value());
}

TEST(ClientRules, ConsentSourcesAreDocumented) {  // R2
  EXPECT_TRUE(valid_consent_source("victim-form"));
  EXPECT_TRUE(valid_consent_source("police-report"));
  EXPECT_FALSE(valid_consent_source("rumour"));
}

TEST(ClientRules, AdultConsentIsTheClients) {  // R1
  EXPECT_TRUE(consent_completeness(false, ConsentState::granted, {}).complete);
  EXPECT_FALSE(consent_completeness(false, ConsentState::withdrawn, {}).complete);
  EXPECT_FALSE(consent_completeness(false, ConsentState::none, {{1, ConsentState::granted}}).complete);
}

TEST(ClientRules, ChildNeedsEveryGuardian) {  // R3
  const auto one_of_two =
      consent_completeness(true, ConsentState::granted, {{1, ConsentState::granted}, {2, ConsentState::none}});
  EXPECT_FALSE(one_of_two.complete);
  EXPECT_TRUE(one_of_two.via_guardians);
  EXPECT_EQ(one_of_two.missing_guardians, std::vector<std::int64_t>{2});
  EXPECT_EQ(one_of_two.summary, "child under 15: 1 of 2 guardians consented");

  EXPECT_TRUE(consent_completeness(true, ConsentState::none, {{1, ConsentState::granted}, {2, ConsentState::granted}})
                  .complete);
  EXPECT_FALSE(
      consent_completeness(true, ConsentState::none, {{1, ConsentState::granted}, {2, ConsentState::withdrawn}})
          .complete);
  // No guardian recorded: nobody has consented.
  EXPECT_FALSE(consent_completeness(true, ConsentState::granted, {}).complete);
}

TEST(ClientRules, ReopenWithinTwoWeeks) {  // R10
  const auto closed = sys_days{d(2026, 11, 1)} + hours{12};
  const Duration within = days{14};
  EXPECT_EQ(reopen_decision(closed, closed + days{13}, within), ReopenDecision::reopen);
  EXPECT_EQ(reopen_decision(closed, closed + days{14} - seconds{1}, within), ReopenDecision::reopen);
  EXPECT_EQ(reopen_decision(closed, closed + days{14}, within), ReopenDecision::new_case);
  EXPECT_EQ(reopen_decision(closed, closed + days{40}, within), ReopenDecision::new_case);
}

TEST(ClientRules, RetentionTwoYearsAfterLastContact) {  // R9
  const Instant now = sys_days{d(2028, 11, 24)};
  EXPECT_EQ(retention_cutoff(now, 730), Instant{sys_days{d(2026, 11, 25)}});
  EXPECT_TRUE(retention_expired(sys_days{d(2026, 11, 24)}, now, 730));
  EXPECT_FALSE(retention_expired(sys_days{d(2026, 11, 25)}, now, 730));
}

TEST(ClientRules, DailyRunAtThreeLocalAcrossDst) {  // R9 run through the scheduler
  const Zone zone("Europe/Stockholm");
  // Winter: 03:00 CET = 02:00 UTC.
  EXPECT_EQ(format_utc(next_daily_run(zone, *parse_utc("2026-11-24T09:00:00Z"), 3)), "2026-11-25T02:00:00Z");
  EXPECT_EQ(format_utc(next_daily_run(zone, *parse_utc("2026-11-24T01:00:00Z"), 3)), "2026-11-24T02:00:00Z");
  // Exactly at the run: the next one, not the same one again.
  EXPECT_EQ(format_utc(next_daily_run(zone, *parse_utc("2026-11-24T02:00:00Z"), 3)), "2026-11-25T02:00:00Z");
  // Spring day 2026-03-29: 03:00 CEST = 01:00 UTC.
  EXPECT_EQ(format_utc(next_daily_run(zone, *parse_utc("2026-03-28T12:00:00Z"), 3)), "2026-03-29T01:00:00Z");
  // 02:00 does not exist on the spring day: it runs when the clocks reach 03:00.
  EXPECT_EQ(format_utc(next_daily_run(zone, *parse_utc("2026-03-28T12:00:00Z"), 2)), "2026-03-29T01:00:00Z");
  // Autumn day 2026-10-25: 02:00 happens twice; the first.
  EXPECT_EQ(format_utc(next_daily_run(zone, *parse_utc("2026-10-24T12:00:00Z"), 2)), "2026-10-25T00:00:00Z");
}

}  // namespace
}  // namespace paminna
