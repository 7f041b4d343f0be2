// THE classification of an HTTP exchange with an SMS provider (issue 3).
// Every gateway goes through these functions; provider files only add what
// the provider says in its own words (ids, error codes).
//
// | HTTP result                                          | outcome             | why                                       |
// |------------------------------------------------------|---------------------|-------------------------------------------|
// | failed before the request was sent: DNS, connect     | RetryLater (0)      | the provider cannot have it: safe         |
// |   refused, connect or TLS-handshake timeout          |                     |                                           |
// | failed before sending and cannot work as set up:     | GatewayUnavailable  | a person must fix the URL or the TLS      |
// |   bad URL, certificate fails verification            |                     |   certificate                             |
// | failed after the request was sent: timeout, reset,   | OutcomeUnknown      | the provider may have it (never re-sent   |
// |   garbage, a reused connection closed unanswered     |                     |   by the HTTP layer)                      |
// | 2xx with the provider's message id                   | Accepted(id)        |                                           |
// | 2xx that cannot be parsed or has no id               | OutcomeUnknown      | accepted, probably; no id to prove it     |
// | 429, provider throttling codes                       | RetryLater          | Retry-After (seconds or HTTP-date)        |
// | 503                                                  | RetryLater          | Retry-After honoured                      |
// | 408                                                  | RetryLater          | the server did not take the whole request |
// | 500, 502, 504 (and any other 5xx)                    | OutcomeUnknown      | it may have been accepted before failing  |
// | 401, 403, provider authentication codes              | GatewayUnavailable  | credentials: every send would fail        |
// | 402, provider "no credit" codes                      | GatewayUnavailable  | credit: every send would fail             |
// | 404, 405, 3xx                                        | GatewayUnavailable  | wrong base URL or path: every send would  |
// |                                                      |                     |   fail; not this message's fault          |
// | other 4xx (400, 422, ...)                            | RejectedPermanently | this message (number, sender, text); the  |
// |                                                      |                     |   provider's reason, numbers masked       |
// | anything else                                        | OutcomeUnknown      |                                           |
//
// Retry-After larger than one day is capped at one day; a date in the past is 0.
// Pure functions; `now` is wall time (only Retry-After dates use it).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/time.h"
#include "http/http_types.h"
#include "sms/sms_gateway.h"

namespace paminna::sms {

// Row 1–3: the request got no HTTP answer.
[[nodiscard]] SendOutcome classify_failure(const http::HttpFailure& failure);

// Rows for a status that is not the provider's success: `provider_reason` is
// the provider's own words (cleaned here). A 2xx passed here is "anything
// else" (OutcomeUnknown): success handling is the provider's.
[[nodiscard]] SendOutcome classify_status(const http::HttpResponse& response, std::string_view provider_reason,
                                          Instant now);

// RetryLater for a throttling answer, whatever its status.
[[nodiscard]] RetryLater throttled(const http::HttpResponse& response, std::string_view provider_reason, Instant now);

// A 2xx without a usable message id.
[[nodiscard]] OutcomeUnknown unparseable_success(const http::HttpResponse& response);

// Retry-After: delta-seconds or an HTTP-date (IMF-fixdate, RFC 850 or asctime
// form). nullopt if it is neither.
[[nodiscard]] std::optional<Duration> parse_retry_after(std::string_view value, Instant now);

// A provider's error text fit for a log line: HTML dropped, control
// characters and runs of blanks collapsed, anything with six or more digits
// (a phone number, spaced or dashed) replaced by "<number>", cut at ~200 bytes
// on a UTF-8 boundary.
[[nodiscard]] std::string clean_reason(std::string_view raw);

// The human part of an error body: for JSON the first string among "message",
// "error_message", "error.message", "error", "detail", "description",
// "title"; otherwise the body. Not cleaned.
[[nodiscard]] std::string error_text(std::string_view body);

}  // namespace paminna::sms
