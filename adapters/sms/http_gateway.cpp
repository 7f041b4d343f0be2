#include "sms/http_gateway.h"

#include <boost/asio/post.hpp>

namespace paminna::sms {

HttpGateway::HttpGateway(http::Transport& transport, const GatewayHttpOptions& options)
    : transport_(transport), options_(options), client_(transport, options.limits, options.steady_now) {}

HttpGateway::~HttpGateway() {
  *alive_ = false;
}

Instant HttpGateway::now() const {
  if (options_.wall_now) {
    return options_.wall_now();
  }
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

void HttpGateway::send(SmsRequest request, SendCallback done) {
  auto built = build(request, now());
  if (!built) {
    // Never call back from inside send(): the caller may hold locks or be
    // half-way through bookkeeping.
    boost::asio::post(transport_.context(),
                      [alive = alive_, done = std::move(done), outcome = std::move(built.error())]() mutable {
                        if (*alive) {
                          done(std::move(outcome));
                        }
                      });
    return;
  }
  built->connect_timeout = options_.connect_timeout;
  built->total_timeout = options_.total_timeout;
  // The client (a member) drops this callback if the gateway is destroyed, so
  // `this` outlives every call of it.
  client_.send(std::move(*built),
               [this, done = std::move(done)](const http::HttpResult& result) { done(interpret(result, now())); });
}

namespace detail {

std::string join_url(std::string_view base, std::string_view path) {
  while (base.ends_with('/')) {
    base.remove_suffix(1);
  }
  std::string url{base};
  if (!path.starts_with('/')) {
    url.push_back('/');
  }
  url += path;
  return url;
}

std::optional<Duration> remaining_validity(Instant valid_until, Instant now) {
  if (valid_until <= now) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<Duration>(valid_until - now);
}

}  // namespace detail
}  // namespace paminna::sms
