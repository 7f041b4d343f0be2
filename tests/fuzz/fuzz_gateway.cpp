// SMS gateway response rules: arbitrary HTTP status, headers and body fed to
// each provider's interpret() (46elks, Twilio, the generic gateway with its
// configurable response rule) and to classify.h (Retry-After, clean_reason,
// error_text). Whatever a provider or a broken proxy answers, the outcome is
// one of the five, with a bounded reason that repeats no phone number.
//
// Input (text, so responses captured from a provider are valid seeds):
//   line 1    "<gateway> <status>"   gateway: 46elks, twilio, generic, failure
//   then      "name: value" header lines (names lower-cased as the transport does)
//             "@id: /json/pointer", "@reason: /json/pointer" set the generic rule
//             "@accepted|@retry|@rejected|@unavailable: first-last" add ranges
//   blank line, then the body.
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "http/transport.h"
#include "sms/classify.h"
#include "sms/elks46_gateway.h"
#include "sms/generic_gateway.h"
#include "sms/twilio_gateway.h"

namespace {

using namespace paminna;
using namespace paminna::sms;

// 2024-11-23 18:00:00 UTC.
constexpr Instant kNow = Instant{std::chrono::sys_days{std::chrono::year{2024} / 11 / 23}} + std::chrono::hours{18};
constexpr std::size_t kMaxReason = 400;  // clean_reason cuts at ~200 bytes, plus our own words

[[noreturn]] void fail(const char* what, std::string_view text) {
  std::fprintf(stderr, "fuzz_gateway: %s: %.*s\n", what, static_cast<int>(text.size()), text.data());
  std::abort();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

int to_int(std::string_view text) {
  int value = 0;
  (void)std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

StatusRange to_range(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) {
    const int status = to_int(text);
    return {status, status};
  }
  return {to_int(text.substr(0, dash)), to_int(text.substr(dash + 1))};
}

// Six or more digits with only blanks, dashes or parentheses between them:
// what reads like a phone number (clean_reason's definition).
bool has_long_digit_run(std::string_view text) {
  int digits = 0;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      if (++digits >= 6) {
        return true;
      }
    } else if (c != ' ' && c != '-' && c != '(' && c != ')') {
      digits = 0;
    }
  }
  return false;
}

void check(const SendOutcome& outcome, std::string_view input) {
  const auto reason = outcome_reason(outcome);
  if (outcome_name(outcome).empty() || reason.size() > kMaxReason) {
    fail("unnamed outcome or unbounded reason", input);
  }
  if (!std::holds_alternative<Accepted>(outcome) && has_long_digit_run(reason)) {
    fail("a reason repeats a number", std::string(reason));
  }
  if (const auto* later = std::get_if<RetryLater>(&outcome)) {
    if (later->delay < Duration{0} || later->delay > std::chrono::hours{24}) {
      fail("Retry-After outside [0, 1 day]", input);
    }
  }
}

struct Gateways {
  boost::asio::io_context io;
  http::Transport transport{io};
  Elks46Gateway elks{transport, Elks46Config{}};
  TwilioGateway twilio{transport, TwilioConfig{}};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Gateways* gateways = new Gateways;  // lives for the process, like the daemon's
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view rest = input;
  const auto first_end = rest.find('\n');
  const auto first = trim(rest.substr(0, first_end));
  rest = first_end == std::string_view::npos ? std::string_view{} : rest.substr(first_end + 1);
  const auto space = first.find(' ');
  const auto gateway = first.substr(0, space);
  http::HttpResponse response;
  // libcurl reports a three-digit status (0 when none was parsed).
  response.status = space == std::string_view::npos ? 0 : std::abs(to_int(first.substr(space + 1)) % 1000);

  GenericConfig generic;
  generic.url = "https://sms.example.net/v1/messages";
  generic.body_template = R"({"to": "{to}", "text": "{text}"})";
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const auto line = trim(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (line.empty()) {
      break;
    }
    const auto colon = line.find(':');
    std::string name(trim(line.substr(0, colon)));
    const auto value = colon == std::string_view::npos ? std::string_view{} : trim(line.substr(colon + 1));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name == "@id") {
      generic.response.message_id_pointer = value;
    } else if (name == "@reason") {
      generic.response.reason_pointer = value;
    } else if (name == "@accepted") {
      generic.response.accepted.push_back(to_range(value));
    } else if (name == "@retry") {
      generic.response.retry.push_back(to_range(value));
    } else if (name == "@rejected") {
      generic.response.rejected.push_back(to_range(value));
    } else if (name == "@unavailable") {
      generic.response.unavailable.push_back(to_range(value));
    } else {
      response.headers.emplace_back(std::move(name), std::string(value));
    }
  }
  response.body = std::string(rest);

  // classify.h directly, on every header value and the body.
  for (const auto& [name, value] : response.headers) {
    if (const auto delay = parse_retry_after(value, kNow)) {
      if (*delay < Duration{0} || *delay > std::chrono::hours{24}) {
        fail("parse_retry_after outside [0, 1 day]", value);
      }
    }
  }
  const auto cleaned = clean_reason(response.body);
  if (cleaned.size() > 220 || has_long_digit_run(cleaned)) {
    fail("clean_reason too long or with a number", cleaned);
  }
  (void)clean_reason(error_text(response.body));
  check(classify_status(response, response.body, kNow), input);

  const http::HttpResult result{response};
  if (gateway == "46elks") {
    check(gateways->elks.interpret(result, kNow), input);
  } else if (gateway == "twilio") {
    check(gateways->twilio.interpret(result, kNow), input);
  } else if (gateway == "generic") {
    auto created = GenericGateway::create(gateways->transport, std::move(generic));
    if (created) {
      check((*created)->interpret(result, kNow), input);
    }
  } else if (gateway == "failure") {
    const auto kind = static_cast<http::FailureKind>(static_cast<unsigned>(response.status) % 3);
    check(classify_failure(http::HttpFailure{kind, response.status, response.body}), input);
  } else {
    check(gateways->elks.interpret(result, kNow), input);
    check(gateways->twilio.interpret(result, kNow), input);
  }
  return 0;
}
