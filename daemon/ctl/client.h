// The CLI's side of the control socket: connect, send one request, read one reply.
//
// Failures are values with an exit code that scripts can rely on
// (as systemctl and unbound-control do): 3 = the daemon is not running.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <string>

#include <tl/expected.hpp>

namespace paminna::ctl {

namespace exit_code {
constexpr int ok = 0;
constexpr int daemon_error = 1;  // the daemon answered with an error
constexpr int usage = 2;
constexpr int not_running = 3;    // no socket, or nobody listening
constexpr int no_permission = 4;  // the socket exists but we may not use it
constexpr int protocol = 5;       // timeout, garbage, connection dropped
}  // namespace exit_code

struct CallError {
  int exit_code;
  std::string message;
  nlohmann::json data;
};

class Client {
 public:
  Client(std::filesystem::path socket, std::chrono::milliseconds timeout)
      : socket_(std::move(socket)), timeout_(timeout) {}
  tl::expected<nlohmann::json, CallError> call(const std::string& method, const nlohmann::json& params);

 private:
  std::filesystem::path socket_;
  std::chrono::milliseconds timeout_;
};

// --socket, else $PAMINNA_SOCKET, else /run/paminna/control.sock if present, else paminna-local/control.sock.
std::filesystem::path default_socket_path();

}  // namespace paminna::ctl
