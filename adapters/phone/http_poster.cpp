#include "phone/http_poster.h"

#include <fmt/format.h>

namespace paminna::phone {

TransportPoster::~TransportPoster() {
  *alive_ = false;
  if (active_) {
    transport_.cancel(*active_);
  }
}

void TransportPoster::post(const std::string& url, std::string json_body, Done done) {
  http::HttpRequest request;
  request.method = http::Method::post;
  request.url = url;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = std::move(json_body);
  request.may_resend = true;  // the whole state, not an action: receiving it twice is harmless
  std::weak_ptr<bool> alive = alive_;
  active_ = transport_.start(std::move(request), [this, alive, done = std::move(done)](http::HttpResult result) {
    if (alive.expired()) {
      return;
    }
    active_.reset();
    if (!result) {
      done(tl::unexpected(fmt::format("{} ({})", result.error().message, to_string(result.error().kind))));
    } else if (result->status < 200 || result->status > 299) {
      done(tl::unexpected(fmt::format("HTTP status {}", result->status)));
    } else {
      done({});
    }
  });
}

}  // namespace paminna::phone
