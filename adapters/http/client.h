// Limits for one remote service on top of a shared Transport: at most
// `max_in_flight` requests at once and a token-bucket rate; the rest wait in a
// FIFO queue. One Client per gateway, all sharing the daemon's Transport (one
// libcurl multi handle, one connection cache).
//
// Thread-safety: none; the io_context's thread only.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "http/http_types.h"
#include "http/transport.h"

namespace paminna::http {

// Steady time for the rate limit; injectable so tests need not sleep.
using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

struct ClientLimits {
  std::size_t max_in_flight = 4;  // at least 1
  double rate_per_second = 0.0;   // requests per second; <= 0: unlimited
  double burst = 1.0;             // requests that may start back to back
};

class Client {
 public:
  // `now` empty: std::chrono::steady_clock::now.
  Client(Transport& transport, ClientLimits limits, SteadyNow now = {});
  // Cancels requests in flight and drops queued ones; no callback is called.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&&) = delete;
  Client& operator=(Client&&) = delete;

  // Queues the request; it starts when the limits allow. `done` as for
  // Transport::start (never called from inside send()).
  void send(HttpRequest request, HttpCallback done);

  [[nodiscard]] std::size_t in_flight() const;
  [[nodiscard]] std::size_t queued() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace paminna::http
