// libcurl multi_socket on Asio. The rules followed here come from curl's
// multi_socket documentation (CURLMOPT_SOCKETFUNCTION, CURLMOPT_TIMERFUNCTION,
// curl_multi_socket_action), not from the withdrawn asiohiper.cpp example:
//
//  1. Descriptors belong to libcurl. We wrap each one in a stream_descriptor
//     only to wait on it, and when libcurl closes it
//     (CURLOPT_CLOSESOCKETFUNCTION) we release() it, never close() it.
//     CURL_POLL_REMOVE only ends our interest: libcurl sends it whenever a
//     kept-alive connection goes back to its cache, and registering the
//     descriptor with epoll again for the next request cost three system
//     calls per request. A descriptor we did not see opened
//     (CURLOPT_OPENSOCKETFUNCTION), such as the resolver's socket pair,
//     which libcurl closes without the close callback, is released at once.
//  2. Readiness waits are one-shot, so after every socket_action we re-arm the
//     directions libcurl still wants (it calls the socket callback only when
//     they change).
//  3. The timer callback only arms a timer; libcurl is called from the
//     timer's handler, never from inside one of its own callbacks.
//  4. curl_multi_info_read is drained after every socket_action.
//  5. Handlers hold a weak reference to the transport and a strong one to the
//     socket record, so a handler that runs after a descriptor was removed, or
//     after the transport was destroyed, does nothing (the use-after-free of
//     the old example).
#include "http/transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace paminna::http {
namespace {

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;

bool has_crlf(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string{text.substr(first, last - first + 1)};
}

// Replaces every occurrence of `secret` in `text`; a message must never show
// one. libcurl's messages do not contain credentials; this is a second line of
// defence. Secrets shorter than 4 bytes are left alone: masking every "u" or
// "p" would garble the message and such a secret protects nothing.
void scrub(std::string& text, const std::string& secret) {
  if (secret.size() < 4) {
    return;
  }
  for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
    text.replace(pos, secret.size(), "***");
    pos += 3;
  }
}

// libcurl errors where nothing was sent and sending again cannot help.
bool is_local_or_certificate_error(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_FAILED_INIT:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CIPHER:
      return true;
    default:
      return false;
  }
}

struct Transfer {
  RequestId id = 0;
  EasyPtr easy;
  SlistPtr header_list;
  HttpRequest request;
  HttpCallback done;
  HttpResponse response;
  std::size_t max_response_bytes = 0;
  int attempts = 0;  // CURLOPT_PREREQFUNCTION calls: a request was about to go out
  bool response_too_large = false;
  bool resend_refused = false;
  std::array<char, CURL_ERROR_SIZE> error{};
};

struct Socket {
  explicit Socket(boost::asio::io_context& io) : descriptor(io) {}
  boost::asio::posix::stream_descriptor descriptor;
  int what = 0;         // CURL_POLL_IN / OUT / INOUT; 0 while libcurl keeps the connection idle
  bool opened = false;  // opened through on_open_socket, so closed through on_close_socket
  bool reading = false;
  bool writing = false;
  bool removed = false;
};

// --- easy-handle callbacks (run inside libcurl calls: touch only the Transfer) ---

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  const std::string_view line{data, bytes};
  if (line.starts_with("HTTP/")) {
    // A new status line: an interim (1xx) response or a fresh attempt.
    t->response.headers.clear();
    return bytes;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return bytes;  // the blank line that ends the header block
  }
  std::string name = trim(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  t->response.headers.emplace_back(std::move(name), trim(line.substr(colon + 1)));
  return bytes;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (t->response.body.size() + bytes > t->max_response_bytes) {
    t->response_too_large = true;
    return 0;  // makes libcurl fail the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, bytes);
  return bytes;
}

// Called before each attempt to send the request on a connection. A second
// attempt is libcurl re-sending on a fresh connection after a reused one died
// (see transport.h). A body leaves in the same write as its headers, so once
// anything was written the server may have the request: it goes again only
// when the caller allowed it. A request without a body (a GET) is re-sent, as
// http_types.h promises.
int on_prereq(void* user, char* /*primary_ip*/, char* /*local_ip*/, int /*primary_port*/, int /*local_port*/) {
  auto* t = static_cast<Transfer*>(user);
  if (t->attempts > 0 && !t->request.body.empty() && !t->request.may_resend) {
    long written = 0;
    curl_easy_getinfo(t->easy.get(), CURLINFO_REQUEST_SIZE, &written);
    if (written > 0) {
      t->resend_refused = true;
      return CURL_PREREQFUNC_ABORT;
    }
  }
  ++t->attempts;
  return CURL_PREREQFUNC_OK;
}

}  // namespace

class Transport::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(boost::asio::io_context& io, TransportOptions options)
      : io_(io), options_(std::move(options)), timer_(io), multi_(curl_multi_init()) {
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(options_.max_idle_connections));
  }

  ~Impl() { shutdown(); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  Impl(Impl&&) = delete;
  Impl& operator=(Impl&&) = delete;

  RequestId start(HttpRequest request, HttpCallback done) {
    const RequestId id = ++last_id_;
    auto t = std::make_unique<Transfer>();
    t->id = id;
    t->request = std::move(request);
    t->done = std::move(done);
    t->max_response_bytes = options_.max_response_bytes;
    if (auto failure = configure(*t)) {
      fail_later(std::move(t->done), std::move(*failure));
      return id;
    }
    if (const CURLMcode rc = curl_multi_add_handle(multi_, t->easy.get()); rc != CURLM_OK) {
      fail_later(std::move(t->done), HttpFailure{FailureKind::other, 0, curl_multi_strerror(rc)});
      return id;
    }
    transfers_.emplace(id, std::move(t));
    return id;
  }

  bool cancel(RequestId id) {
    const auto it = transfers_.find(id);
    if (it == transfers_.end()) {
      return false;
    }
    curl_multi_remove_handle(multi_, it->second->easy.get());
    transfers_.erase(it);
    return true;
  }

  [[nodiscard]] std::size_t active() const { return transfers_.size(); }
  [[nodiscard]] boost::asio::io_context& context() const { return io_; }

  void shutdown() {
    if (multi_ == nullptr) {
      return;
    }
    for (auto& [id, t] : transfers_) {
      curl_multi_remove_handle(multi_, t->easy.get());
    }
    transfers_.clear();
    spare_easy_.clear();         // before ~Transport's curl_global_cleanup, even if a handler keeps this alive
    curl_multi_cleanup(multi_);  // closes cached connections (CURL_POLL_REMOVE / close callback)
    multi_ = nullptr;
    for (auto& [fd, socket] : sockets_) {
      release(*socket);
    }
    sockets_.clear();
    timer_.cancel();
  }

 private:
  // Returns a failure when the request cannot be handed to libcurl.
  std::optional<HttpFailure> configure(Transfer& t) {
    const HttpRequest& r = t.request;
    for (const auto& [name, value] : r.headers) {
      if (name.empty() || has_crlf(name) || has_crlf(value) || name.find(':') != std::string::npos) {
        return HttpFailure{FailureKind::other, 0, "invalid request header '" + trim(name) + "'"};
      }
    }
    if (spare_easy_.empty()) {
      t.easy.reset(curl_easy_init());
    } else {
      t.easy = std::move(spare_easy_.back());
      spare_easy_.pop_back();
      curl_easy_reset(t.easy.get());
    }
    if (!t.easy) {
      return HttpFailure{FailureKind::other, CURLE_FAILED_INIT, "curl_easy_init failed"};
    }
    CURL* e = t.easy.get();
    const auto ms = [](std::chrono::milliseconds d) { return static_cast<long>(d.count()); };
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error.data());
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);  // prefer multiplexing on an HTTP/2 connection being set up
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ms(r.connect_timeout.value_or(options_.connect_timeout)));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms(r.total_timeout.value_or(options_.total_timeout)));
    curl_easy_setopt(e, CURLOPT_MAXAGE_CONN, static_cast<long>(options_.max_idle_reuse.count()));
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_file.empty()) {
      curl_easy_setopt(e, CURLOPT_CAINFO, options_.ca_file.c_str());
    }
    curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, &on_prereq);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, &t);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Impl::on_open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, this);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &Impl::on_close_socket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
    if (r.basic_auth) {
      curl_easy_setopt(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
      curl_easy_setopt(e, CURLOPT_USERNAME, r.basic_auth->username.c_str());
      curl_easy_setopt(e, CURLOPT_PASSWORD, r.basic_auth->password.c_str());
    }

    curl_slist* list = nullptr;
    const auto add = [&list](const std::string& line) {
      curl_slist* grown = curl_slist_append(list, line.c_str());
      if (grown == nullptr) {
        return false;
      }
      list = grown;
      return true;
    };
    bool ok = add("Expect:");  // no 100-continue round trip for our small bodies
    for (const auto& [name, value] : r.headers) {
      // "Name;" is libcurl's way to send a header with an empty value.
      std::string line = name;
      if (value.empty()) {
        line += ';';
      } else {
        line += ": ";
        line += value;
      }
      ok = ok && add(line);
    }
    t.header_list.reset(list);
    if (!ok) {
      return HttpFailure{FailureKind::other, CURLE_OUT_OF_MEMORY, "out of memory"};
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);

    switch (r.method) {
      case Method::get:
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        break;
      case Method::put:
      case Method::post:
      case Method::patch:
      case Method::del:
        // The body given whole (not through a read callback): libcurl sends
        // it in the same write as the headers. A re-send is decided in
        // on_prereq.
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.request.body.data());
        if (r.method != Method::post) {
          curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, std::string{to_string(r.method)}.c_str());
        }
        break;
    }
    return std::nullopt;
  }

  void fail_later(HttpCallback done, HttpFailure failure) {
    boost::asio::post(io_, [done = std::move(done), failure = std::move(failure)]() mutable {
      done(tl::unexpected(std::move(failure)));
    });
  }

  // --- multi callbacks (run inside libcurl calls: no libcurl call from here) ---

  static int on_socket(CURL* /*easy*/, curl_socket_t fd, int what, void* user, void* /*socketp*/) {
    auto* self = static_cast<Impl*>(user);
    if (what == CURL_POLL_REMOVE) {
      const auto it = self->sockets_.find(fd);
      if (it != self->sockets_.end() && it->second->opened) {
        it->second->what = 0;  // a wait still out finds no interest and leaves libcurl alone
      } else {
        self->forget(fd);
      }
      return 0;
    }
    auto socket = self->watch(fd, false);
    if (!socket) {
      return -1;  // libcurl fails the transfers on this socket
    }
    socket->what = what;
    self->arm(fd, socket);
    return 0;
  }

  static curl_socket_t on_open_socket(void* user, curlsocktype /*purpose*/, curl_sockaddr* address) {
    auto* self = static_cast<Impl*>(user);
    const curl_socket_t fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd == CURL_SOCKET_BAD) {
      return fd;
    }
    // A descriptor closed behind our back would have left its number here;
    // the new socket must not inherit that registration.
    self->forget(fd);
    if (!self->watch(fd, true)) {
      ::close(fd);
      return CURL_SOCKET_BAD;
    }
    return fd;
  }

  // libcurl calls this after nearly every transfer step. Each re-arm of the
  // steady_timer is a timerfd_settime system call (a tenth of the dispatch
  // benchmark's time), so "now" is a post and an unchanged deadline is kept.
  static int on_timer(CURLM* /*multi*/, long timeout_ms, void* user) {
    auto* self = static_cast<Impl*>(user);
    if (timeout_ms < 0) {
      self->timer_armed_ = false;
      self->timer_.cancel();
      return 0;
    }
    if (timeout_ms == 0) {
      if (!self->timeout_posted_) {
        self->timeout_posted_ = true;
        boost::asio::post(self->io_, [weak = self->weak_from_this()] {
          if (auto impl = weak.lock()) {
            impl->timeout_posted_ = false;
            impl->socket_action(CURL_SOCKET_TIMEOUT, 0);
          }
        });
      }
      return 0;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds{timeout_ms};
    if (self->timer_armed_ && deadline >= self->timer_.expiry() &&
        deadline - self->timer_.expiry() < std::chrono::milliseconds{1}) {
      return 0;  // the wait already armed fires within a millisecond of this one
    }
    // Re-arming cancels the previous wait; its handler then sees operation_aborted.
    self->timer_armed_ = true;
    self->timer_.expires_at(deadline);
    self->timer_.async_wait([weak = self->weak_from_this()](const boost::system::error_code& ec) {
      if (ec) {
        return;
      }
      if (auto impl = weak.lock()) {
        impl->timer_armed_ = false;
        impl->socket_action(CURL_SOCKET_TIMEOUT, 0);
      }
    });
    return 0;
  }

  static int on_close_socket(void* user, curl_socket_t fd) {
    static_cast<Impl*>(user)->forget(fd);  // stop watching before the number can be reused
    return ::close(fd);
  }

  // --- the loop side ---

  static void release(Socket& socket) {
    socket.removed = true;
    socket.descriptor.release();  // cancels our waits; the descriptor stays libcurl's
  }

  // The record for `fd`, registered with the loop on first sight.
  std::shared_ptr<Socket> watch(curl_socket_t fd, bool opened) {
    auto& socket = sockets_[fd];
    if (!socket) {
      socket = std::make_shared<Socket>(io_);
      socket->opened = opened;
      boost::system::error_code ec;
      socket->descriptor.assign(fd, ec);
      if (ec) {
        sockets_.erase(fd);
        return nullptr;
      }
    }
    return socket;
  }

  void forget(curl_socket_t fd) {
    const auto it = sockets_.find(fd);
    if (it == sockets_.end()) {
      return;
    }
    release(*it->second);
    sockets_.erase(it);
  }

  void arm(curl_socket_t fd, const std::shared_ptr<Socket>& socket) {
    using boost::asio::posix::stream_descriptor;
    if ((socket->what & CURL_POLL_IN) != 0 && !socket->reading) {
      socket->reading = true;
      wait(fd, socket, stream_descriptor::wait_read);
    }
    if ((socket->what & CURL_POLL_OUT) != 0 && !socket->writing) {
      socket->writing = true;
      wait(fd, socket, stream_descriptor::wait_write);
    }
  }

  void wait(curl_socket_t fd, const std::shared_ptr<Socket>& socket,
            boost::asio::posix::stream_descriptor::wait_type type) {
    socket->descriptor.async_wait(
        type, [weak = weak_from_this(), socket, fd, type](const boost::system::error_code& ec) {
          const bool read = type == boost::asio::posix::stream_descriptor::wait_read;
          (read ? socket->reading : socket->writing) = false;
          if (socket->removed || ec == boost::asio::error::operation_aborted) {
            return;
          }
          if ((socket->what & (read ? CURL_POLL_IN : CURL_POLL_OUT)) == 0) {
            return;  // libcurl lost interest while this wait was out; arm() renews it when wanted
          }
          auto impl = weak.lock();
          if (!impl || impl->multi_ == nullptr) {
            return;
          }
          const int mask = ec ? CURL_CSELECT_ERR : (read ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
          impl->socket_action(fd, mask);
          // libcurl reports only changes of interest: if it still wants this
          // direction it says nothing, and the one-shot wait must be renewed.
          if (!socket->removed && impl->multi_ != nullptr) {
            impl->arm(fd, socket);
          }
        });
  }

  void socket_action(curl_socket_t fd, int mask) {
    if (multi_ == nullptr) {
      return;
    }
    int running = 0;
    curl_multi_socket_action(multi_, fd, mask, &running);
    drain();
  }

  void drain() {
    // Collect first: a callback may cancel or start transfers, which must not
    // happen while libcurl's message queue is being read.
    std::vector<std::pair<RequestId, CURLcode>> finished;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) {
        continue;
      }
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      if (t != nullptr) {
        finished.emplace_back(t->id, msg->data.result);
      }
    }
    for (const auto& [id, code] : finished) {
      if (multi_ == nullptr) {
        return;  // a callback destroyed the transport
      }
      const auto it = transfers_.find(id);
      if (it == transfers_.end()) {
        continue;  // cancelled by an earlier callback
      }
      std::unique_ptr<Transfer> t = std::move(it->second);
      transfers_.erase(it);
      curl_multi_remove_handle(multi_, t->easy.get());
      HttpResult result = outcome(*t, code);
      HttpCallback done = std::move(t->done);
      recycle(std::move(t->easy));
      t.reset();
      done(std::move(result));
    }
  }

  // A finished handle, kept for the next request: curl_easy_reset is cheaper
  // than curl_easy_cleanup and curl_easy_init (3 % of a dispatch's work).
  void recycle(EasyPtr easy) {
    if (easy && spare_easy_.size() < kSpareEasyHandles) {
      spare_easy_.push_back(std::move(easy));
    }
  }

  static HttpResult outcome(Transfer& t, CURLcode code) {
    long status = 0;
    curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
    if (code == CURLE_OK && status >= 100) {
      t.response.status = static_cast<int>(status);
      t.response.resent = t.attempts > 1;
      return std::move(t.response);
    }
    HttpFailure failure;
    failure.curl_code = static_cast<int>(code);
    long request_bytes = 0;
    curl_easy_getinfo(t.easy.get(), CURLINFO_REQUEST_SIZE, &request_bytes);
    if (t.resend_refused) {
      failure.kind = FailureKind::after_send;
      failure.message =
          "the reused connection closed without an answer after the request was sent; "
          "not sent again (the server may have received it)";
    } else if (t.response_too_large) {
      failure.kind = FailureKind::after_send;
      failure.message = "response larger than " + std::to_string(t.max_response_bytes) + " bytes";
    } else if (code == CURLE_OK) {
      // Seen with some libcurl versions when a re-send could not happen.
      failure.kind = FailureKind::after_send;
      failure.message = "connection closed without a response";
    } else {
      const bool nothing_sent = t.attempts == 0 || request_bytes == 0;
      if (!nothing_sent) {
        failure.kind = FailureKind::after_send;  // even "unsupported protocol": an HTTP/0.9 (garbage) answer
      } else if (is_local_or_certificate_error(code)) {
        failure.kind = FailureKind::other;
      } else {
        failure.kind = FailureKind::before_send;
      }
      failure.message = t.error[0] != '\0' ? std::string{t.error.data()} : std::string{curl_easy_strerror(code)};
    }
    if (t.request.basic_auth) {
      scrub(failure.message, t.request.basic_auth->password);
      scrub(failure.message, t.request.basic_auth->username);
    }
    return tl::unexpected(std::move(failure));
  }

  boost::asio::io_context& io_;
  TransportOptions options_;
  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;     // a wait on timer_ is outstanding
  bool timeout_posted_ = false;  // a "timeout now" is queued on the loop
  CURLM* multi_;
  RequestId last_id_ = 0;
  std::unordered_map<RequestId, std::unique_ptr<Transfer>> transfers_;
  std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets_;
  static constexpr std::size_t kSpareEasyHandles = 64;
  std::vector<EasyPtr> spare_easy_;
};

Transport::Transport(boost::asio::io_context& io, TransportOptions options) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  impl_ = std::make_shared<Impl>(io, std::move(options));
}

Transport::~Transport() {
  impl_->shutdown();
  impl_.reset();
  curl_global_cleanup();
}

RequestId Transport::start(HttpRequest request, HttpCallback done) {
  return impl_->start(std::move(request), std::move(done));
}

bool Transport::cancel(RequestId id) {
  return impl_->cancel(id);
}

std::size_t Transport::active() const {
  return impl_->active();
}

boost::asio::io_context& Transport::context() const {
  return impl_->context();
}

}  // namespace paminna::http
