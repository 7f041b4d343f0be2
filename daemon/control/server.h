// The control socket: accepts connections, frames lines, applies limits and
// timeouts, and hands each line to the MethodTable (style.md §1, §7).
//
// Limits that keep the daemon alive whatever a client does:
//  - a line longer than max_line_bytes: error reply, connection closed;
//  - more than max_connections at once: the connection idle longest (at least
//    1 s, nothing pending) is told why and closed to make room; if none is,
//    the newcomer gets an error and is closed;
//  - idle_timeout without a byte from the client: closed;
//  - a client that does not read its replies: closed when max_output_bytes are queued.
// Everything is asynchronous on the daemon's one io_context, so a slow or stuck
// client never delays another.
//
// Lines are not handled in the read's own handler: the lines read in one turn
// of the loop (from every connection that had input) are handled together in
// one posted handler, as one MethodTable turn, so their changes share one
// commit and one fsync (MethodTable::begin_turn).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "control/method_table.h"

namespace paminna::control {

struct ServerLimits {
  std::size_t max_connections = 256;
  std::size_t max_line_bytes = 1 << 20;
  std::chrono::seconds idle_timeout{60};
  std::size_t max_output_bytes = 16 << 20;
};

class Connection;

// Thrown when the socket cannot be set up; the message says why.
class ServerSetupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Server {
 public:
  // How long a connection has been idle (for eviction) is read from
  // `steady_now`, so a unit test can age connections without waiting. The
  // daemon keeps real time here even under --fake-clock: its clients connect
  // in real time. The idle timeout is an Asio timer, always on real time.
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;
  Server(
      boost::asio::io_context& io, MethodTable& methods, ServerLimits limits,
      SteadyNow steady_now = [] { return std::chrono::steady_clock::now(); });
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds `path` (mode 0660, group `group` if not empty) after checking its
  // folder is not accessible to others; refuses if another daemon answers there.
  void listen(const std::filesystem::path& path, const std::string& group);
  // Adopts a listening socket passed by systemd (sd_listen_fds).
  void adopt(int fd);
  void stop();
  // A graceful stop: no new connection or line; what was read is handled and
  // answered, then each connection closes. `done` runs once the last one has
  // closed, or after `limit` with the others closed unanswered (stop()).
  void drain(std::chrono::milliseconds limit, std::function<void()> done);

  void set_limits(ServerLimits limits) { limits_ = limits; }
  [[nodiscard]] std::size_t connections() const { return connections_.size(); }
  [[nodiscard]] std::uint64_t requests() const { return requests_; }
  [[nodiscard]] std::string endpoint() const { return endpoint_; }

 private:
  friend class Connection;
  void accept();
  void reject(boost::asio::local::stream_protocol::socket socket);
  bool evict_longest_idle();
  void closed(const std::shared_ptr<Connection>& connection);
  void enqueue(std::shared_ptr<Connection> connection, std::string line);
  void run_turn();
  void finish_drain();

  MethodTable& methods_;
  ServerLimits limits_;
  SteadyNow steady_now_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;
  boost::asio::steady_timer drain_limit_;
  std::function<void()> drained_;  // set while draining
  std::set<std::shared_ptr<Connection>> connections_;
  std::deque<std::pair<std::shared_ptr<Connection>, std::string>> turn_;  // lines read, not yet handled
  bool turn_posted_ = false;
  std::filesystem::path owned_path_;  // unlinked at stop if we created it
  std::string endpoint_;
  std::uint64_t requests_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t evicted_ = 0;
  std::chrono::steady_clock::time_point last_evict_log_{};
  std::chrono::steady_clock::time_point last_reject_log_{};
  bool stopped_ = false;
};

}  // namespace paminna::control
