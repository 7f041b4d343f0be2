// Vocabulary of the HTTP layer: one request, its response, or why there is none.
//
// The failure kinds answer the only question a sender of non-idempotent
// requests (an SMS) must ask after a failure: *could the server have received
// the request?*  See transport.h for how each kind is decided.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace paminna::http {

enum class Method { get, post, put, patch, del };

using Header = std::pair<std::string, std::string>;
using Headers = std::vector<Header>;

struct BasicAuth {
  std::string username;
  std::string password;
};

struct HttpRequest {
  Method method = Method::get;
  std::string url;  // http:// or https:// only; redirects are never followed
  // Sent as given. A name or value containing CR or LF is refused (kind `other`).
  Headers headers;
  // Sent with a Content-Length, never chunked. Ignored for GET.
  std::string body;
  std::optional<BasicAuth> basic_auth;
  // Unset: the transport's defaults (TransportOptions).
  std::optional<std::chrono::milliseconds> connect_timeout;
  std::optional<std::chrono::milliseconds> total_timeout;
  // libcurl re-sends a request on a fresh connection when a reused connection
  // dies before any byte of the answer arrived. For a request with a body this
  // is refused unless may_resend is set (the request is idempotent): the
  // failure is then reported as `after_send` instead. A request without a body
  // (GET) is always re-sent by libcurl; HttpResponse::resent says so.
  bool may_resend = false;
};

struct HttpResponse {
  int status = 0;
  Headers headers;  // names lower-case, values trimmed, in arrival order (final response only)
  std::string body;
  // libcurl sent the request more than once (a reused connection died first).
  bool resent = false;

  // First header with this name; `lower_name` must be lower-case.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) {
        return std::string_view{value};
      }
    }
    return std::nullopt;
  }
};

enum class FailureKind {
  // Nothing of the request left this host (DNS failure, connection refused,
  // connect or TLS-handshake timeout): sending again is safe.
  before_send,
  // The request, or part of it, was written to the server and no complete
  // answer came back (timeout, reset, garbage, a reused connection that died):
  // the server may have acted on it.
  after_send,
  // Not a network failure and nothing was sent: a malformed URL, an
  // unsupported scheme, a TLS certificate that fails verification, a bad
  // header, out of memory. Sending again without a change will fail again.
  other,
};

struct HttpFailure {
  FailureKind kind = FailureKind::other;
  int curl_code = 0;  // CURLcode, 0 when the failure is not libcurl's
  // For people: never contains credentials, the request body or its headers.
  std::string message;
};

using HttpResult = tl::expected<HttpResponse, HttpFailure>;
// Invoked exactly once per started request unless it is cancelled or its
// transport is destroyed first; never from inside the call that started it.
// Must not throw (it runs inside an Asio handler).
using HttpCallback = std::function<void(HttpResult)>;

[[nodiscard]] constexpr std::string_view to_string(FailureKind kind) {
  switch (kind) {
    case FailureKind::before_send:
      return "before_send";
    case FailureKind::after_send:
      return "after_send";
    case FailureKind::other:
      return "other";
  }
  return "other";
}

[[nodiscard]] constexpr std::string_view to_string(Method method) {
  switch (method) {
    case Method::get:
      return "GET";
    case Method::post:
      return "POST";
    case Method::put:
      return "PUT";
    case Method::patch:
      return "PATCH";
    case Method::del:
      return "DELETE";
  }
  return "GET";
}

}  // namespace paminna::http
