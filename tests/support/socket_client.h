// A raw control-socket peer for tests: send any bytes, read lines, misbehave on purpose.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace paminna::test {

class SocketClient {
 public:
  // Throws when the socket cannot be reached.
  explicit SocketClient(const std::filesystem::path& path);
  ~SocketClient();
  SocketClient(const SocketClient&) = delete;
  SocketClient& operator=(const SocketClient&) = delete;

  // Sends everything; false when the peer closed.
  bool send(std::string_view bytes) const;
  // One line without its LF; nullopt on timeout or close.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True when the daemon closed the connection (EOF) within the timeout.
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  void shutdown_write() const;

 private:
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace paminna::test
