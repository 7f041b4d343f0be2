#include "control/server.h"

#include <fmt/format.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <deque>
#include <iterator>
#include <system_error>

#include "control/framing.h"
#include "log/events.h"

namespace paminna::control {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

// A connection younger than this is never evicted, so a burst of newcomers
// cannot push each other (or a person's paminnactl) out before they speak.
constexpr std::chrono::seconds kMinIdleBeforeEviction{1};

// Lines handled for one peer before the others get a turn.
constexpr int kLinesPerTurn = 16;
// Requests of one connection read and not yet answered. Answers wait for the
// disk (MethodTable::commit_groups_in); a client that sends without reading
// them stops being read here instead of filling the daemon's memory.
constexpr int kMaxUnanswered = 256;
// Lines in one turn of the method table: a turn is one transaction holding the
// database's write lock, and reminder timers and the watchdog wait for it.
constexpr std::size_t kMaxLinesPerTurn = 64;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server& server, stream::socket socket)
      : server_(server),
        socket_(std::move(socket)),
        framer_(server.limits_.max_line_bytes),
        idle_(socket_.get_executor()) {
    ucred cred{};
    socklen_t length = sizeof cred;
    if (getsockopt(socket_.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &length) == 0) {
      context_.peer_uid = cred.uid;
      context_.peer_pid = cred.pid;
    }
  }

  void start() {
    touch();
    read();
  }

  // A line this connection sent, now in the server's turn. It is handled
  // even if the peer has gone since: what it asked for is done, as when it
  // hangs up on a person mid-sentence.
  void handle(const std::string& line) {
    const bool answered = server_.methods_.dispatch(context_, line, [weak = weak_from_this()](std::string response) {
      if (auto self = weak.lock()) {
        --self->pending_;
        self->touch();
        self->send(std::move(response));
      }
    });
    if (!answered) {  // a notification: nothing will come
      --pending_;
      if (closing_) {
        flush_then_close();
      } else if (paused_ && outbox_.empty() && !writing_) {
        resume();
      }
    }
  }

  // The server is stopping: no more lines are read; what was read is
  // answered (answers may wait for the disk), then the connection closes.
  void finish() {
    closing_ = true;
    flush_then_close();
  }

  // Idle long enough to be given up for a newcomer when the table is full:
  // nothing asked and unanswered, nothing waiting to be written.
  [[nodiscard]] bool evictable(std::chrono::steady_clock::time_point now) const {
    return !closed_ && pending_ == 0 && outbox_.empty() && !writing_ && now - last_active_ >= kMinIdleBeforeEviction;
  }
  [[nodiscard]] std::chrono::steady_clock::time_point last_active() const { return last_active_; }

  void evict() {
    send(error_line(nullptr, error_code::too_many_connections,
                    "closed: the connection limit was reached and this connection was the longest idle"));
    closing_ = true;
    flush_then_close();
  }

  void close() {
    if (closed_) {
      return;
    }
    closed_ = true;
    boost::system::error_code ignored;
    idle_.cancel();
    socket_.shutdown(stream::socket::shutdown_both, ignored);
    socket_.close(ignored);
    server_.closed(shared_from_this());
  }

 private:
  void touch() {
    last_active_ = server_.steady_now_();
    idle_.expires_after(server_.limits_.idle_timeout);
    idle_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
      if (auto self = weak.lock(); self && !error) {
        self->close();
      }
    });
  }

  void read() {
    socket_.async_read_some(asio::buffer(buffer_),
                            [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
                              if (error == asio::error::eof && !self->closed_) {
                                // A half-closed peer still gets the answers to what it sent.
                                self->finish();
                                return;
                              }
                              if (error || self->closed_) {
                                self->close();
                                return;
                              }
                              self->touch();
                              self->framer_.feed(std::string_view(self->buffer_.data(), n));
                              if (self->drain()) {
                                self->read();
                              }
                            });
  }

  // Handles complete lines; true when it wants more input. It stops early
  // (false) when the connection is closing, when replies are waiting to be
  // written (a peer that does not read stops being served, not everyone
  // else), and after a few lines so one busy peer cannot hold the loop;
  // resume() carries on from there.
  bool drain() {
    for (int handled = 0;; ++handled) {
      if (closing_ || closed_) {
        return false;
      }
      if (!outbox_.empty() || pending_ >= kMaxUnanswered) {
        paused_ = true;  // write() resumes once the replies are out
        return false;
      }
      if (handled == kLinesPerTurn) {
        paused_ = true;
        asio::post(socket_.get_executor(), [self = shared_from_this()] { self->resume(); });
        return false;
      }
      auto [status, line] = framer_.next();
      switch (status) {
        case LineFramer::Status::need_more:
          return true;
        case LineFramer::Status::too_long:
          log::event(log::Event::CONTROL_PROTOCOL_ERROR, "reason=line-too-long limit={}",
                     server_.limits_.max_line_bytes);
          send(error_line(nullptr, error_code::invalid_request,
                          fmt::format("request line longer than {} bytes; closing", server_.limits_.max_line_bytes)));
          closing_ = true;
          flush_then_close();
          return false;
        case LineFramer::Status::line:
          if (line.empty()) {
            continue;
          }
          ++server_.requests_;
          ++pending_;
          server_.enqueue(shared_from_this(), std::move(line));
          break;
      }
    }
  }

  void send(std::string line) {
    if (closed_) {
      return;
    }
    line.push_back('\n');
    queued_bytes_ += line.size();
    if (queued_bytes_ > server_.limits_.max_output_bytes) {
      close();  // the client does not read what it asked for
      return;
    }
    outbox_.push_back(std::move(line));
    if (!writing_) {
      write();
    }
  }

  void write() {
    writing_ = true;
    asio::async_write(socket_, asio::buffer(outbox_.front()),
                      [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
                        self->writing_ = false;
                        if (error || self->closed_) {
                          self->close();
                          return;
                        }
                        self->queued_bytes_ -= self->outbox_.front().size();
                        self->outbox_.pop_front();
                        if (!self->outbox_.empty()) {
                          self->write();
                        } else if (self->closing_) {
                          // Answers still waiting for the disk go out first; the idle timer bounds the wait.
                          self->flush_then_close();
                        } else {
                          self->resume();
                        }
                      });
  }

  void resume() {
    if (!paused_ || closed_) {
      return;
    }
    paused_ = false;
    if (drain()) {
      read();
    }
  }

  void flush_then_close() {
    if (!writing_ && outbox_.empty() && pending_ == 0) {
      close();
    }
  }

  Server& server_;
  stream::socket socket_;
  LineFramer framer_;
  asio::steady_timer idle_;
  CallContext context_;
  std::array<char, 16384> buffer_{};
  std::deque<std::string> outbox_;
  std::size_t queued_bytes_ = 0;
  std::chrono::steady_clock::time_point last_active_{};
  int pending_ = 0;  // requests dispatched and not yet answered
  bool writing_ = false;
  bool closing_ = false;
  bool paused_ = false;  // lines are waiting in the framer; no read is outstanding
  bool closed_ = false;
};

Server::Server(asio::io_context& io, MethodTable& methods, ServerLimits limits, SteadyNow steady_now)
    : methods_(methods),
      limits_(limits),
      steady_now_(std::move(steady_now)),
      acceptor_(io),
      accept_retry_(io),
      drain_limit_(io) {}

Server::~Server() {
  stop();
}

namespace {

namespace fs = std::filesystem;

void check_folder(const fs::path& folder) {
  struct stat st {};
  if (stat(folder.c_str(), &st) != 0) {
    throw ServerSetupError(
        fmt::format("socket folder {}: {}", folder.string(), std::generic_category().message(errno)));
  }
  // Some systems ignore a socket file's own mode, so the folder is the real gate.
  if ((st.st_mode & S_IRWXO) != 0) {
    throw ServerSetupError(
        fmt::format("socket folder {} is accessible to all users (mode {:o}); make it 0750 or 0700 so only the daemon "
                    "and its group reach the control socket",
                    folder.string(), st.st_mode & 0777));
  }
}

bool someone_answers(const fs::path& path) {
  boost::asio::io_context probe;
  stream::socket socket(probe);
  boost::system::error_code error;
  socket.connect(stream::endpoint(path.string()), error);
  return !error;
}

}  // namespace

void Server::listen(const fs::path& path, const std::string& group) {
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::exists(folder, ec)) {
    fs::create_directories(folder, ec);
    if (ec) {
      throw ServerSetupError(fmt::format("create socket folder {}: {}", folder.string(), ec.message()));
    }
    ::chmod(folder.c_str(), group.empty() ? 0700 : 0750);
  }
  check_folder(folder);
  if (fs::exists(fs::symlink_status(path, ec))) {
    if (someone_answers(path)) {
      throw ServerSetupError(fmt::format("another paminnad already answers on {}", path.string()));
    }
    fs::remove(path, ec);  // stale socket from a previous run
  }
  try {
    const mode_t old_mask = ::umask(0117);  // the socket is born 0660, never briefly wider
    boost::system::error_code error;
    acceptor_.open(stream(), error);
    if (!error) {
      acceptor_.bind(stream::endpoint(path.string()), error);
    }
    ::umask(old_mask);
    if (error) {
      throw ServerSetupError(fmt::format("bind {}: {}", path.string(), error.message()));
    }
    acceptor_.listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    throw ServerSetupError(fmt::format("listen on {}: {}", path.string(), e.what()));
  }
  owned_path_ = path;
  if (!group.empty()) {
    const struct group* entry = getgrnam(group.c_str());  // NOLINT(concurrency-mt-unsafe): start-up, one thread
    if (entry == nullptr || ::chown(path.c_str(), static_cast<uid_t>(-1), entry->gr_gid) != 0) {
      throw ServerSetupError(fmt::format("give socket {} to group {}: {}", path.string(), group,
                                         entry == nullptr ? "no such group" : std::generic_category().message(errno)));
    }
  }
  ::chmod(path.c_str(), 0660);
  endpoint_ = path.string();
  accept();
}

void Server::adopt(int fd) {
  boost::system::error_code error;
  acceptor_.assign(stream(), fd, error);
  if (error) {
    throw ServerSetupError(fmt::format("adopt socket from systemd: {}", error.message()));
  }
  endpoint_ = fmt::format("systemd fd {}", fd);
  accept();
}

void Server::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& error, stream::socket socket) {
    if (stopped_ || drained_) {
      return;
    }
    if (error) {
      if (error == asio::error::operation_aborted) {
        return;
      }
      // EMFILE and friends: back off briefly instead of spinning on a full table.
      accept_retry_.expires_after(std::chrono::milliseconds(100));
      accept_retry_.async_wait([this](const boost::system::error_code& e) {
        if (!e && !stopped_) {
          accept();
        }
      });
      return;
    }
    if (connections_.size() >= limits_.max_connections && !evict_longest_idle()) {
      reject(std::move(socket));
    } else {
      auto connection = std::make_shared<Connection>(*this, std::move(socket));
      connections_.insert(connection);
      connection->start();
    }
    accept();
  });
}

// A full table of idle connections (a stuck script, a leak) must not lock
// staff out until the idle timeout: the longest idle one makes room.
bool Server::evict_longest_idle() {
  const auto now = steady_now_();
  std::shared_ptr<Connection> victim;
  for (const auto& connection : connections_) {
    if (connection->evictable(now) && (!victim || connection->last_active() < victim->last_active())) {
      victim = connection;
    }
  }
  if (!victim) {
    return false;
  }
  ++evicted_;
  if (now - last_evict_log_ > std::chrono::seconds(10)) {
    log::event(log::Event::CONTROL_CONNECTION_REJECTED, "limit={} evicted_idle_total={}", limits_.max_connections,
               evicted_);
    last_evict_log_ = now;
  }
  victim->evict();
  // evict() may only have queued the farewell; the newcomer counts against the limit at once.
  return true;
}

void Server::reject(stream::socket socket) {
  ++rejected_;
  const auto now = steady_now_();
  if (now - last_reject_log_ > std::chrono::seconds(10)) {
    log::event(log::Event::CONTROL_CONNECTION_REJECTED, "limit={} rejected_total={}", limits_.max_connections,
               rejected_);
    last_reject_log_ = now;
  }
  // Best effort and non-blocking: the client learns why, the loop never waits on it.
  const auto line =
      error_line(nullptr, error_code::too_many_connections, "too many connections; try again shortly") + "\n";
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(line), ignored);
  socket.close(ignored);
}

// Read handlers that completed in the same turn of the loop all run before a
// handler posted now, so this one sees every connection's lines at once.
void Server::enqueue(std::shared_ptr<Connection> connection, std::string line) {
  turn_.emplace_back(std::move(connection), std::move(line));
  if (!turn_posted_) {
    turn_posted_ = true;
    asio::post(acceptor_.get_executor(), [this] { run_turn(); });
  }
}

void Server::run_turn() {
  turn_posted_ = false;
  if (stopped_) {
    turn_.clear();
    return;
  }
  const auto count = static_cast<std::ptrdiff_t>(std::min(turn_.size(), kMaxLinesPerTurn));
  std::vector<std::pair<std::shared_ptr<Connection>, std::string>> lines(
      std::make_move_iterator(turn_.begin()), std::make_move_iterator(turn_.begin() + count));
  turn_.erase(turn_.begin(), turn_.begin() + count);
  methods_.begin_turn();
  for (const auto& [connection, line] : lines) {
    connection->handle(line);
  }
  methods_.end_turn();
  if (!turn_.empty() && !turn_posted_) {
    turn_posted_ = true;
    asio::post(acceptor_.get_executor(), [this] { run_turn(); });
  }
}

void Server::closed(const std::shared_ptr<Connection>& connection) {
  connections_.erase(connection);
  if (drained_ && connections_.empty()) {
    finish_drain();
  }
}

void Server::drain(std::chrono::milliseconds limit, std::function<void()> done) {
  if (stopped_ || drained_) {
    done();
    return;
  }
  drained_ = std::move(done);
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  drain_limit_.expires_after(limit);
  drain_limit_.async_wait([this](const boost::system::error_code& error) {
    if (!error) {
      finish_drain();
    }
  });
  auto open = connections_;
  for (const auto& connection : open) {
    connection->finish();
  }
  if (connections_.empty()) {
    finish_drain();
  }
}

void Server::finish_drain() {
  if (!drained_) {
    return;
  }
  auto done = std::exchange(drained_, {});
  drain_limit_.cancel();
  stop();
  done();
}

void Server::stop() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  auto open = connections_;
  for (const auto& connection : open) {
    connection->close();
  }
  if (!owned_path_.empty()) {
    std::error_code ec;
    std::filesystem::remove(owned_path_, ec);
  }
}

}  // namespace paminna::control
