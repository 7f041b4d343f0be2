// Fault campaign: the control socket under abuse. While 1,000 connections sit
// idle, slow readers stop reading their replies, peers half-close, send 10 MiB
// lines and random bytes, a prober keeps asking `status` on fresh connections
// as a person's paminnactl would. Invariants: every probe answers within the
// bound, the daemon keeps running and its memory stays bounded. Exits
// non-zero on the first broken invariant.
//
//   socket_campaign [--idle 1000] [--bound-ms 2000] [--seed N]
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fault/campaign.h"
#include "support/daemon_process.h"
#include "support/socket_client.h"

using namespace paminna;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

using fault::broken;

// A raw non-blocking connection that the campaign may leave unread.
int connect_raw(const std::filesystem::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

long resident_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::atol(line.c_str() + 6);
    }
  }
  return -1;
}

// `status` on a fresh connection, as paminnactl does; milliseconds or -1. A
// refusal because the table is full is tried again, as a person would, until
// the bound: what counts is that the person gets in, not on which attempt.
double probe(const test::DaemonProcess& daemon, double bound_ms) {
  const auto start = Clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); };
  while (elapsed() < bound_ms) {
    try {
      test::SocketClient client(daemon.socket());
      client.send(R"({"jsonrpc":"2.0","id":1,"method":"status"})"
                  "\n");
      const auto line = client.read_line(10s);
      if (line && line->find("\"result\"") != std::string::npos) {
        return elapsed();
      }
      if (!line || line->find("-32000") == std::string::npos) {
        return -1;
      }
    } catch (const std::exception&) {
      return -1;
    }
    std::this_thread::sleep_for(50ms);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  long idle = 1000;
  double bound_ms = 2000;
  unsigned seed = std::random_device{}();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--idle") {
      idle = std::atol(argv[i + 1]);
    } else if (name == "--bound-ms") {
      bound_ms = std::atof(argv[i + 1]);
    } else if (name == "--seed") {
      seed = static_cast<unsigned>(std::atol(argv[i + 1]));
    }
  }
  ::signal(SIGPIPE, SIG_IGN);
  std::printf("socket_campaign idle=%ld bound_ms=%.0f seed=%u\n", idle, bound_ms, seed);
  std::mt19937 random(seed);
  test::DaemonProcess daemon(test::with_config("[log]\nlevel = \"warn\"\n"));
  daemon.start();

  std::atomic<bool> stop{false};
  std::atomic<long> probes{0};
  std::atomic<double> worst{0};
  std::atomic<long> failures{0};
  std::thread prober([&] {
    while (!stop) {
      const auto ms = probe(daemon, bound_ms);
      ++probes;
      if (ms < 0 || ms > bound_ms) {
        ++failures;
        std::fprintf(stderr, "probe %ld: %s\n", probes.load(), ms < 0 ? "no answer" : std::to_string(ms).c_str());
      }
      worst = std::max(worst.load(), ms);
      std::this_thread::sleep_for(20ms);
    }
  });

  std::vector<int> held;
  const auto phase = [&](const char* name) {
    std::printf("phase %-12s probes=%ld worst_ms=%.1f rss_kib=%ld failures=%ld\n", name, probes.load(), worst.load(),
                resident_kib(daemon.pid()), failures.load());
    std::fflush(stdout);
    if (!daemon.running()) {
      broken(std::string("the daemon died during ") + name);
    }
  };

  // 1. Many idle connections.
  for (long i = 0; i < idle; ++i) {
    const int fd = connect_raw(daemon.socket());
    if (fd >= 0) {
      held.push_back(fd);
    }
  }
  std::this_thread::sleep_for(1s);
  phase("idle");

  // 2. Slow readers: ask for a lot and never read.
  for (int i = 0; i < 20; ++i) {
    const int fd = connect_raw(daemon.socket());
    if (fd < 0) {
      continue;
    }
    const std::string request = R"({"jsonrpc":"2.0","id":1,"method":"status"})"
                                "\n";
    for (int r = 0; r < 20000; ++r) {
      if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) {
        break;
      }
    }
    held.push_back(fd);
  }
  std::this_thread::sleep_for(1s);
  phase("slow-readers");

  // 3. Half-closed peers: a request, then the write side shut.
  for (int i = 0; i < 50; ++i) {
    try {
      test::SocketClient client(daemon.socket());
      client.send(R"({"jsonrpc":"2.0","id":1,"method":"status"})"
                  "\n");
      client.shutdown_write();
      if (!client.read_line(5s)) {
        broken("a half-closed peer got no answer");
      }
    } catch (const std::exception&) {
    }
  }
  phase("half-closed");

  // 4. 10 MiB lines without a newline.
  const std::string big(10 << 20, 'x');
  for (int i = 0; i < 5; ++i) {
    const int fd = connect_raw(daemon.socket());
    if (fd < 0) {
      continue;
    }
    std::size_t sent = 0;
    const auto until = Clock::now() + 5s;
    while (sent < big.size() && Clock::now() < until) {
      const auto n = ::send(fd, big.data() + sent, big.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (errno == EAGAIN) {
        std::this_thread::sleep_for(1ms);
      } else {
        break;  // closed by the daemon at its line limit
      }
    }
    ::close(fd);
  }
  phase("10MiB-lines");

  // 5. Random bytes, newlines included.
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 100; ++i) {
    const int fd = connect_raw(daemon.socket());
    if (fd < 0) {
      continue;
    }
    std::string noise(64 << 10, '\0');
    for (auto& c : noise) {
      c = static_cast<char>(byte(random));
    }
    (void)::send(fd, noise.data(), noise.size(), MSG_NOSIGNAL);
    ::close(fd);
  }
  std::this_thread::sleep_for(1s);
  phase("random-bytes");

  for (const int fd : held) {
    ::close(fd);
  }
  std::this_thread::sleep_for(500ms);
  stop = true;
  prober.join();
  phase("closed");
  if (failures > 0) {
    broken(std::to_string(failures.load()) + " probes failed or exceeded " + std::to_string(bound_ms) + " ms");
  }
  if (daemon.stop() != 0) {
    broken("the daemon did not stop cleanly");
  }
  std::printf("socket_campaign OK: probes=%ld worst_ms=%.1f\n", probes.load(), worst.load());
  return 0;
}
