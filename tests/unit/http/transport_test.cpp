// The HTTP transport against a real server on loopback (support/mock_http_server.h).
#include "http/transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "support/mock_http_server.h"

namespace paminna::http {
namespace {

using std::chrono::milliseconds;
using test::MockHttpServer;
using test::MockReply;
using ::testing::HasSubstr;

class TransportTest : public ::testing::Test {
 protected:
  HttpResult perform(HttpRequest request) {
    std::optional<HttpResult> result;
    transport.start(std::move(request), [&](HttpResult r) { result = std::move(r); });
    EXPECT_TRUE(test::run_until(io, [&] { return result.has_value(); }));
    return result.value_or(tl::unexpected(HttpFailure{FailureKind::other, 0, "watchdog"}));
  }

  HttpRequest post(std::string_view path, std::string body = "a=1") const {
    HttpRequest request;
    request.method = Method::post;
    request.url = server.url(path);
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    request.body = std::move(body);
    request.total_timeout = milliseconds{2000};
    return request;
  }

  MockHttpServer server;
  boost::asio::io_context io;
  Transport transport{io};
};

TEST_F(TransportTest, GetReturnsStatusLowerCasedHeadersAndBody) {
  MockReply reply = MockReply::json(200, R"({"ok":true})");
  reply.headers.emplace_back("X-Request-Id", "  abc  ");
  server.enqueue(reply);
  HttpRequest request;
  request.url = server.url("/ping?x=1");
  const HttpResult result = perform(request);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, R"({"ok":true})");
  EXPECT_EQ(result->header("x-request-id"), "abc");
  EXPECT_EQ(result->header("content-type"), "application/json");
  EXPECT_FALSE(result->resent);
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/ping?x=1");
}

TEST_F(TransportTest, PostSendsBodyHeadersAndBasicAuthWithoutExpectContinue) {
  HttpRequest request = post("/submit", std::string(4000, 'x'));
  request.basic_auth = BasicAuth{"user", "pass"};
  request.headers.emplace_back("X-Empty", "");
  const HttpResult result = perform(request);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].body, std::string(4000, 'x'));
  EXPECT_EQ(seen[0].header("content-length"), "4000");
  EXPECT_EQ(seen[0].header("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(seen[0].header("authorization"), "Basic dXNlcjpwYXNz");  // base64("user:pass")
  EXPECT_EQ(seen[0].header("x-empty"), "");
  EXPECT_EQ(seen[0].header("expect"), std::nullopt);
  EXPECT_EQ(seen[0].header("transfer-encoding"), std::nullopt);
}

TEST_F(TransportTest, OtherMethodsCarryTheirName) {
  for (const Method method : {Method::put, Method::patch, Method::del}) {
    HttpRequest request = post("/r", "{}");
    request.method = method;
    const HttpResult result = perform(request);
    ASSERT_TRUE(result.has_value()) << result.error().message;
  }
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(seen[1].method, "PATCH");
  EXPECT_EQ(seen[2].method, "DELETE");
  EXPECT_EQ(seen[2].body, "{}");
}

TEST_F(TransportTest, SequentialRequestsReuseOneKeptAliveConnection) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(perform(post("/r")).has_value());
  }
  EXPECT_EQ(server.request_count(), 5U);
  EXPECT_EQ(server.connections_accepted(), 1U);
}

TEST_F(TransportTest, ConnectionRefusedIsBeforeSend) {
  // A port that was just free: nothing listens there.
  boost::asio::ip::tcp::acceptor probe{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  const auto port = probe.local_endpoint().port();
  probe.close();
  HttpRequest request = post("/");
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  const HttpResult result = perform(request);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, FailureKind::before_send);
  EXPECT_EQ(result.error().curl_code, 7);  // CURLE_COULDNT_CONNECT
}

TEST_F(TransportTest, ServerThatNeverAnswersTimesOutAfterSend) {
  server.enqueue(MockReply::of(MockReply::Kind::never_answer));
  HttpRequest request = post("/slow");
  request.total_timeout = milliseconds{300};
  const HttpResult result = perform(request);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, FailureKind::after_send);
  EXPECT_EQ(result.error().curl_code, 28);  // CURLE_OPERATION_TIMEDOUT
}

TEST_F(TransportTest, SlowAnswerWithinTheTimeoutSucceeds) {
  MockReply reply = MockReply::json(200, "{}");
  reply.delay = milliseconds{150};
  server.enqueue(reply);
  HttpRequest request = post("/slow");
  request.total_timeout = milliseconds{2000};
  const HttpResult result = perform(request);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->status, 200);
}

TEST_F(TransportTest, ResetAfterTheRequestIsAfterSend) {
  server.enqueue(MockReply::of(MockReply::Kind::reset));
  const HttpResult result = perform(post("/reset"));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, FailureKind::after_send);
  EXPECT_EQ(server.request_count(), 1U);
}

TEST_F(TransportTest, GarbageAnswerIsAfterSend) {
  server.enqueue(MockReply::of(MockReply::Kind::garbage));
  const HttpResult result = perform(post("/garbage"));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, FailureKind::after_send);
}

TEST_F(TransportTest, OversizedResponseFailsAfterSend) {
  TransportOptions options;
  options.max_response_bytes = 100;
  Transport small{io, options};
  server.enqueue(MockReply::text(200, std::string(1000, 'z')));
  std::optional<HttpResult> result;
  small.start(post("/big"), [&](HttpResult r) { result = std::move(r); });
  ASSERT_TRUE(test::run_until(io, [&] { return result.has_value(); }));
  ASSERT_FALSE(result->has_value());
  EXPECT_EQ(result->error().kind, FailureKind::after_send);
  EXPECT_THAT(result->error().message, HasSubstr("larger than 100 bytes"));
}

TEST_F(TransportTest, MalformedUrlAndBadHeaderAreOtherAndNeverCallBackInline) {
  bool called_inline = true;
  std::optional<HttpResult> result;
  HttpRequest bad_header = post("/");
  bad_header.headers.emplace_back("X-Evil", "a\r\nInjected: yes");
  transport.start(bad_header, [&](HttpResult r) { result = std::move(r); });
  called_inline = result.has_value();
  EXPECT_FALSE(called_inline);
  ASSERT_TRUE(test::run_until(io, [&] { return result.has_value(); }));
  ASSERT_FALSE(result->has_value());
  EXPECT_EQ(result->error().kind, FailureKind::other);

  HttpRequest bad_url;
  bad_url.url = "ftp://127.0.0.1/file";
  const HttpResult ftp = perform(bad_url);
  ASSERT_FALSE(ftp.has_value());
  EXPECT_EQ(ftp.error().kind, FailureKind::other);
  EXPECT_EQ(server.request_count(), 0U);
}

TEST_F(TransportTest, FailureMessagesNeverShowTheCredentials) {
  HttpRequest request = post("/");
  request.url = "http://user-secret-name:pw@[::1/";  // malformed; libcurl may echo parts of it
  request.basic_auth = BasicAuth{"user-secret-name", "pa55-secret-word"};
  const HttpResult result = perform(request);
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error().message, ::testing::Not(HasSubstr("pa55-secret-word")));
  EXPECT_THAT(result.error().message, ::testing::Not(HasSubstr("user-secret-name")));
}

// The server drops an idle kept-alive connection (FIN) after answering, as
// servers do when their keep-alive timeout expires. libcurl notices the close
// before reusing the connection, so the next request goes out exactly once,
// on a fresh connection, and succeeds.
TEST_F(TransportTest, IdleKeptAliveConnectionClosedByServerIsNotReused) {
  MockReply first = MockReply::json(200, "{}");
  first.close_after = true;
  server.enqueue(first);
  ASSERT_TRUE(perform(post("/one")).has_value());
  ASSERT_TRUE(test::run_until(io, [&] { return server.open_connections() == 0; }));
  const HttpResult second = perform(post("/two"));
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_FALSE(second->resent);
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[1].connection, 2U);
}

// The keep-alive race: the server takes the request on a reused connection
// and closes it without answering. libcurl would silently send the POST again
// on a new connection; we refuse, and report that the server may have it.
TEST_F(TransportTest, ReusedConnectionDyingAfterThePostIsReportedNotResent) {
  server.enqueue(MockReply::json(200, "{}"));
  server.enqueue(MockReply::of(MockReply::Kind::close_without_answer));
  ASSERT_TRUE(perform(post("/one")).has_value());
  const HttpResult second = perform(post("/two", "b=2"));
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().kind, FailureKind::after_send);
  EXPECT_THAT(second.error().message, HasSubstr("not sent again"));
  ASSERT_TRUE(test::run_until(io, [&] { return server.open_connections() == 0; }));
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2U);  // not 3: no silent re-send
  EXPECT_EQ(seen[1].body, "b=2");
  EXPECT_EQ(seen[1].connection, 1U);  // the reused one
}

// Every method with a body follows the same rule, not only POST.
TEST_F(TransportTest, ReusedConnectionDyingUnderAPutIsReportedNotResent) {
  server.enqueue(MockReply::json(200, "{}"));
  server.enqueue(MockReply::of(MockReply::Kind::close_without_answer));
  ASSERT_TRUE(perform(post("/one")).has_value());
  HttpRequest put = post("/two", "b=2");
  put.method = Method::put;
  const HttpResult second = perform(put);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().kind, FailureKind::after_send);
  ASSERT_TRUE(test::run_until(io, [&] { return server.open_connections() == 0; }));
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[1].method, "PUT");
}

// For an idempotent request the caller may allow the re-send; it is visible.
TEST_F(TransportTest, ReusedConnectionDyingIsResentVisiblyWhenAllowed) {
  server.enqueue(MockReply::json(200, "{}"));
  server.enqueue(MockReply::of(MockReply::Kind::close_without_answer));
  server.enqueue(MockReply::json(200, R"({"second":true})"));
  ASSERT_TRUE(perform(post("/one")).has_value());
  HttpRequest request = post("/two", "b=2");
  request.may_resend = true;
  const HttpResult second = perform(request);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_TRUE(second->resent);
  EXPECT_EQ(second->body, R"({"second":true})");
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[2].body, "b=2");
  EXPECT_EQ(server.connections_accepted(), 2U);
}

// A GET has no body that could reach the server twice: libcurl's re-send
// after a reused connection died stays allowed, and visible.
TEST_F(TransportTest, ReusedConnectionDyingUnderAGetIsResentVisibly) {
  server.enqueue(MockReply::json(200, "{}"));
  server.enqueue(MockReply::of(MockReply::Kind::close_without_answer));
  server.enqueue(MockReply::json(200, R"({"second":true})"));
  ASSERT_TRUE(perform(post("/one")).has_value());
  HttpRequest get;
  get.url = server.url("/two");
  get.total_timeout = milliseconds{2000};
  const HttpResult second = perform(get);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_TRUE(second->resent);
  EXPECT_EQ(second->body, R"({"second":true})");
  EXPECT_EQ(server.request_count(), 3U);
}

TEST_F(TransportTest, CancelledRequestNeverCallsBack) {
  server.enqueue(MockReply::of(MockReply::Kind::never_answer));
  bool called = false;
  const RequestId id = transport.start(post("/x"), [&](const HttpResult&) { called = true; });
  ASSERT_TRUE(test::run_until(io, [&] { return server.request_count() == 1; }));
  EXPECT_TRUE(transport.cancel(id));
  EXPECT_FALSE(transport.cancel(id));
  EXPECT_EQ(transport.active(), 0U);
  ASSERT_TRUE(test::run_until(io, [&] { return server.open_connections() == 0; }));
  EXPECT_FALSE(called);
}

TEST_F(TransportTest, ACallbackMayDestroyItsTransport) {
  auto owned = std::make_unique<Transport>(io);
  server.set_default(MockReply::json(200, "{}"));
  int calls = 0;
  for (int i = 0; i < 3; ++i) {
    owned->start(post("/x"), [&](const HttpResult&) {
      ++calls;
      owned.reset();  // the first completion tears everything down
    });
  }
  ASSERT_TRUE(test::run_until(io, [&] { return owned == nullptr; }));
  io.restart();
  io.run_for(milliseconds{50});
  EXPECT_EQ(calls, 1);
}

TEST_F(TransportTest, ManyConcurrentRequestsAllComplete) {
  constexpr int count = 64;
  // Answers that take a moment: instant ones may all be served in turn on the
  // first connection, and this test is about requests that overlap.
  MockReply reply = MockReply::json(200, "{}");
  reply.delay = milliseconds{10};
  server.set_default(reply);
  int ok = 0;
  int done = 0;
  for (int i = 0; i < count; ++i) {
    transport.start(post("/many"), [&](const HttpResult& r) {
      ++done;
      ok += r.has_value() ? 1 : 0;
    });
  }
  ASSERT_TRUE(test::run_until(io, [&] { return done == count; }));
  EXPECT_EQ(ok, count);
  EXPECT_EQ(server.request_count(), static_cast<std::size_t>(count));
  EXPECT_GT(server.peak_connections(), 1U);
}

// A dispatch sends rounds of requests at once. libcurl's default cache (four
// connections per transfer under way) shrank as each round ended, and the next
// round opened new connections: a TCP (and TLS) handshake every few requests.
TEST_F(TransportTest, RoundsOfConcurrentRequestsKeepTheirConnections) {
  constexpr int round = 16;
  int done = 0;
  for (int r = 1; r <= 4; ++r) {
    for (int i = 0; i < round; ++i) {
      transport.start(post("/round"), [&](const HttpResult& result) {
        EXPECT_TRUE(result.has_value());
        ++done;
      });
    }
    ASSERT_TRUE(test::run_until(io, [&] { return done == r * round; }));
  }
  EXPECT_EQ(server.request_count(), static_cast<std::size_t>(4 * round));
  EXPECT_LE(server.connections_accepted(), static_cast<std::size_t>(round));
}

// Between requests libcurl stops watching a kept connection; the next request
// on it must be watched again, also when the first went the other way.
TEST_F(TransportTest, AKeptConnectionIsWatchedAgainForEveryRequest) {
  server.set_default(MockReply::json(200, "{}"));
  HttpRequest get;
  get.url = server.url("/get");
  get.total_timeout = milliseconds{2000};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(perform(post("/post")).has_value());
    ASSERT_TRUE(perform(get).has_value());
  }
  EXPECT_EQ(server.request_count(), 6U);
  EXPECT_EQ(server.connections_accepted(), 1U);
}

}  // namespace
}  // namespace paminna::http
