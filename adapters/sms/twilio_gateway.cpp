#include "sms/twilio_gateway.h"

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "http/form.h"
#include "sms/classify.h"

namespace paminna::sms {
namespace {

constexpr int authentication_error = 20003;
constexpr int too_many_requests = 20429;

}  // namespace

TwilioGateway::TwilioGateway(http::Transport& transport, TwilioConfig config)
    : HttpGateway(transport, config.http), config_(std::move(config)) {}

tl::expected<http::HttpRequest, SendOutcome> TwilioGateway::build(const SmsRequest& request, Instant now) const {
  http::FormFields fields = {{"To", request.to_e164}, {"From", request.sender}, {"Body", request.text}};
  if (request.valid_until) {
    const auto left = detail::remaining_validity(*request.valid_until, now);
    if (!left) {
      return tl::unexpected(RejectedPermanently{"validity ended before sending"});
    }
    fields.emplace_back("ValidityPeriod", std::to_string(std::min(*left, max_validity).count()));
  }
  http::HttpRequest out;
  out.method = http::Method::post;
  out.url =
      detail::join_url(config_.base_url,
                       "/2010-04-01/Accounts/" + http::percent_encode(config_.credentials.username) + "/Messages.json");
  out.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  out.body = http::form_encode(fields);
  out.basic_auth = http::BasicAuth{config_.credentials.username, config_.credentials.password};
  return out;
}

SendOutcome TwilioGateway::interpret(const http::HttpResult& result, Instant now) const {
  if (!result) {
    return classify_failure(result.error());
  }
  const http::HttpResponse& response = *result;
  const auto json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (response.status >= 200 && response.status < 300) {
    if (json.is_object()) {
      if (const auto sid = json.find("sid");
          sid != json.end() && sid->is_string() && !sid->get<std::string>().empty()) {
        return Accepted{sid->get<std::string>()};
      }
    }
    return unparseable_success(response);
  }
  // {"code": 21211, "message": "...", "more_info": "...", "status": 400}
  std::optional<int> code;
  std::string message = error_text(response.body);
  if (json.is_object()) {
    // Twilio's codes have at most five digits; anything longer could be a number the
    // gateway echoed back, so it is left out of the reason (and the log).
    if (const auto c = json.find("code"); c != json.end() && c->is_number_integer()) {
      if (const auto value = c->get<std::int64_t>(); value > 0 && value < 100000) {
        code = static_cast<int>(value);
      }
    }
  }
  // The code goes in after clean_reason has masked numbers in the message.
  const std::string reason =
      code ? "Twilio error " + std::to_string(*code) + ": " + clean_reason(message) : clean_reason(message);
  const std::string head = "HTTP " + std::to_string(response.status) + ", ";
  if (code == authentication_error) {
    return GatewayUnavailable{head + reason};
  }
  if (code == too_many_requests) {
    RetryLater later = throttled(response, {}, now);
    later.reason = head + reason;
    return later;
  }
  SendOutcome outcome = classify_status(response, {}, now);
  std::visit(
      [&](auto& o) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(o)>, Accepted>) {
          if (!reason.empty()) {
            o.reason += ", " + reason;
          }
        }
      },
      outcome);
  return outcome;
}

}  // namespace paminna::sms
