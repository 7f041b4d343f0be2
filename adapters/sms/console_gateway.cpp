#include "sms/console_gateway.h"

#include <fcntl.h>
#include <unistd.h>
#include <boost/asio/post.hpp>

#include <cerrno>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <system_error>

#include "domain/local_time.h"
#include "domain/phone_number.h"
#include "log/events.h"

namespace paminna::sms {

namespace {

int open_outbox(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("console SMS outbox " + path.string() + ": " + std::generic_category().message(errno));
  }
  return fd;
}

}  // namespace

ConsoleGateway::ConsoleGateway(boost::asio::io_context& io, std::filesystem::path outbox, WallNow now)
    : io_(io), outbox_(std::move(outbox)), now_(std::move(now)) {
  ::close(open_outbox(outbox_));  // fail at start, not at the first reminder
}

void ConsoleGateway::send(SmsRequest request, SendCallback done) {
  const auto now = now_();
  SendOutcome outcome = Accepted{"console-" + std::to_string(++sent_)};
  if (request.valid_until && *request.valid_until <= now) {
    outcome = RejectedPermanently{"validity period already ended"};
  } else {
    const nlohmann::json line{{"at_utc", format_utc(now)},
                              {"to", request.to_e164},
                              {"from", request.sender},
                              {"reference", request.client_reference},
                              {"text", request.text}};
    const auto bytes = line.dump() + "\n";
    const int fd = open_outbox(outbox_);
    const auto written = ::write(fd, bytes.data(), bytes.size());
    ::close(fd);
    if (written != static_cast<ssize_t>(bytes.size())) {
      outcome = RetryLater{Duration{60}, "cannot write the console outbox"};
    } else {
      log::event(log::Event::SMS_CONSOLE_SENT, "to={} reference={} id={}", mask_phone(request.to_e164),
                 request.client_reference, std::get<Accepted>(outcome).provider_message_id);
    }
  }
  // Never complete from inside send() (sms_gateway.h).
  boost::asio::post(io_,
                    [done = std::move(done), outcome = std::move(outcome)]() mutable { done(std::move(outcome)); });
}

}  // namespace paminna::sms
