// Sending one SMS and knowing exactly what happened (issue 3).
//
// A gateway completes every send with one of five outcomes; classify.h holds
// the table that maps HTTP results onto them. What each outcome asks of the
// reminder engine:
//   Accepted             the provider took the message; store its id.
//   RetryLater           not sent, or refused for now; send again no sooner
//                        than `delay` (and the engine's own backoff).
//   OutcomeUnknown       the provider may have the message; resending may
//                        duplicate it. The engine's configured policy decides.
//   RejectedPermanently  this message will never be accepted (invalid number,
//                        sender, expired validity); do not retry it.
//   GatewayUnavailable   nothing can be sent through this gateway (credentials,
//                        credit, configuration): pause it and tell a person.
//
// Reasons are for people and logs: trimmed, at most ~200 bytes, anything that
// looks like a phone number masked, never credentials or the message text
// (classify.h, clean_reason).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/time.h"

namespace paminna::sms {

struct SmsRequest {
  std::string to_e164;           // "+46701234567"
  std::string sender;            // alphanumeric sender id or a number (checked by the domain)
  std::string text;              // UTF-8
  std::string client_reference;  // unique per reminder
  // Where the provider supports a validity period, the network drops the
  // message after this instant instead of delivering it late. Already past at
  // send time: RejectedPermanently without any request.
  std::optional<Instant> valid_until;
};

struct Accepted {
  std::string provider_message_id;
  friend bool operator==(const Accepted&, const Accepted&) = default;
};
struct RetryLater {
  Duration delay{0};  // the provider's Retry-After (capped at one day); 0 when it gave none
  std::string reason;
  friend bool operator==(const RetryLater&, const RetryLater&) = default;
};
struct OutcomeUnknown {
  std::string reason;
  friend bool operator==(const OutcomeUnknown&, const OutcomeUnknown&) = default;
};
struct RejectedPermanently {
  std::string reason;
  friend bool operator==(const RejectedPermanently&, const RejectedPermanently&) = default;
};
struct GatewayUnavailable {
  std::string reason;
  friend bool operator==(const GatewayUnavailable&, const GatewayUnavailable&) = default;
};

using SendOutcome = std::variant<Accepted, RetryLater, OutcomeUnknown, RejectedPermanently, GatewayUnavailable>;
// Called exactly once, on the io_context's thread, never from inside send();
// not at all if the gateway is destroyed first. Must not throw.
using SendCallback = std::function<void(SendOutcome)>;

// "accepted", "retry_later", "outcome_unknown", "rejected_permanently", "gateway_unavailable".
[[nodiscard]] std::string_view outcome_name(const SendOutcome& outcome);
// The reason (empty for Accepted).
[[nodiscard]] std::string_view outcome_reason(const SendOutcome& outcome);

// Wall time for validity periods and Retry-After dates; injectable for tests.
using WallNow = std::function<Instant()>;

class SmsGateway {
 public:
  virtual ~SmsGateway() = default;
  SmsGateway() = default;
  SmsGateway(const SmsGateway&) = delete;
  SmsGateway& operator=(const SmsGateway&) = delete;
  SmsGateway(SmsGateway&&) = delete;
  SmsGateway& operator=(SmsGateway&&) = delete;

  // Not thread-safe: call on the io_context's thread.
  virtual void send(SmsRequest request, SendCallback done) = 0;
  // "46elks", "twilio", or the generic gateway's configured name.
  [[nodiscard]] virtual std::string_view provider() const = 0;
};

}  // namespace paminna::sms
