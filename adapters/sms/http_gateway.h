// What the HTTP gateways share: per-gateway limits on the daemon's Transport,
// the send path (build a request, send it, classify the answer) and the
// injectable clocks. A provider file supplies build() and interpret(), both
// pure so tests can check them without a network.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <tl/expected.hpp>

#include "http/client.h"
#include "http/transport.h"
#include "sms/sms_gateway.h"

namespace paminna::sms {

struct GatewayHttpOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{15000};
  http::ClientLimits limits;   // concurrency and rate towards this provider
  WallNow wall_now;            // empty: the system clock
  http::SteadyNow steady_now;  // empty: std::chrono::steady_clock
};

class HttpGateway : public SmsGateway {
 public:
  ~HttpGateway() override;
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;
  HttpGateway(HttpGateway&&) = delete;
  HttpGateway& operator=(HttpGateway&&) = delete;

  void send(SmsRequest request, SendCallback done) final;

  // The request for one SMS, or the outcome when none may be sent (e.g. its
  // validity already ended).
  [[nodiscard]] virtual tl::expected<http::HttpRequest, SendOutcome> build(const SmsRequest& request,
                                                                           Instant now) const = 0;
  // The outcome of one exchange (classify.h plus the provider's own words).
  [[nodiscard]] virtual SendOutcome interpret(const http::HttpResult& result, Instant now) const = 0;

 protected:
  HttpGateway(http::Transport& transport, const GatewayHttpOptions& options);
  [[nodiscard]] Instant now() const;

 private:
  http::Transport& transport_;
  GatewayHttpOptions options_;
  http::Client client_;
  // Cleared on destruction: a completion posted without a request (send()
  // refused it) then does not run.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

namespace detail {
// "https://api.example.com/" + "/a1/sms" without a doubled slash.
[[nodiscard]] std::string join_url(std::string_view base, std::string_view path);
// Seconds from `now` until `valid_until`, or nullopt if it has passed.
[[nodiscard]] std::optional<Duration> remaining_validity(Instant valid_until, Instant now);
}  // namespace detail

}  // namespace paminna::sms
