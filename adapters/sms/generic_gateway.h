// A provider described by configuration, so an office can plug one in
// without new code: method, URL, headers and body are templates; a response
// rule says which statuses mean accepted / retry / rejected / unavailable and
// where the message id is (a JSON pointer, RFC 6901).
//
// Placeholders: {to} {from} {text} {reference} {valid_until} (RFC 3339 UTC,
// empty when none) {validity_seconds} (empty when none) {username}
// {password}. Each is escaped for where it stands:
//   url          percent-encoded
//   body, json   JSON string content (quote every placeholder: "{text}")
//   body, form   percent-encoded (e.g. to={to}&message={text})
//   headers      as is (for tokens: "Authorization: Bearer {password}")
// A `{` not followed by a lower-case name and `}` is literal, so JSON braces
// need no escaping. An unknown name is a configuration error.
//
// Statuses in none of the rule's lists follow classify.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "sms/credentials.h"
#include "sms/http_gateway.h"

namespace paminna::sms {

enum class BodyType { json, form, none };

struct StatusRange {
  int first = 0;
  int last = 0;  // inclusive
  [[nodiscard]] bool contains(int status) const { return status >= first && status <= last; }
};

struct GenericResponseRule {
  std::vector<StatusRange> accepted{{200, 299}};
  std::vector<StatusRange> retry;        // RetryLater, Retry-After honoured
  std::vector<StatusRange> rejected;     // RejectedPermanently
  std::vector<StatusRange> unavailable;  // GatewayUnavailable
  // Where the message id is in an accepted answer's JSON (string or number).
  // Empty: the provider returns none, and Accepted carries an empty id.
  std::string message_id_pointer = "/id";
  // Where the error text is in a JSON error answer; empty: the usual fields
  // (classify.h, error_text).
  std::string reason_pointer;
};

struct GenericConfig {
  std::string name = "generic";  // provider() and reasons
  http::Method method = http::Method::post;
  std::string url;
  http::Headers headers;  // Content-Type is added for json/form bodies unless given
  BodyType body_type = BodyType::json;
  std::string body_template;
  Credentials credentials;  // for {username} {password} and basic auth
  bool basic_auth = false;
  GenericResponseRule response;
  GatewayHttpOptions http;
};

// Every problem a config can have, named by its key ("url", "headers[2]",
// "body", "response.accepted[0]", ...); for the config loader.
[[nodiscard]] tl::expected<void, std::string> validate(const GenericConfig& config);

class GenericGateway final : public HttpGateway {
 public:
  // Fails with validate()'s message.
  [[nodiscard]] static tl::expected<std::unique_ptr<GenericGateway>, std::string> create(http::Transport& transport,
                                                                                         GenericConfig config);

  [[nodiscard]] std::string_view provider() const override { return config_.name; }
  [[nodiscard]] tl::expected<http::HttpRequest, SendOutcome> build(const SmsRequest& request,
                                                                   Instant now) const override;
  [[nodiscard]] SendOutcome interpret(const http::HttpResult& result, Instant now) const override;

 private:
  GenericGateway(http::Transport& transport, GenericConfig config);
  GenericConfig config_;
};

}  // namespace paminna::sms
