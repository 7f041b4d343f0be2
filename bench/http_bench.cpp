// How many requests per second the HTTP layer (http::Client on http::Transport,
// one libcurl multi handle on one io_context thread) sustains against a
// loopback server that answers 200 at once. The server (tests/support's
// MockHttpServer) runs on a second thread of the same machine, so the figure
// is a floor for the client alone.
//
//   http_bench [--requests N] [--concurrency C]     (defaults 20000, 16)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "http/client.h"
#include "http/transport.h"
#include "support/mock_http_server.h"

namespace {

long argument(int argc, char** argv, std::string_view name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) {
      return std::strtol(argv[i + 1], nullptr, 10);
    }
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace paminna;
  const long requests = argument(argc, argv, "--requests", 20000);
  const long concurrency = argument(argc, argv, "--concurrency", 16);
  if (requests <= 0 || concurrency <= 0) {
    (void)std::fprintf(stderr, "usage: http_bench [--requests N] [--concurrency C]\n");
    return 2;
  }

  test::MockHttpServer server;
  server.set_default(test::MockReply::json(200, R"({"id":"s1"})"));
  boost::asio::io_context io;
  http::Transport transport{io};
  http::Client client{transport, http::ClientLimits{.max_in_flight = static_cast<std::size_t>(concurrency)}};

  http::HttpRequest request;
  request.method = http::Method::post;
  request.url = server.url("/a1/sms");
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = "from=Mottagning&to=%2B46700000000&message=Hej&dontlog=message";
  request.basic_auth = http::BasicAuth{"user", "password"};

  long ok = 0;
  long failed = 0;
  const auto started = std::chrono::steady_clock::now();
  for (long i = 0; i < requests; ++i) {
    client.send(request, [&](http::HttpResult result) {
      if (result && result->status == 200) {
        ++ok;
      } else {
        ++failed;
      }
      if (ok + failed == requests) {
        io.stop();
      }
    });
  }
  io.run();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;

  std::printf("requests     %ld (ok %ld, failed %ld)\n", requests, ok, failed);
  std::printf("concurrency  %ld\n", concurrency);
  std::printf("connections  %zu opened, peak %zu\n", server.connections_accepted(), server.peak_connections());
  std::printf("elapsed      %.3f s\n", elapsed.count());
  std::printf("throughput   %.0f requests/s\n", static_cast<double>(ok + failed) / elapsed.count());
  return failed == 0 ? 0 : 1;
}
