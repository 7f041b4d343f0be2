// The development gateway: no network. Each message is appended as one JSON
// line to a local outbox file (owner-only, the developer's "phone") and logged
// with the number masked and without its text. Always accepts.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <filesystem>

#include "sms/sms_gateway.h"

namespace paminna::sms {

class ConsoleGateway final : public SmsGateway {
 public:
  // Throws std::runtime_error naming the file when the outbox cannot be created.
  ConsoleGateway(boost::asio::io_context& io, std::filesystem::path outbox, WallNow now);

  void send(SmsRequest request, SendCallback done) override;
  [[nodiscard]] std::string_view provider() const override { return "console"; }

 private:
  boost::asio::io_context& io_;
  std::filesystem::path outbox_;
  WallNow now_;
  std::uint64_t sent_ = 0;
};

}  // namespace paminna::sms
