// Twilio against the loopback mock: request shape, validity, error codes.
#include "sms/twilio_gateway.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sms_test_support.h"

namespace paminna::sms {
namespace {

using test::MockReply;
using testing::arabic_text;
using testing::decode_form;
using testing::fixed_now;
using ::testing::VariantWith;

constexpr const char* account_sid = "AC0123456789abcdef0123456789abcdef";

class TwilioTest : public testing::GatewayFixture {
 protected:
  TwilioGateway make() {
    TwilioConfig config;
    config.base_url = server.url();
    config.credentials = {account_sid, "auth-token"};
    config.http.wall_now = fixed_clock();
    return TwilioGateway{transport, std::move(config)};
  }
};

TEST_F(TwilioTest, PostsAFormToTheAccountsMessagesWithValidity) {
  server.enqueue(MockReply::json(201, R"({"sid":"SM1234567890abcdef","status":"queued"})"));
  auto gateway = make();
  EXPECT_EQ(gateway.provider(), "twilio");
  SmsRequest request = testing::sample_request();
  request.valid_until = fixed_now + std::chrono::hours{2};
  EXPECT_EQ(send(gateway, request), (SendOutcome{Accepted{"SM1234567890abcdef"}}));

  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, std::string{"/2010-04-01/Accounts/"} + account_sid + "/Messages.json");
  // base64("AC0123456789abcdef0123456789abcdef:auth-token")
  EXPECT_EQ(seen[0].header("authorization"), "Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjphdXRoLXRva2Vu");
  EXPECT_EQ(seen[0].header("content-type"), "application/x-www-form-urlencoded");
  const auto form = decode_form(seen[0].body);
  EXPECT_EQ(form.at("To"), "+46701234567");
  EXPECT_EQ(form.at("From"), "Mottagning");
  EXPECT_EQ(form.at("Body"), arabic_text);
  EXPECT_EQ(form.at("ValidityPeriod"), "7200");
}

TEST_F(TwilioTest, ValidityIsCappedAtTenHoursOmittedWhenAbsentAndExpiredIsNotSent) {
  server.set_default(MockReply::json(201, R"({"sid":"SM1"})"));
  auto gateway = make();
  SmsRequest request = testing::sample_request();
  request.valid_until = fixed_now + std::chrono::hours{16};
  ASSERT_THAT(send(gateway, request), VariantWith<Accepted>(::testing::_));
  EXPECT_EQ(decode_form(server.requests().at(0).body).at("ValidityPeriod"), "36000");

  request.valid_until.reset();
  ASSERT_THAT(send(gateway, request), VariantWith<Accepted>(::testing::_));
  EXPECT_EQ(decode_form(server.requests().at(1).body).count("ValidityPeriod"), 0U);

  request.valid_until = fixed_now - std::chrono::minutes{1};
  EXPECT_EQ(send(gateway, request), (SendOutcome{RejectedPermanently{"validity ended before sending"}}));
  EXPECT_EQ(server.request_count(), 2U);
}

TEST_F(TwilioTest, AuthenticationErrorPausesTheGateway) {
  server.enqueue(MockReply::json(401, R"({"code":20003,"message":"Authenticate","status":401})"));
  auto gateway = make();
  EXPECT_EQ(send(gateway), (SendOutcome{GatewayUnavailable{"HTTP 401, Twilio error 20003: Authenticate"}}));
}

TEST_F(TwilioTest, InvalidNumberIsRejectedWithTheCodeAndTheNumberMasked) {
  server.enqueue(MockReply::json(
      400, R"({"code":21211,"message":"The 'To' number +46701234567 is not a valid phone number.","status":400})"));
  auto gateway = make();
  EXPECT_EQ(send(gateway),
            (SendOutcome{RejectedPermanently{
                "HTTP 400, Twilio error 21211: The 'To' number <number> is not a valid phone number."}}));
}

// Found by fuzz_gateway: a "code" longer than Twilio's (five digits at most)
// could be a number echoed back, and the reason goes into the log.
TEST_F(TwilioTest, ACodeLongerThanFiveDigitsIsLeftOutOfTheReason) {
  server.enqueue(MockReply::json(400, R"({"code":46701234567,"message":"Bad To","status":400})"));
  server.enqueue(MockReply::json(400, R"({"code":-21211,"message":"Bad To","status":400})"));
  auto gateway = make();
  EXPECT_EQ(send(gateway), (SendOutcome{RejectedPermanently{"HTTP 400, Bad To"}}));
  EXPECT_EQ(send(gateway), (SendOutcome{RejectedPermanently{"HTTP 400, Bad To"}}));
}

TEST_F(TwilioTest, TooManyRequestsIsRetryLaterWithRetryAfter) {
  MockReply reply = MockReply::json(429, R"({"code":20429,"message":"Too Many Requests","status":429})");
  reply.headers.emplace_back("Retry-After", "3");
  server.enqueue(reply);
  auto gateway = make();
  EXPECT_EQ(send(gateway), (SendOutcome{RetryLater{Duration{3}, "HTTP 429, Twilio error 20429: Too Many Requests"}}));
}

TEST_F(TwilioTest, SuccessWithoutSidIsOutcomeUnknown) {
  server.enqueue(MockReply::json(201, R"({"status":"queued"})"));
  auto gateway = make();
  EXPECT_THAT(send(gateway), VariantWith<OutcomeUnknown>(::testing::_));
}

}  // namespace
}  // namespace paminna::sms
