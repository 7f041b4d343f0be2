// How a gateway behaves when the network or the provider misbehaves: each
// case ends in the outcome the classification table (classify.h) promises.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include "sms/elks46_gateway.h"
#include "sms_test_support.h"

namespace paminna::sms {
namespace {

using std::chrono::milliseconds;
using test::MockReply;
using ::testing::HasSubstr;
using ::testing::VariantWith;

class NetworkTest : public testing::GatewayFixture {
 protected:
  Elks46Config config(milliseconds total_timeout = milliseconds{400}) {
    Elks46Config c;
    c.base_url = server.url();
    c.credentials = {"u", "p"};
    c.http.wall_now = fixed_clock();
    c.http.total_timeout = total_timeout;
    return c;
  }
};

TEST_F(NetworkTest, AGatewayThatNeverAnswersIsOutcomeUnknownAfterTheTimeout) {
  server.enqueue(MockReply::of(MockReply::Kind::never_answer));
  Elks46Gateway gateway{transport, config(milliseconds{300})};
  const auto started = std::chrono::steady_clock::now();
  const SendOutcome outcome = send(gateway);
  EXPECT_THAT(outcome, VariantWith<OutcomeUnknown>(::testing::_));
  EXPECT_THAT(std::string{outcome_reason(outcome)}, HasSubstr("timed out"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds{2000});
}

TEST_F(NetworkTest, AResetConnectionIsOutcomeUnknown) {
  server.enqueue(MockReply::of(MockReply::Kind::reset));
  Elks46Gateway gateway{transport, config()};
  EXPECT_THAT(send(gateway), VariantWith<OutcomeUnknown>(::testing::_));
  EXPECT_EQ(server.request_count(), 1U);
}

TEST_F(NetworkTest, ASlowAnswerWithinTheTimeoutIsAccepted) {
  MockReply reply = MockReply::json(200, R"({"id":"s-slow"})");
  reply.delay = milliseconds{150};
  server.enqueue(reply);
  Elks46Gateway gateway{transport, config(milliseconds{1000})};
  EXPECT_EQ(send(gateway), (SendOutcome{Accepted{"s-slow"}}));
}

TEST_F(NetworkTest, GarbageInsteadOfHttpIsOutcomeUnknown) {
  server.enqueue(MockReply::of(MockReply::Kind::garbage));
  Elks46Gateway gateway{transport, config()};
  EXPECT_THAT(send(gateway), VariantWith<OutcomeUnknown>(::testing::_));
}

TEST_F(NetworkTest, ConnectionRefusedIsRetryLaterBecauseNothingWasSent) {
  boost::asio::ip::tcp::acceptor probe{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  Elks46Config c = config();
  c.base_url = "http://127.0.0.1:" + std::to_string(probe.local_endpoint().port());
  probe.close();
  Elks46Gateway gateway{transport, c};
  const SendOutcome outcome = send(gateway);
  ASSERT_THAT(outcome, VariantWith<RetryLater>(::testing::_));
  EXPECT_EQ(std::get<RetryLater>(outcome).delay, Duration{0});
}

TEST_F(NetworkTest, AnUnusableUrlPausesTheGateway) {
  Elks46Config c = config();
  c.base_url = "ftp://127.0.0.1";
  Elks46Gateway gateway{transport, c};
  EXPECT_THAT(send(gateway), VariantWith<GatewayUnavailable>(::testing::_));
}

// The kept-alive connection carries the second SMS and dies unanswered: the
// provider may have it. It is reported, and not sent a second time.
TEST_F(NetworkTest, DeadKeptAliveConnectionIsOutcomeUnknownAndNotResent) {
  server.enqueue(MockReply::json(200, R"({"id":"s-1"})"));
  server.enqueue(MockReply::of(MockReply::Kind::close_without_answer));
  Elks46Gateway gateway{transport, config()};
  EXPECT_EQ(send(gateway), (SendOutcome{Accepted{"s-1"}}));
  const SendOutcome second = send(gateway);
  EXPECT_THAT(second, VariantWith<OutcomeUnknown>(::testing::_));
  EXPECT_THAT(std::string{outcome_reason(second)}, HasSubstr("not sent again"));
  ASSERT_TRUE(test::run_until(io, [&] { return server.open_connections() == 0; }));
  EXPECT_EQ(server.request_count(), 2U);
}

TEST_F(NetworkTest, ConcurrencyLimitHoldsThroughTheGateway) {
  MockReply reply = MockReply::json(200, R"({"id":"s"})");
  reply.delay = milliseconds{40};
  server.set_default(reply);
  Elks46Config c = config(milliseconds{3000});
  c.http.limits.max_in_flight = 2;
  Elks46Gateway gateway{transport, c};
  int accepted = 0;
  for (int i = 0; i < 8; ++i) {
    gateway.send(testing::sample_request(), [&](const SendOutcome& o) { accepted += o.index() == 0 ? 1 : 0; });
  }
  ASSERT_TRUE(test::run_until(io, [&] { return accepted == 8; }));
  EXPECT_LE(server.peak_in_progress(), 2U);
  EXPECT_LE(server.peak_connections(), 2U);
}

TEST_F(NetworkTest, ADestroyedGatewayNeverCallsBack) {
  server.set_default(MockReply::of(MockReply::Kind::never_answer));
  bool called = false;
  {
    Elks46Gateway gateway{transport, config()};
    gateway.send(testing::sample_request(), [&](const SendOutcome&) { called = true; });
    ASSERT_TRUE(test::run_until(io, [&] { return server.request_count() == 1; }));
  }
  io.restart();
  io.run_for(milliseconds{50});
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace paminna::sms
