// Every row of the classification table (sms/classify.h), without a network.
#include "sms/classify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sms_test_support.h"

namespace paminna::sms {
namespace {

using testing::fixed_now;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::VariantWith;

http::HttpResponse response(int status, std::string body = {}, http::Headers headers = {}) {
  http::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

SendOutcome status(int code, http::Headers headers = {}) {
  return classify_status(response(code, {}, std::move(headers)), "provider says no", fixed_now);
}

// Row: failure before the request was sent → RetryLater, safe.
TEST(Classify, FailureBeforeSendIsRetryLaterWithoutDelay) {
  const SendOutcome outcome =
      classify_failure({http::FailureKind::before_send, 7, "Failed to connect to 127.0.0.1 port 9"});
  ASSERT_THAT(outcome, VariantWith<RetryLater>(::testing::_));
  EXPECT_EQ(std::get<RetryLater>(outcome).delay, Duration{0});
  EXPECT_THAT(std::get<RetryLater>(outcome).reason, HasSubstr("not sent"));
}

// Row: failure after send (timeout, reset, garbage, dead reused connection) → OutcomeUnknown.
TEST(Classify, FailureAfterSendIsOutcomeUnknown) {
  const SendOutcome outcome = classify_failure({http::FailureKind::after_send, 28, "Operation timed out"});
  ASSERT_THAT(outcome, VariantWith<OutcomeUnknown>(::testing::_));
  EXPECT_THAT(outcome_reason(outcome), HasSubstr("timed out"));
}

// Row: bad URL / certificate → GatewayUnavailable.
TEST(Classify, LocalOrCertificateFailureIsGatewayUnavailable) {
  EXPECT_THAT(classify_failure({http::FailureKind::other, 60, "SSL certificate problem"}),
              VariantWith<GatewayUnavailable>(::testing::_));
}

// Rows: 429 and 503 → RetryLater with Retry-After; 408 → RetryLater.
TEST(Classify, ThrottlingAndUnavailableServiceAreRetryLaterHonouringRetryAfter) {
  EXPECT_EQ(status(429, {{"retry-after", "30"}}),
            (SendOutcome{RetryLater{Duration{30}, "HTTP 429: provider says no"}}));
  EXPECT_EQ(status(503, {{"retry-after", "Sat, 23 Nov 2024 18:02:00 GMT"}}),
            (SendOutcome{RetryLater{Duration{120}, "HTTP 503: provider says no"}}));
  EXPECT_EQ(status(429), (SendOutcome{RetryLater{Duration{0}, "HTTP 429: provider says no"}}));
  EXPECT_EQ(status(503, {{"retry-after", "soon"}}),
            (SendOutcome{RetryLater{Duration{0}, "HTTP 503: provider says no"}}));
  EXPECT_THAT(status(408), VariantWith<RetryLater>(::testing::_));
}

// Rows: 500, 502, 504 (and other 5xx) → OutcomeUnknown.
TEST(Classify, ServerErrorsAreOutcomeUnknown) {
  for (const int code : {500, 502, 504, 501, 505, 599}) {
    EXPECT_THAT(status(code), VariantWith<OutcomeUnknown>(::testing::_)) << code;
  }
}

// Rows: 401/403 (credentials), 402 (credit), 404/405/3xx (URL) → GatewayUnavailable.
TEST(Classify, CredentialsCreditAndWrongUrlPauseTheGateway) {
  for (const int code : {401, 402, 403, 404, 405, 301, 302, 307, 308}) {
    EXPECT_THAT(status(code), VariantWith<GatewayUnavailable>(::testing::_)) << code;
  }
  EXPECT_EQ(outcome_reason(status(402)), "HTTP 402: provider says no");
  EXPECT_THAT(outcome_reason(status(404)), HasSubstr("check the gateway's URL"));
}

// Row: other 4xx → RejectedPermanently with the provider's reason.
TEST(Classify, OtherClientErrorsRejectThisMessage) {
  for (const int code : {400, 409, 410, 413, 415, 422}) {
    EXPECT_THAT(status(code), VariantWith<RejectedPermanently>(::testing::_)) << code;
  }
  const SendOutcome outcome =
      classify_status(response(400), "  Invalid 'to' number: +46 70-123 45 67\n\tplease check  ", fixed_now);
  EXPECT_EQ(outcome, (SendOutcome{RejectedPermanently{"HTTP 400: Invalid 'to' number: <number> please check"}}));
}

// Row: anything else (a 2xx that reached the generic table, 1xx) → OutcomeUnknown.
TEST(Classify, UnexpectedStatusesAreOutcomeUnknown) {
  EXPECT_THAT(status(202), VariantWith<OutcomeUnknown>(::testing::_));
  EXPECT_EQ(unparseable_success(response(200, "<html>")).reason, "HTTP 200 without a message id in the answer");
  EXPECT_EQ(unparseable_success(response(201)).reason, "HTTP 201 without a message id in the answer");
}

TEST(RetryAfter, DeltaSecondsAreCappedAtOneDay) {
  EXPECT_EQ(parse_retry_after("120", fixed_now), Duration{120});
  EXPECT_EQ(parse_retry_after(" 5 ", fixed_now), Duration{5});
  EXPECT_EQ(parse_retry_after("0", fixed_now), Duration{0});
  EXPECT_EQ(parse_retry_after("86401", fixed_now), Duration{86400});
  EXPECT_EQ(parse_retry_after("99999999999999999999", fixed_now), Duration{86400});
  EXPECT_EQ(parse_retry_after("-5", fixed_now), std::nullopt);
  EXPECT_EQ(parse_retry_after("", fixed_now), std::nullopt);
  EXPECT_EQ(parse_retry_after("1.5", fixed_now), std::nullopt);
}

TEST(RetryAfter, HttpDatesInAllThreeFormsCountFromNow) {
  EXPECT_EQ(parse_retry_after("Sat, 23 Nov 2024 18:01:30 GMT", fixed_now), Duration{90});
  EXPECT_EQ(parse_retry_after("Saturday, 23-Nov-24 18:01:30 GMT", fixed_now), Duration{90});
  EXPECT_EQ(parse_retry_after("Sat Nov 23 18:01:30 2024", fixed_now), Duration{90});
  EXPECT_EQ(parse_retry_after("Sat Nov  3 18:01:30 2024", fixed_now), Duration{0});           // past
  EXPECT_EQ(parse_retry_after("Sat, 23 Nov 2024 17:00:00 GMT", fixed_now), Duration{0});      // past
  EXPECT_EQ(parse_retry_after("Mon, 23 Dec 2024 18:00:00 GMT", fixed_now), Duration{86400});  // capped
  EXPECT_EQ(parse_retry_after("Sat, 31 Feb 2024 18:00:00 GMT", fixed_now), std::nullopt);
  EXPECT_EQ(parse_retry_after("Sat, 23 Foo 2024 18:00:00 GMT", fixed_now), std::nullopt);
  EXPECT_EQ(parse_retry_after("Sat, 23 Nov 2024 25:00:00 GMT", fixed_now), std::nullopt);
  EXPECT_EQ(parse_retry_after("tomorrow", fixed_now), std::nullopt);
}

TEST(CleanReason, MasksAnythingThatLooksLikeAPhoneNumber) {
  EXPECT_EQ(clean_reason("To +46701234567 invalid"), "To <number> invalid");
  EXPECT_EQ(clean_reason("number 070-123 45 67."), "number <number>.");
  EXPECT_EQ(clean_reason("call (070) 123 45 67 now"), "call <number> now");
  EXPECT_EQ(clean_reason("0046701234567"), "<number>");
  EXPECT_EQ(clean_reason("error 21211 at 12:30, 2 parts"), "error 21211 at 12:30, 2 parts");
  EXPECT_EQ(clean_reason("+4670"), "+4670");
}

// Found by fuzz_gateway (tests/fuzz/corpus/gateway/regression_number_split_by_control_chars):
// control characters between the digits were collapsed to spaces only after
// masking, so the number reached the log whole.
TEST(CleanReason, MasksANumberSplitByTabsLineBreaksOrNuls) {
  EXPECT_EQ(clean_reason("to 070\t123\t4567 blocked"), "to <number> blocked");
  EXPECT_EQ(clean_reason("number 035-12\r\n3 45 67"), "number <number>");
  EXPECT_EQ(clean_reason(std::string("035-12\0\0\0003 45 67", 16)), "<number>");
  EXPECT_EQ(clean_reason("code\t21211\tat 12:30"), "code 21211 at 12:30");
}

TEST(CleanReason, DropsHtmlCollapsesBlanksAndCutsOnACharacterBoundary) {
  EXPECT_EQ(clean_reason("<html><body>502 Bad Gateway</body></html>"), "");
  EXPECT_EQ(clean_reason("  a\r\n\tb \x01 c  "), "a b c");
  const std::string long_text(199, 'x');
  const std::string cut = clean_reason(long_text + "\xc3\xa5\xc3\xa5");  // "åå" straddles byte 200
  EXPECT_EQ(cut, long_text + "...");
  EXPECT_EQ(clean_reason(std::string(200, 'y')), std::string(200, 'y'));
}

TEST(ErrorText, FindsTheMessageInCommonJsonShapesOrUsesTheBody) {
  EXPECT_EQ(error_text(R"({"code":21211,"message":"Invalid To"})"), "Invalid To");
  EXPECT_EQ(error_text(R"({"error":{"code":"x","message":"Nested"}})"), "Nested");
  EXPECT_EQ(error_text(R"({"error":"Flat"})"), "Flat");
  EXPECT_EQ(error_text(R"({"detail":"Problem detail"})"), "Problem detail");
  EXPECT_EQ(error_text("Not enough credits"), "Not enough credits");
  EXPECT_EQ(error_text(R"([1,2])"), "[1,2]");
}

TEST(Outcome, NamesAndReasonsForLogs) {
  EXPECT_EQ(outcome_name(Accepted{"x"}), "accepted");
  EXPECT_EQ(outcome_name(RetryLater{}), "retry_later");
  EXPECT_EQ(outcome_name(OutcomeUnknown{}), "outcome_unknown");
  EXPECT_EQ(outcome_name(RejectedPermanently{}), "rejected_permanently");
  EXPECT_EQ(outcome_name(GatewayUnavailable{}), "gateway_unavailable");
  EXPECT_EQ(outcome_reason(Accepted{"x"}), "");
  EXPECT_EQ(outcome_reason(GatewayUnavailable{"why"}), "why");
}

TEST(CleanReason, NeverLeaksTheNumberThroughAFailureMessage) {
  const SendOutcome outcome =
      classify_failure({http::FailureKind::after_send, 28, "timeout for /send?to=%2B46701234567 to=+46701234567"});
  EXPECT_THAT(outcome_reason(outcome), Not(HasSubstr("701234567")));
}

}  // namespace
}  // namespace paminna::sms
