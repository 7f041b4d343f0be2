// HTTP over one libcurl multi handle driven by an Asio io_context.
//
// libcurl's multi_socket API tells us which descriptors to watch
// (CURLMOPT_SOCKETFUNCTION) and when to wake it (CURLMOPT_TIMERFUNCTION); the
// io_context waits for readiness and calls curl_multi_socket_action. No thread
// per request, no blocking call on the loop (DNS runs in libcurl's own
// resolver thread). Connections are kept alive and reused across requests;
// HTTP/2 is used when a TLS server offers it.
//
// Failure kinds (http_types.h) are decided like this:
//   - `other`: libcurl refused the request itself (URL, scheme, option,
//     memory) or the server's TLS certificate failed verification.
//   - `before_send`: libcurl never reached the point of sending on a
//     connection (CURLOPT_PREREQFUNCTION never ran), or it did and not one
//     byte of the request was written.
//   - `after_send`: everything else, including a connection that was reused,
//     carried the request and died without an answer (see may_resend).
//
// Re-sent POSTs: libcurl (up to 8.x) silently re-sends a request on a fresh
// connection when a *reused* connection yields no byte of an answer — the
// classic keep-alive race, but also what a server crash after receiving the
// request looks like. CURLOPT_PREREQFUNCTION runs before every attempt; when
// an earlier attempt of a request with a body and without `may_resend` wrote
// anything (the body leaves with the headers), it aborts the new one, and the
// transfer is reported as `after_send`: the caller decides, nothing is sent
// twice behind its back. A request without a body (GET) is re-sent, visibly
// (HttpResponse::resent).
// To keep that case rare, idle connections are reused only for
// `max_idle_reuse` (CURLOPT_MAXAGE_CONN), below the keep-alive timeout of
// common servers.
//
// A body is handed to libcurl whole (CURLOPT_POSTFIELDS, with the method's
// name for PUT, PATCH and DELETE), so it goes out in the same write as the
// headers: one packet instead of two, 13 % less CPU per reminder in the
// dispatch benchmark (bench/README.md).
//
// Thread-safety: none. Construct, use and destroy on the thread that runs the
// io_context; callbacks run there. Destroy the Transport before the
// io_context.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "http/http_types.h"

namespace paminna::http {

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{5000};  // TCP + TLS handshake
  std::chrono::milliseconds total_timeout{15000};   // the whole exchange
  bool verify_tls = true;                           // peer certificate and host name
  std::string ca_file;                              // PEM bundle; empty: the system store
  // Idle connections older than this are not reused. Most servers close idle
  // connections after 5 s or more, so a request never races that close.
  std::chrono::seconds max_idle_reuse{4};
  // Connections kept open between requests. libcurl's default (four per
  // transfer under way) shrinks as a burst ends: with 16 requests at once,
  // each round of a dispatch closed connections it then opened again, a TCP
  // (and against a real gateway a TLS) handshake every ten requests.
  std::size_t max_idle_connections = 64;
  std::size_t max_response_bytes = std::size_t{1} << 20;  // larger answers fail (after_send)
  std::string user_agent = "paminna/" PAMINNA_VERSION;
};

using RequestId = std::uint64_t;

class Transport {
 public:
  // Calls curl_global_init (reference-counted and thread-safe in the libcurl
  // this project requires).
  explicit Transport(boost::asio::io_context& io, TransportOptions options = {});
  // Abandons requests in flight: their callbacks are not called.
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;
  Transport(Transport&&) = delete;
  Transport& operator=(Transport&&) = delete;

  // Starts the request; `done` runs later on the io_context with the response
  // or the failure. Never blocks and never calls `done` from inside start().
  RequestId start(HttpRequest request, HttpCallback done);
  // Stops a request in flight without calling its callback. False if it is
  // unknown or already completed.
  bool cancel(RequestId id);
  // Requests started and not yet completed or cancelled.
  [[nodiscard]] std::size_t active() const;
  [[nodiscard]] boost::asio::io_context& context() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace paminna::http
