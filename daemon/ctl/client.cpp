#include "ctl/client.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace paminna::ctl {

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

bool wait_for(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  int rc = 0;
  do {
    rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (rc < 0 && errno == EINTR);
  return rc > 0;
}

}  // namespace

std::filesystem::path default_socket_path() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): paminnactl has one thread
  if (const char* env = std::getenv("PAMINNA_SOCKET"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code ec;
  if (std::filesystem::exists("/run/paminna/control.sock", ec)) {
    return "/run/paminna/control.sock";
  }
  return "paminna-local/control.sock";
}

tl::expected<nlohmann::json, CallError> Client::call(const std::string& method, const nlohmann::json& params) {
  const std::string path = socket_.string();
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) {
    return tl::unexpected(CallError{exit_code::usage, fmt::format("socket path too long: {}", path), nullptr});
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    return tl::unexpected(CallError{exit_code::protocol, std::generic_category().message(errno), nullptr});
  }
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    if (error == ENOENT || error == ECONNREFUSED) {
      return tl::unexpected(
          CallError{exit_code::not_running, fmt::format("paminnad is not running (no daemon at {})", path), nullptr});
    }
    if (error == EACCES || error == EPERM) {
      return tl::unexpected(
          CallError{exit_code::no_permission,
                    fmt::format("permission denied on {}: ask for membership of the daemon's group", path), nullptr});
    }
    return tl::unexpected(CallError{
        exit_code::protocol, fmt::format("connect {}: {}", path, std::generic_category().message(error)), nullptr});
  }
  const nlohmann::json request{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
  std::string line = request.dump() + "\n";
  std::size_t sent = 0;
  while (sent < line.size()) {
    if (!wait_for(fd.get(), POLLOUT, timeout_)) {
      return tl::unexpected(CallError{exit_code::protocol, "timed out sending the request", nullptr});
    }
    const auto n = ::send(fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      return tl::unexpected(
          CallError{exit_code::protocol, fmt::format("send: {}", std::generic_category().message(errno)), nullptr});
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string reply;
  char buffer[65536];
  for (;;) {
    if (const auto newline = reply.find('\n'); newline != std::string::npos) {
      reply.resize(newline);
      break;
    }
    if (!wait_for(fd.get(), POLLIN, timeout_)) {
      return tl::unexpected(CallError{exit_code::protocol, "timed out waiting for the daemon's reply", nullptr});
    }
    const auto n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    if (n <= 0) {
      return tl::unexpected(
          CallError{exit_code::protocol, "the daemon closed the connection without replying", nullptr});
    }
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  nlohmann::json response;
  try {
    response = nlohmann::json::parse(reply);
  } catch (const nlohmann::json::exception&) {  // parse_error, or out_of_range for a number like 1e400
    return tl::unexpected(CallError{exit_code::protocol, "the daemon's reply is not valid JSON", nullptr});
  }
  if (response.contains("error")) {
    const auto& error = response["error"];
    return tl::unexpected(CallError{exit_code::daemon_error, error.value("message", "error"),
                                    error.value("data", nlohmann::json(nullptr))});
  }
  if (!response.contains("result")) {
    return tl::unexpected(CallError{exit_code::protocol, "the daemon's reply has neither result nor error", nullptr});
  }
  return response["result"];
}

}  // namespace paminna::ctl
