#include "phone/webhook_sink.h"

#include <algorithm>

#include "log/events.h"

namespace paminna::phone {

std::shared_ptr<WebhookSink> WebhookSink::create(std::string url, std::unique_ptr<HttpPoster> poster, RetryTimer timer,
                                                 std::chrono::seconds retry_max) {
  return std::shared_ptr<WebhookSink>(new WebhookSink(std::move(url), std::move(poster), std::move(timer), retry_max));
}

WebhookSink::WebhookSink(std::string url, std::unique_ptr<HttpPoster> poster, RetryTimer timer,
                         std::chrono::seconds retry_max)
    : url_(std::move(url)), poster_(std::move(poster)), timer_(std::move(timer)), retry_max_(retry_max) {}

WebhookSink::~WebhookSink() {
  if (retry_armed_) {
    timer_.cancel();
  }
}

std::string WebhookSink::name() const {
  return "webhook " + url_origin(url_);
}

void WebhookSink::publish(const PhonePublication& publication) {
  waiting_ = publication;
  if (in_flight_) {
    return;  // sent when the current attempt ends
  }
  if (retry_armed_) {
    retry_armed_ = false;
    timer_.cancel();
  }
  send();
}

void WebhookSink::send() {
  auto publication = std::move(*waiting_);
  waiting_.reset();
  in_flight_ = true;
  auto body = publication.document.dump();
  std::weak_ptr<WebhookSink> weak = weak_from_this();
  poster_->post(url_, std::move(body),
                [weak, sent = std::move(publication)](const tl::expected<void, std::string>& result) mutable {
                  if (auto self = weak.lock()) {
                    self->on_result(result, std::move(sent));
                  }
                });
}

void WebhookSink::on_result(const tl::expected<void, std::string>& result, PhonePublication sent) {
  in_flight_ = false;
  if (result) {
    if (failures_ > 0) {
      log::event(log::Event::PHONE_PUBLISH_RECOVERED, "sink=webhook url={} status={} attempts={}", url_origin(url_),
                 sent.word, failures_ + 1);
    }
    failures_ = 0;
    if (waiting_) {
      send();
    }
    return;
  }
  ++failures_;
  if (failures_ == 1) {
    log::event(log::Event::PHONE_PUBLISH_FAILED, "sink=webhook url={} status={} error=\"{}\" retry=backoff",
               url_origin(url_), sent.word, result.error());
  } else {
    spdlog::debug("webhook attempt {} failed: {}", failures_, result.error());
  }
  if (!waiting_) {
    // Nothing newer arrived: this state is still the one to deliver.
    waiting_ = std::move(sent);
  } else {
    send();  // a newer state replaces the failed one; it goes now
    return;
  }
  const auto exponent = std::min(failures_ - 1, 16);
  const auto delay = std::min<std::chrono::seconds>(first_retry * (1LL << exponent), retry_max_);
  retry_armed_ = true;
  std::weak_ptr<WebhookSink> weak = weak_from_this();
  timer_.arm(delay, [weak] {
    if (auto self = weak.lock()) {
      self->retry_armed_ = false;
      if (!self->in_flight_ && self->waiting_) {
        self->send();
      }
    }
  });
}

}  // namespace paminna::phone
