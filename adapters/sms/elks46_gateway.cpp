#include "sms/elks46_gateway.h"

#include <nlohmann/json.hpp>

#include "http/form.h"
#include "sms/classify.h"

namespace paminna::sms {

Elks46Gateway::Elks46Gateway(http::Transport& transport, Elks46Config config)
    : HttpGateway(transport, config.http), config_(std::move(config)) {}

tl::expected<http::HttpRequest, SendOutcome> Elks46Gateway::build(const SmsRequest& request, Instant now) const {
  if (request.valid_until && !detail::remaining_validity(*request.valid_until, now)) {
    return tl::unexpected(RejectedPermanently{"validity ended before sending"});
  }
  http::FormFields fields = {{"from", request.sender}, {"to", request.to_e164}, {"message", request.text}};
  if (config_.dontlog) {
    fields.emplace_back("dontlog", "message");
  }
  http::HttpRequest out;
  out.method = http::Method::post;
  out.url = detail::join_url(config_.base_url, "/a1/sms");
  out.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  out.body = http::form_encode(fields);
  out.basic_auth = http::BasicAuth{config_.credentials.username, config_.credentials.password};
  return out;
}

SendOutcome Elks46Gateway::interpret(const http::HttpResult& result, Instant now) const {
  if (!result) {
    return classify_failure(result.error());
  }
  const http::HttpResponse& response = *result;
  if (response.status >= 200 && response.status < 300) {
    const auto json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (json.is_object()) {
      if (const auto id = json.find("id"); id != json.end() && id->is_string() && !id->get<std::string>().empty()) {
        return Accepted{id->get<std::string>()};
      }
    }
    return unparseable_success(response);
  }
  return classify_status(response, error_text(response.body), now);
}

}  // namespace paminna::sms
