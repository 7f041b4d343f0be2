// Helpers shared by the SMS adapter tests: decode what the mock received,
// run one send to completion, a fixed wall clock.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "http/transport.h"
#include "sms/sms_gateway.h"
#include "support/form_decode.h"
#include "support/mock_http_server.h"

namespace paminna::sms {
// Readable failure messages: retry_later(12s): HTTP 429: ...
// NOLINTNEXTLINE(readability-identifier-naming): GoogleTest finds printers by this name.
inline void PrintTo(const SendOutcome& outcome, std::ostream* out) {
  *out << outcome_name(outcome);
  if (const auto* later = std::get_if<RetryLater>(&outcome)) {
    *out << "(" << later->delay.count() << "s)";
  }
  if (const auto* accepted = std::get_if<Accepted>(&outcome)) {
    *out << ": " << accepted->provider_message_id;
  } else {
    *out << ": " << outcome_reason(outcome);
  }
}
}  // namespace paminna::sms

namespace paminna::sms::testing {

// 2024-11-23 18:00:00 UTC: the evening before a Tuesday visit.
inline constexpr Instant fixed_now =
    Instant{std::chrono::sys_days{std::chrono::year{2024} / 11 / 23}} + std::chrono::hours{18};

// "تذكير: موعدك غدًا الساعة 10:00" — right-to-left, with a combining tanween.
inline constexpr std::string_view arabic_text =
    "\xd8\xaa\xd8\xb0\xd9\x83\xd9\x8a\xd8\xb1: \xd9\x85\xd9\x88\xd8\xb9\xd8\xaf\xd9\x83 "
    "\xd8\xba\xd8\xaf\xd9\x8b\xd8\xa7 \xd8\xa7\xd9\x84\xd8\xb3\xd8\xa7\xd8\xb9\xd8\xa9 10:00";

using test::decode_form;
using test::percent_decode;

inline SmsRequest sample_request() {
  SmsRequest request;
  request.to_e164 = "+46701234567";
  request.sender = "Mottagning";
  request.text = std::string{arabic_text};
  request.client_reference = "rem-42";
  return request;
}

class GatewayFixture : public ::testing::Test {
 protected:
  SendOutcome send(SmsGateway& gateway, SmsRequest request = sample_request()) {
    std::optional<SendOutcome> outcome;
    gateway.send(std::move(request), [&](SendOutcome o) { outcome = std::move(o); });
    EXPECT_FALSE(outcome.has_value()) << "called back from inside send()";
    EXPECT_TRUE(test::run_until(io, [&] { return outcome.has_value(); }));
    return outcome.value_or(OutcomeUnknown{"watchdog"});
  }

  WallNow fixed_clock() const {
    return [] { return fixed_now; };
  }

  test::MockHttpServer server;
  boost::asio::io_context io;
  http::Transport transport{io};
};

}  // namespace paminna::sms::testing
