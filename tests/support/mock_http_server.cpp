#include "support/mock_http_server.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <mutex>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

namespace paminna::test {

using boost::asio::ip::tcp;

namespace {

std::string lower(std::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t");
  return std::string{text.substr(first, last - first + 1)};
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

}  // namespace

std::optional<std::string> RecordedRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) {
      return value;
    }
  }
  return std::nullopt;
}

MockReply MockReply::json(int status, std::string body) {
  MockReply reply;
  reply.status = status;
  reply.headers = {{"Content-Type", "application/json"}};
  reply.body = std::move(body);
  return reply;
}

MockReply MockReply::text(int status, std::string body) {
  MockReply reply;
  reply.status = status;
  reply.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
  reply.body = std::move(body);
  return reply;
}

MockReply MockReply::of(Kind kind) {
  MockReply reply;
  reply.kind = kind;
  return reply;
}

struct MockHttpServer::Shared {
  boost::asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  std::uint16_t port = 0;
  std::vector<std::weak_ptr<Session>> sessions;  // server thread only

  mutable std::mutex mutex;  // guards everything below
  std::deque<MockReply> queue;
  std::function<MockReply(const RecordedRequest&)> handler;
  MockReply fallback = MockReply::json(200, "{}");
  std::vector<RecordedRequest> requests;
  std::size_t accepted = 0;
  std::size_t open = 0;
  std::size_t peak = 0;
  std::size_t in_progress = 0;
  std::size_t peak_in_progress = 0;

  MockReply next_reply(const RecordedRequest& request) {
    std::function<MockReply(const RecordedRequest&)> decide;
    {
      const std::lock_guard lock(mutex);
      requests.push_back(request);
      ++in_progress;
      peak_in_progress = std::max(peak_in_progress, in_progress);
      if (!queue.empty()) {
        MockReply reply = std::move(queue.front());
        queue.pop_front();
        return reply;
      }
      if (!handler) {
        return fallback;
      }
      decide = handler;
    }
    return decide(request);
  }

  void answered() {
    const std::lock_guard lock(mutex);
    --in_progress;
  }
};

// One connection. Lives as long as a handler of its own holds it; refers to
// Shared by reference only (Shared owns the io_context that owns the handlers).
class MockHttpServer::Session : public std::enable_shared_from_this<MockHttpServer::Session> {
 public:
  Session(Shared& shared, tcp::socket socket, std::size_t number)
      : shared_(shared), socket_(std::move(socket)), timer_(shared.io), number_(number) {}

  void start() { read(); }

  void stop() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
    finish();
  }

 private:
  void read() {
    socket_.async_read_some(boost::asio::buffer(chunk_),
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                              if (ec) {
                                self->finish();
                                return;
                              }
                              self->data_.append(self->chunk_.data(), n);
                              self->process();
                            });
  }

  // After a reply that leaves the connection silent: read (and drop) until the
  // client goes away, so the connection count stays true.
  void drain() {
    socket_.async_read_some(boost::asio::buffer(chunk_),
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                              if (ec) {
                                self->finish();
                                return;
                              }
                              self->drain();
                            });
  }

  void process() {
    auto request = parse();
    if (!request) {
      read();
      return;
    }
    const MockReply reply = shared_.next_reply(*request);
    pending_ = true;
    switch (reply.kind) {
      case MockReply::Kind::respond:
        if (reply.delay.count() > 0) {
          timer_.expires_after(reply.delay);
          timer_.async_wait([self = shared_from_this(), reply](const boost::system::error_code& ec) {
            if (!ec) {
              self->respond(reply);
            }
          });
        } else {
          respond(reply);
        }
        return;
      case MockReply::Kind::never_answer:
        drain();
        return;
      case MockReply::Kind::reset: {
        boost::system::error_code ignored;
        socket_.set_option(tcp::socket::linger(true, 0), ignored);
        socket_.close(ignored);
        finish();
        return;
      }
      case MockReply::Kind::garbage: {
        auto raw = std::make_shared<std::string>(reply.raw);
        boost::asio::async_write(socket_, boost::asio::buffer(*raw),
                                 [self = shared_from_this(), raw](const boost::system::error_code&, std::size_t) {
                                   self->close_gracefully();
                                 });
        return;
      }
      case MockReply::Kind::close_without_answer:
        close_gracefully();
        return;
    }
  }

  void respond(const MockReply& reply) {
    auto text = std::make_shared<std::string>();
    text->append("HTTP/1.1 ").append(std::to_string(reply.status)).append(" ");
    text->append(reason_phrase(reply.status)).append("\r\nContent-Length: ");
    text->append(std::to_string(reply.body.size())).append("\r\n");
    for (const auto& [name, value] : reply.headers) {
      text->append(name).append(": ").append(value).append("\r\n");
    }
    text->append("\r\n").append(reply.body);
    const bool close_after = reply.close_after;
    boost::asio::async_write(
        socket_, boost::asio::buffer(*text),
        [self = shared_from_this(), text, close_after](const boost::system::error_code& ec, std::size_t) {
          if (self->pending_) {
            self->pending_ = false;
            self->shared_.answered();
          }
          if (ec) {
            self->finish();
          } else if (close_after) {
            self->close_gracefully();
          } else {
            self->process();  // the next request may already be buffered
          }
        });
  }

  void close_gracefully() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    finish();
  }

  std::optional<RecordedRequest> parse() {
    const auto end = data_.find("\r\n\r\n");
    if (end == std::string::npos) {
      return std::nullopt;
    }
    RecordedRequest request;
    request.connection = number_;
    std::string_view head{data_.data(), end};
    const auto line_end = head.find("\r\n");
    const std::string_view request_line = head.substr(0, line_end);
    const auto space1 = request_line.find(' ');
    const auto space2 = request_line.find(' ', space1 + 1);
    request.method = std::string{request_line.substr(0, space1)};
    request.target = std::string{request_line.substr(space1 + 1, space2 - space1 - 1)};
    std::size_t content_length = 0;
    if (line_end != std::string_view::npos) {
      std::string_view rest = head.substr(line_end + 2);
      while (!rest.empty()) {
        const auto eol = rest.find("\r\n");
        const std::string_view line = rest.substr(0, eol);
        const auto colon = line.find(':');
        if (colon != std::string_view::npos) {
          std::string name = lower(line.substr(0, colon));
          std::string value = trim(line.substr(colon + 1));
          if (name == "content-length") {
            content_length = std::stoul(value);
          }
          request.headers.emplace_back(std::move(name), std::move(value));
        }
        if (eol == std::string_view::npos) {
          break;
        }
        rest = rest.substr(eol + 2);
      }
    }
    const std::size_t total = end + 4 + content_length;
    if (data_.size() < total) {
      return std::nullopt;
    }
    request.body = data_.substr(end + 4, content_length);
    data_.erase(0, total);
    return request;
  }

  void finish() {
    if (finished_) {
      return;
    }
    finished_ = true;
    const std::lock_guard lock(shared_.mutex);
    --shared_.open;
    if (pending_) {
      --shared_.in_progress;
      pending_ = false;
    }
  }

  Shared& shared_;
  tcp::socket socket_;
  boost::asio::steady_timer timer_;
  std::size_t number_;
  std::array<char, 4096> chunk_{};
  std::string data_;
  bool pending_ = false;  // a request was read and not answered
  bool finished_ = false;
};

MockHttpServer::MockHttpServer() : shared_(std::make_unique<Shared>()) {
  const tcp::endpoint endpoint{boost::asio::ip::make_address("127.0.0.1"), 0};
  shared_->acceptor.open(endpoint.protocol());
  shared_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  shared_->acceptor.bind(endpoint);
  shared_->acceptor.listen();
  shared_->port = shared_->acceptor.local_endpoint().port();
  accept();
  shared_->thread = std::thread([shared = shared_.get()] { shared->io.run(); });
}

MockHttpServer::~MockHttpServer() {
  boost::asio::post(shared_->io, [shared = shared_.get()] {
    boost::system::error_code ignored;
    shared->acceptor.close(ignored);
    for (auto& weak : shared->sessions) {
      if (auto session = weak.lock()) {
        session->stop();
      }
    }
    shared->io.stop();
  });
  shared_->thread.join();
}

void MockHttpServer::accept() {
  shared_->acceptor.async_accept(
      [shared = shared_.get(), this](const boost::system::error_code& ec, tcp::socket socket) {
        if (ec) {
          return;  // the acceptor was closed
        }
        std::size_t number = 0;
        {
          const std::lock_guard lock(shared->mutex);
          number = ++shared->accepted;
          ++shared->open;
          shared->peak = std::max(shared->peak, shared->open);
        }
        auto session = std::make_shared<Session>(*shared, std::move(socket), number);
        std::erase_if(shared->sessions, [](const auto& weak) { return weak.expired(); });
        shared->sessions.push_back(session);
        session->start();
        accept();
      });
}

std::uint16_t MockHttpServer::port() const {
  return shared_->port;
}

std::string MockHttpServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(shared_->port) + std::string{path};
}

void MockHttpServer::enqueue(MockReply reply) {
  const std::lock_guard lock(shared_->mutex);
  shared_->queue.push_back(std::move(reply));
}

void MockHttpServer::set_handler(std::function<MockReply(const RecordedRequest&)> handler) {
  const std::lock_guard lock(shared_->mutex);
  shared_->handler = std::move(handler);
}

void MockHttpServer::set_default(MockReply reply) {
  const std::lock_guard lock(shared_->mutex);
  shared_->fallback = std::move(reply);
}

std::vector<RecordedRequest> MockHttpServer::requests() const {
  const std::lock_guard lock(shared_->mutex);
  return shared_->requests;
}

std::size_t MockHttpServer::request_count() const {
  const std::lock_guard lock(shared_->mutex);
  return shared_->requests.size();
}

std::size_t MockHttpServer::connections_accepted() const {
  const std::lock_guard lock(shared_->mutex);
  return shared_->accepted;
}

std::size_t MockHttpServer::open_connections() const {
  const std::lock_guard lock(shared_->mutex);
  return shared_->open;
}

std::size_t MockHttpServer::peak_connections() const {
  const std::lock_guard lock(shared_->mutex);
  return shared_->peak;
}

std::size_t MockHttpServer::peak_in_progress() const {
  const std::lock_guard lock(shared_->mutex);
  return shared_->peak_in_progress;
}

bool run_until(boost::asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    if (io.stopped()) {
      io.restart();
    }
    if (io.run_one_for(std::chrono::milliseconds{10}) == 0) {
      // Nothing to run: the condition waits on another thread (the server).
      std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
  }
  return true;
}

}  // namespace paminna::test
