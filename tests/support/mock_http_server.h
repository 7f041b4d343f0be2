// A real HTTP/1.1 server on 127.0.0.1 (ephemeral port) for tests of HTTP
// clients: it runs its own io_context on its own thread, answers each request
// as the test scripts it, records every request, and counts connections.
//
// Scripting: replies queued with enqueue() are used in order, one per request;
// when the queue is empty a handler set with set_handler() decides, else the
// default reply (200, "{}"). Connections are kept alive unless a reply says
// otherwise. All methods are thread-safe (the test thread calls them while the
// server thread serves).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace paminna::test {

struct RecordedRequest {
  std::string method;
  std::string target;                                        // path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::size_t connection = 0;  // 1-based number of the connection it came on

  [[nodiscard]] std::optional<std::string> header(std::string_view lower_name) const;
};

struct MockReply {
  enum class Kind {
    respond,               // status, headers, body (after `delay`)
    never_answer,          // read the request, then say nothing until the server stops
    reset,                 // read the request, then abort the connection (RST)
    garbage,               // read the request, answer `raw` (not HTTP) and close
    close_without_answer,  // read the request, then close the connection (FIN)
  };
  Kind kind = Kind::respond;
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};
  // After the response, close the connection although the response let the
  // client keep it alive (no "Connection: close"): an idle keep-alive
  // connection that the server drops.
  bool close_after = false;
  std::string raw = "SMTP ready\r\n\r\n";

  static MockReply json(int status, std::string body);
  static MockReply text(int status, std::string body);
  static MockReply of(Kind kind);
};

class MockHttpServer {
 public:
  MockHttpServer();
  ~MockHttpServer();
  MockHttpServer(const MockHttpServer&) = delete;
  MockHttpServer& operator=(const MockHttpServer&) = delete;
  MockHttpServer(MockHttpServer&&) = delete;
  MockHttpServer& operator=(MockHttpServer&&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  // "http://127.0.0.1:<port>" followed by `path`.
  [[nodiscard]] std::string url(std::string_view path = "") const;

  void enqueue(MockReply reply);
  void set_handler(std::function<MockReply(const RecordedRequest&)> handler);
  void set_default(MockReply reply);

  [[nodiscard]] std::vector<RecordedRequest> requests() const;
  [[nodiscard]] std::size_t request_count() const;
  [[nodiscard]] std::size_t connections_accepted() const;
  [[nodiscard]] std::size_t open_connections() const;
  // Most connections open at the same time.
  [[nodiscard]] std::size_t peak_connections() const;
  // Most requests received and not yet answered at the same time.
  [[nodiscard]] std::size_t peak_in_progress() const;

 private:
  struct Shared;
  class Session;
  void accept();

  std::unique_ptr<Shared> shared_;
};

// Runs `io` one handler at a time until `done()` holds or `timeout` passes
// (the watchdog); true if `done()` held. For tests that drive an HTTP client.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds timeout = std::chrono::milliseconds{5000});

}  // namespace paminna::test
