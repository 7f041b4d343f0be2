// Waiting for what another process does on its own (a daemon's HTTP exchange
// with a mock, a webhook arriving): polling for an event, never for a timer
// of the code under test, which tests move with the fake clock instead.
#pragma once

#include <chrono>
#include <thread>

namespace paminna::test {

template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout = std::chrono::seconds{20}) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return done();
}

}  // namespace paminna::test
