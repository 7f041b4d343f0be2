// Twilio Programmable Messaging (Messages resource): a form-encoded POST to
// {base_url}/2010-04-01/Accounts/{AccountSid}/Messages.json with To, From,
// Body, basic auth AccountSid:AuthToken; the JSON answer's "sid" is the
// message id.
//
// valid_until becomes ValidityPeriod (seconds, 1..36000): Twilio drops a
// message still queued after it rather than deliver it late. More than ten
// hours away is sent as 36000 (it can only drop a message earlier, never
// deliver one late); already past: not sent (RejectedPermanently).
//
// Twilio's own error codes, where they say more than the status:
//   20003 (authentication)   GatewayUnavailable
//   20429 (too many requests) RetryLater, Retry-After honoured
// everything else follows classify.h, with "Twilio error <code>: <message>"
// (numbers masked) as the reason.
#pragma once

#include <string>

#include "sms/credentials.h"
#include "sms/http_gateway.h"

namespace paminna::sms {

struct TwilioConfig {
  std::string base_url = "https://api.twilio.com";
  Credentials credentials;  // username = Account SID, password = Auth Token
  GatewayHttpOptions http;
};

class TwilioGateway final : public HttpGateway {
 public:
  static constexpr Duration max_validity{36000};

  TwilioGateway(http::Transport& transport, TwilioConfig config);

  [[nodiscard]] std::string_view provider() const override { return "twilio"; }
  [[nodiscard]] tl::expected<http::HttpRequest, SendOutcome> build(const SmsRequest& request,
                                                                   Instant now) const override;
  [[nodiscard]] SendOutcome interpret(const http::HttpResult& result, Instant now) const override;

 private:
  TwilioConfig config_;
};

}  // namespace paminna::sms
