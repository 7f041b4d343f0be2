// 46elks against the loopback mock: request shape and the provider's answers.
#include "sms/elks46_gateway.h"

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

class Elks46Test : public testing::GatewayFixture {
 protected:
  Elks46Gateway make(Elks46Config config = {}) {
    config.base_url = server.url("/");  // a trailing slash must not double
    config.credentials = {"u4e1f0c", "S3cr3t:pw"};
    config.http.wall_now = fixed_clock();
    config.http.total_timeout = std::chrono::milliseconds{2000};
    return Elks46Gateway{transport, std::move(config)};
  }
};

TEST_F(Elks46Test, PostsAFormWithBasicAuthAndArabicTextIntact) {
  server.enqueue(MockReply::json(200, R"({"id":"s70df59406a1b4643b96f3f91e0bfb7b0","status":"created","parts":1})"));
  auto gateway = make();
  EXPECT_EQ(gateway.provider(), "46elks");
  const SendOutcome outcome = send(gateway);
  EXPECT_EQ(outcome, (SendOutcome{Accepted{"s70df59406a1b4643b96f3f91e0bfb7b0"}}));

  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/a1/sms");
  EXPECT_EQ(seen[0].header("authorization"), "Basic dTRlMWYwYzpTM2NyM3Q6cHc=");  // u4e1f0c:S3cr3t:pw
  EXPECT_EQ(seen[0].header("content-type"), "application/x-www-form-urlencoded");
  const auto form = decode_form(seen[0].body);
  EXPECT_EQ(form.size(), 4U);
  EXPECT_EQ(form.at("to"), "+46701234567");
  EXPECT_EQ(form.at("from"), "Mottagning");
  EXPECT_EQ(form.at("message"), arabic_text);
  EXPECT_EQ(form.at("dontlog"), "message");
}

TEST_F(Elks46Test, DontlogCanBeTurnedOffAndValidityIsNotSentButChecked) {
  server.enqueue(MockReply::json(200, R"({"id":"s1"})"));
  Elks46Config config;
  config.dontlog = false;
  auto gateway = make(config);
  SmsRequest request = testing::sample_request();
  request.valid_until = fixed_now + std::chrono::hours{16};
  EXPECT_EQ(send(gateway, request), (SendOutcome{Accepted{"s1"}}));
  const auto form = decode_form(server.requests().at(0).body);
  EXPECT_EQ(form.count("dontlog"), 0U);
  EXPECT_EQ(form.size(), 3U);

  request.valid_until = fixed_now;  // ends now: too late
  EXPECT_EQ(send(gateway, request), (SendOutcome{RejectedPermanently{"validity ended before sending"}}));
  EXPECT_EQ(server.request_count(), 1U);
}

TEST_F(Elks46Test, NoCreditOrBadCredentialsPauseTheGateway) {
  server.enqueue(MockReply::text(402, "Not enough credits to send message"));
  server.enqueue(MockReply::text(401, "Authorization failed"));
  server.enqueue(MockReply::text(403, "Forbidden"));
  auto gateway = make();
  EXPECT_EQ(send(gateway), (SendOutcome{GatewayUnavailable{"HTTP 402: Not enough credits to send message"}}));
  EXPECT_EQ(send(gateway), (SendOutcome{GatewayUnavailable{"HTTP 401: Authorization failed"}}));
  EXPECT_THAT(send(gateway), VariantWith<GatewayUnavailable>(::testing::_));
}

TEST_F(Elks46Test, InvalidNumberIsRejectedWithTheNumberMasked) {
  server.enqueue(MockReply::text(400, "Invalid to number: +46701234567\n"));
  auto gateway = make();
  const SendOutcome outcome = send(gateway);
  EXPECT_EQ(outcome, (SendOutcome{RejectedPermanently{"HTTP 400: Invalid to number: <number>"}}));
}

TEST_F(Elks46Test, ThrottlingHonoursRetryAfter) {
  MockReply reply = MockReply::text(429, "Too many requests");
  reply.headers.emplace_back("Retry-After", "12");
  server.enqueue(reply);
  auto gateway = make();
  EXPECT_EQ(send(gateway), (SendOutcome{RetryLater{Duration{12}, "HTTP 429: Too many requests"}}));
}

TEST_F(Elks46Test, ServerErrorsAndUnparseableSuccessAreOutcomeUnknown) {
  server.enqueue(MockReply::text(500, "Internal error"));
  server.enqueue(MockReply::text(502, "<html>Bad gateway</html>"));
  server.enqueue(MockReply::text(504, ""));
  server.enqueue(MockReply::text(200, "OK"));
  server.enqueue(MockReply::json(200, R"({"status":"created"})"));
  auto gateway = make();
  EXPECT_EQ(send(gateway), (SendOutcome{OutcomeUnknown{"HTTP 500: Internal error"}}));
  EXPECT_EQ(send(gateway), (SendOutcome{OutcomeUnknown{"HTTP 502"}}));
  EXPECT_EQ(send(gateway), (SendOutcome{OutcomeUnknown{"HTTP 504"}}));
  EXPECT_EQ(send(gateway), (SendOutcome{OutcomeUnknown{"HTTP 200 without a message id in the answer"}}));
  EXPECT_EQ(send(gateway), (SendOutcome{OutcomeUnknown{"HTTP 200 without a message id in the answer"}}));
}

}  // namespace
}  // namespace paminna::sms
