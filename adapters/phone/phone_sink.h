// Where the phone state is published (issue 6): a sink receives every change
// and makes it known to the phone system. State file and webhook live here; an
// Asterisk AMI or Teams adapter is another PhoneSink.
//
// Contract: publish() is called on the daemon's loop with the current state
// each time it changes (and once at start and after a reload). It never
// throws and never blocks on the network: a sink that cannot publish logs
// PHONE_PUBLISH_FAILED and, if it can, tries again on its own; the latest state
// always wins over an older one it has not delivered yet.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "domain/local_time.h"
#include "domain/phone_schedule.h"

namespace paminna::phone {

struct PhonePublication {
  nlohmann::json document;  // phone_document(): what the state file holds and the webhook posts
  std::string word;         // "open", "closed" or "internal": the dialplan's one word
};

// {status, reason, note, since_utc, since_local, next_change_utc, next_change_local,
//  next_status, next_reason, available_staff, holiday, office, updated_utc}; absent
// values are null. No personal data: staff appear by roster id (initials).
nlohmann::json phone_document(const PhoneState& state, const Zone& zone, const std::string& office, Instant updated);
PhonePublication make_publication(const PhoneState& state, const Zone& zone, const std::string& office,
                                  Instant updated);

class PhoneSink {
 public:
  virtual ~PhoneSink() = default;
  // For logs: "state_file /run/paminna/phone.json", "webhook https://pbx.example" (no credentials).
  [[nodiscard]] virtual std::string name() const = 0;
  virtual void publish(const PhonePublication& publication) = 0;
};

// scheme://host[:port] of a URL: safe to log (no user, password, path or query).
std::string url_origin(const std::string& url);

}  // namespace paminna::phone
