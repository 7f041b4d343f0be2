#include "http/client.h"

#include <algorithm>
#include <deque>
#include <unordered_set>
#include <utility>

#include <boost/asio/steady_timer.hpp>

#include "http/token_bucket.h"

namespace paminna::http {

struct Client::State : std::enable_shared_from_this<Client::State> {
  State(Transport& t, ClientLimits l, SteadyNow n)
      : transport(t),
        limits(l),
        now(n ? std::move(n) : SteadyNow{[] { return std::chrono::steady_clock::now(); }}),
        bucket(l.rate_per_second, l.burst, now()),
        timer(t.context()) {
    limits.max_in_flight = std::max<std::size_t>(1, limits.max_in_flight);
  }

  struct Pending {
    HttpRequest request;
    HttpCallback done;
  };

  Transport& transport;
  ClientLimits limits;
  SteadyNow now;
  TokenBucket bucket;
  boost::asio::steady_timer timer;
  bool timer_armed = false;
  bool closed = false;
  std::deque<Pending> queue;
  std::unordered_set<RequestId> running;

  void pump() {
    while (!closed && !queue.empty() && running.size() < limits.max_in_flight) {
      const auto t = now();
      if (!bucket.try_take(t)) {
        wait_for_token(bucket.time_until_token(t));
        return;
      }
      Pending next = std::move(queue.front());
      queue.pop_front();
      // start() never calls back synchronously, so the id is recorded before
      // the completion can look for it.
      auto id = std::make_shared<RequestId>(0);
      *id = transport.start(std::move(next.request),
                            [weak = weak_from_this(), id, done = std::move(next.done)](HttpResult result) {
                              auto self = weak.lock();
                              if (!self) {
                                return;
                              }
                              self->running.erase(*id);
                              done(std::move(result));
                              self->pump();  // `closed` stops it if the callback destroyed the Client
                            });
      running.insert(*id);
    }
  }

  void wait_for_token(std::chrono::nanoseconds wait) {
    if (timer_armed) {
      return;
    }
    timer_armed = true;
    // At least a millisecond: with an injected clock that does not move, this
    // polls instead of spinning.
    timer.expires_after(std::max<std::chrono::nanoseconds>(wait, std::chrono::milliseconds{1}));
    timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!self) {
        return;
      }
      self->timer_armed = false;
      if (!ec) {
        self->pump();
      }
    });
  }
};

Client::Client(Transport& transport, ClientLimits limits, SteadyNow now)
    : state_(std::make_shared<State>(transport, limits, std::move(now))) {}

Client::~Client() {
  state_->closed = true;
  for (const RequestId id : state_->running) {
    state_->transport.cancel(id);
  }
  state_->running.clear();
  state_->queue.clear();
  state_->timer.cancel();
}

void Client::send(HttpRequest request, HttpCallback done) {
  state_->queue.push_back(State::Pending{std::move(request), std::move(done)});
  state_->pump();
}

std::size_t Client::in_flight() const {
  return state_->running.size();
}

std::size_t Client::queued() const {
  return state_->queue.size();
}

}  // namespace paminna::http
