// HttpPoster over the shared HTTP layer (adapters/http): a JSON POST that
// succeeds on a 2xx answer. A POST of the whole current state is idempotent,
// so a re-send is allowed (may_resend).
#pragma once

#include <memory>
#include <optional>

#include "http/transport.h"
#include "phone/webhook_sink.h"

namespace paminna::phone {

class TransportPoster final : public HttpPoster {
 public:
  // `transport` must outlive this poster (its callbacks are dropped with it).
  explicit TransportPoster(http::Transport& transport) : transport_(transport) {}
  ~TransportPoster() override;
  TransportPoster(const TransportPoster&) = delete;
  TransportPoster& operator=(const TransportPoster&) = delete;
  void post(const std::string& url, std::string json_body, Done done) override;

 private:
  http::Transport& transport_;
  std::optional<http::RequestId> active_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace paminna::phone
