#include "support/daemon_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "support/socket_client.h"

namespace paminna::test {

DaemonProcess::DaemonProcess(DaemonOptions options) : options_(std::move(options)) {
  write_config(options_.extra_toml);
}

DaemonProcess::~DaemonProcess() {
  if (child_ && child_->running()) {
    child_->signal(SIGKILL);
    child_->wait(std::chrono::seconds(5));
  }
}

void DaemonProcess::write_config(const std::string& extra_toml) const {
  std::ofstream out(config_file());
  out << "[daemon]\n"
      << "database = \"" << database().string() << "\"\n"
      << "socket = \"" << socket().string() << "\"\n"
      << (extra_toml.find("[log]") == std::string::npos ? "[log]\nlevel = \"debug\"\ntarget = \"stderr\"\n" : "")
      << extra_toml << "\n";
}

namespace {

// A datagram socket like systemd's notify socket; returns its fd.
int bind_notify_socket(const std::filesystem::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ::unlink(path.c_str());
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind notify socket");
  }
  return fd;
}

}  // namespace

void DaemonProcess::start() {
  const auto notify_path = dir_.path() / "notify.sock";
  const int notify_fd = bind_notify_socket(notify_path);
  std::vector<std::string> args{"--config", config_file().string()};
  if (options_.fake_clock) {
    args.push_back("--fake-clock");
    args.push_back(*options_.fake_clock);
  }
  auto env = options_.env;
  env["NOTIFY_SOCKET"] = notify_path.string();
  ++runs_;
  // In its folder: the console sink's default outbox is a relative path.
  child_ = std::make_unique<Child>(options_.paminnad, args, dir_.path() / ("daemon-" + std::to_string(runs_) + ".log"),
                                   env, dir_.path());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool ready = false;
  while (!ready && std::chrono::steady_clock::now() < deadline) {
    pollfd p{notify_fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      char buffer[4096];
      const auto n = ::recv(notify_fd, buffer, sizeof buffer - 1, 0);
      if (n > 0 && std::string(buffer, static_cast<std::size_t>(n)).find("READY=1") != std::string::npos) {
        ready = true;
      }
    } else if (!child_->running()) {
      break;
    }
  }
  ::close(notify_fd);
  if (!ready) {
    throw std::runtime_error("paminnad did not become ready; its output:\n" + log());
  }
}

int DaemonProcess::stop() {
  child_->signal(SIGTERM);
  return child_->wait(std::chrono::seconds(20)).value_or(-1);
}

void DaemonProcess::kill9() {
  child_->signal(SIGKILL);
  child_->wait(std::chrono::seconds(20));
}

pid_t DaemonProcess::pid() const {
  return child_ ? child_->pid() : -1;
}

bool DaemonProcess::running() {
  return child_ && child_->running();
}

RunResult DaemonProcess::ctl(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env) const {
  std::vector<std::string> all{"--socket", socket().string()};
  all.insert(all.end(), args.begin(), args.end());
  return run(options_.paminnactl, all, env);
}

nlohmann::json DaemonProcess::call(const std::string& method, const nlohmann::json& params) const {
  SocketClient client(socket());
  const nlohmann::json request{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
  client.send(request.dump() + "\n");
  const auto line = client.read_line();
  if (!line) {
    throw std::runtime_error("no reply to " + method);
  }
  return nlohmann::json::parse(*line);
}

nlohmann::json DaemonProcess::result(const std::string& method, const nlohmann::json& params) const {
  auto response = call(method, params);
  if (response.contains("error")) {
    throw std::runtime_error(method + ": " + response["error"].value("message", "error"));
  }
  return response["result"];
}

void DaemonProcess::advance(std::chrono::seconds by) const {
  result("clock.advance", {{"seconds", by.count()}});
}

void DaemonProcess::step(std::chrono::seconds by) const {
  result("clock.step", {{"seconds", by.count()}});
}

bool DaemonProcess::wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (log().find(text) != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

std::string DaemonProcess::log() const {
  std::string all;
  for (int i = 1; i <= runs_; ++i) {
    all += read_file(dir_.path() / ("daemon-" + std::to_string(i) + ".log"));
  }
  return all;
}

}  // namespace paminna::test
