// Publishes the phone state by HTTP POST of its JSON document to a URL
// (phone.webhook_url), retried until it gets through.
//
// Delivery
//  1. At most one POST is in flight. A state published meanwhile waits; only
//     the newest waiting state is kept (the latest state wins).
//  2. A failure (no answer, or a status other than 2xx) schedules the next
//     attempt after 5 s, doubling up to `retry_max`; a newer state published
//     while waiting is sent at once and replaces the waiting one.
//  3. The first failure of a run logs PHONE_PUBLISH_FAILED (warn), each later
//     one at debug with its attempt number; the first success after failures
//     logs PHONE_PUBLISH_RECOVERED.
// Waiting uses the daemon's scheduler (RetryTimer) so tests move time with the
// fake clock. Loop thread only. The URL is logged as its origin only.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "phone/phone_sink.h"

namespace paminna::phone {

// The transport a webhook needs: one POST of a JSON body. `done` is called
// exactly once, later on the loop (never from inside post()), unless the
// poster is destroyed first. An error is a message for the log.
class HttpPoster {
 public:
  using Done = std::function<void(tl::expected<void, std::string>)>;
  virtual ~HttpPoster() = default;
  virtual void post(const std::string& url, std::string json_body, Done done) = 0;
};

// The scheduler seen from a sink: one deadline, armed again replaces it. A
// span, not a wall time, so a clock set back does not stretch the backoff.
struct RetryTimer {
  std::function<void(std::chrono::seconds after, std::function<void()> task)> arm;
  std::function<void()> cancel;
};

class WebhookSink final : public PhoneSink, public std::enable_shared_from_this<WebhookSink> {
 public:
  static constexpr std::chrono::seconds first_retry{5};

  static std::shared_ptr<WebhookSink> create(std::string url, std::unique_ptr<HttpPoster> poster, RetryTimer timer,
                                             std::chrono::seconds retry_max);
  ~WebhookSink() override;
  WebhookSink(const WebhookSink&) = delete;
  WebhookSink& operator=(const WebhookSink&) = delete;

  [[nodiscard]] std::string name() const override;
  void publish(const PhonePublication& publication) override;

  [[nodiscard]] int failures() const { return failures_; }  // since the last success
  [[nodiscard]] bool in_flight() const { return in_flight_; }
  [[nodiscard]] bool waiting() const { return waiting_.has_value(); }

 private:
  WebhookSink(std::string url, std::unique_ptr<HttpPoster> poster, RetryTimer timer, std::chrono::seconds retry_max);
  void send();
  void on_result(const tl::expected<void, std::string>& result, PhonePublication sent);

  std::string url_;
  std::unique_ptr<HttpPoster> poster_;
  RetryTimer timer_;
  std::chrono::seconds retry_max_;
  std::optional<PhonePublication> waiting_;  // the newest state not yet delivered and not in flight
  bool in_flight_ = false;
  bool retry_armed_ = false;
  int failures_ = 0;
};

}  // namespace paminna::phone
