// Concurrency and rate limits of http::Client, counted at a real loopback server.
#include "http/client.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "support/mock_http_server.h"

namespace paminna::http {
namespace {

using std::chrono::milliseconds;
using test::MockHttpServer;
using test::MockReply;

// A steady clock that moves only when the test says so.
struct ManualSteadyClock {
  std::chrono::steady_clock::time_point now{};
  SteadyNow source() {
    return [this] { return now; };
  }
};

class ClientTest : public ::testing::Test {
 protected:
  HttpRequest request() const {
    HttpRequest r;
    r.method = Method::post;
    r.url = server.url("/send");
    r.body = "x=1";
    r.total_timeout = milliseconds{3000};
    return r;
  }

  MockHttpServer server;
  boost::asio::io_context io;
  Transport transport{io};
};

TEST_F(ClientTest, NeverMoreThanMaxInFlightAtTheServer) {
  MockReply slow = MockReply::json(200, "{}");
  slow.delay = milliseconds{60};
  server.set_default(slow);
  Client client{transport, ClientLimits{.max_in_flight = 3}};
  constexpr int count = 12;
  int done = 0;
  for (int i = 0; i < count; ++i) {
    client.send(request(), [&](const HttpResult& r) {
      EXPECT_TRUE(r.has_value());
      ++done;
    });
  }
  EXPECT_EQ(client.in_flight(), 3U);
  EXPECT_EQ(client.queued(), static_cast<std::size_t>(count - 3));
  ASSERT_TRUE(test::run_until(io, [&] { return done == count; }));
  EXPECT_EQ(server.request_count(), static_cast<std::size_t>(count));
  EXPECT_LE(server.peak_in_progress(), 3U);
  EXPECT_LE(server.peak_connections(), 3U);
  EXPECT_GE(server.peak_in_progress(), 2U);  // the limit is used, not just respected
  EXPECT_EQ(client.in_flight(), 0U);
}

TEST_F(ClientTest, RateLimitLetsOnlyTheBurstThroughWhileTimeStandsStill) {
  ManualSteadyClock clock;
  Client client{transport, ClientLimits{.max_in_flight = 10, .rate_per_second = 10.0, .burst = 2.0}, clock.source()};
  int done = 0;
  for (int i = 0; i < 5; ++i) {
    client.send(request(), [&](const HttpResult&) { ++done; });
  }
  ASSERT_TRUE(test::run_until(io, [&] { return done == 2; }));
  EXPECT_EQ(client.queued(), 3U);
  // The client re-checks (every 100 ms here) but the injected time has not moved.
  io.restart();
  io.run_for(milliseconds{250});
  EXPECT_EQ(server.request_count(), 2U);

  clock.now += milliseconds{100};  // one token
  ASSERT_TRUE(test::run_until(io, [&] { return done == 3; }));
  io.restart();
  io.run_for(milliseconds{150});
  EXPECT_EQ(server.request_count(), 3U);

  clock.now += std::chrono::seconds{10};  // refills to the burst only, 2 left anyway
  ASSERT_TRUE(test::run_until(io, [&] { return done == 5; }));
  EXPECT_EQ(server.request_count(), 5U);
}

TEST_F(ClientTest, DestroyingTheClientDropsQueuedAndInFlightWithoutCallbacks) {
  server.set_default(MockReply::of(MockReply::Kind::never_answer));
  bool called = false;
  {
    Client client{transport, ClientLimits{.max_in_flight = 1}};
    client.send(request(), [&](const HttpResult&) { called = true; });
    client.send(request(), [&](const HttpResult&) { called = true; });
    ASSERT_TRUE(test::run_until(io, [&] { return server.request_count() == 1; }));
  }
  EXPECT_EQ(transport.active(), 0U);
  io.restart();
  io.run_for(milliseconds{50});
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace paminna::http
