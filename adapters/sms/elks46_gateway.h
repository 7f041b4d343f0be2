// 46elks (https://46elks.se/docs/send-sms): a form-encoded POST to
// {base_url}/a1/sms with from, to, message, HTTP basic auth with the API
// username and password; the JSON answer's "id" is the message id.
//
// dontlog=message asks 46elks not to store the text (JO 494-2016: no more
// copies of a client message than needed). 46elks documents no validity
// period: a request whose valid_until has passed is not sent at all
// (RejectedPermanently), otherwise valid_until has no effect. 46elks has no
// field for our client reference either. Errors come as plain text; 402
// (insufficient credit) pauses the gateway (classify.h).
#pragma once

#include <string>

#include "sms/credentials.h"
#include "sms/http_gateway.h"

namespace paminna::sms {

struct Elks46Config {
  std::string base_url = "https://api.46elks.com";
  Credentials credentials;  // API username and password (load_credentials_file)
  bool dontlog = true;
  GatewayHttpOptions http;
};

class Elks46Gateway final : public HttpGateway {
 public:
  Elks46Gateway(http::Transport& transport, Elks46Config config);

  [[nodiscard]] std::string_view provider() const override { return "46elks"; }
  [[nodiscard]] tl::expected<http::HttpRequest, SendOutcome> build(const SmsRequest& request,
                                                                   Instant now) const override;
  [[nodiscard]] SendOutcome interpret(const http::HttpResult& result, Instant now) const override;

 private:
  Elks46Config config_;
};

}  // namespace paminna::sms
