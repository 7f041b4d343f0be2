// [reminders]: the day-before SMS (R1) and how failures are retried.
#include <fmt/format.h>

#include <toml++/toml.h>
#include <array>

#include "config/config_keys.h"
#include "config/config_values.h"
#include "domain/phone_schedule.h"

namespace paminna {

namespace {

using config::as_boolean;
using config::as_integer;
using config::as_string;

std::chrono::minutes time_of_day(const toml::node& node) {
  const auto text = as_string(node, 5);
  const auto parsed = parse_time_of_day(text);
  if (!parsed || parsed->count() >= 24 * 60) {
    throw ConfigValueError("must be a time of day HH:MM");
  }
  return *parsed;
}

// NOLINTNEXTLINE(cert-err58-cpp): built from literals before main; a failed allocation there can only end the program
const std::array kReminderKeys{
    ConfigKey{"reminders.send_at", "HH:MM", R"("10:00")", "local",
              "When the reminder goes out, the day before the visit (R1).",
              [](Config& c, const toml::node& n) { c.reminders.policy.send_at = time_of_day(n); }},
    ConfigKey{"reminders.window_start", "HH:MM", R"("08:00")", "local",
              "A booking made after send_at is reminded at once only inside the sending window.",
              [](Config& c, const toml::node& n) { c.reminders.policy.window_start = time_of_day(n); }},
    ConfigKey{"reminders.window_end", "HH:MM", R"("20:00")", "local", "End of the sending window.",
              [](Config& c, const toml::node& n) {
                c.reminders.policy.window_end = time_of_day(n);
                if (c.reminders.policy.window_end <= c.reminders.policy.window_start) {
                  throw ConfigValueError("must be after reminders.window_start");
                }
              }},
    ConfigKey{
        "reminders.min_lead_minutes", "integer", "120", "min",
        "A late booking is reminded at once only if the visit is further away than this.",
        [](Config& c, const toml::node& n) { c.reminders.policy.min_lead = Duration{60 * as_integer(n, 0, 24 * 60)}; }},
    ConfigKey{"reminders.protected_identity", "boolean", "false", "",
              "Whether clients with protected identity (and their guardians) get SMS reminders.",
              [](Config& c, const toml::node& n) { c.reminders.policy.allow_protected_identity = as_boolean(n); }},
    ConfigKey{"reminders.unknown_outcome", "string", R"("resend")", "",
              "When the gateway cannot say whether a message went out: resend (once, counted as a possible "
              "duplicate) or hold (for a person: paminnactl reminder resolve).",
              [](Config& c, const toml::node& n) {
                const auto policy = as_string(n, 8);
                if (policy == "resend") {
                  c.reminders.unknown_outcome = RemindersConfig::UnknownOutcome::resend;
                } else if (policy == "hold") {
                  c.reminders.unknown_outcome = RemindersConfig::UnknownOutcome::hold;
                } else {
                  throw ConfigValueError("must be resend or hold");
                }
              }},
    ConfigKey{"reminders.cancellation_sms", "boolean", "false", "",
              "Send an SMS when a visit whose reminder already went out is cancelled.",
              [](Config& c, const toml::node& n) { c.reminders.cancellation_sms = as_boolean(n); }},
    ConfigKey{"reminders.max_attempts", "integer", "20", "",
              "Attempts before a reminder is failed (a safety net: the visit time is the real bound; 20 attempts with "
              "the default backoff span about three and a half hours of gateway trouble).",
              [](Config& c, const toml::node& n) {
                c.reminders.backoff.max_attempts = static_cast<int>(as_integer(n, 1, 50));
              }},
    ConfigKey{"reminders.retry_base_seconds", "integer", "30", "s",
              "First retry after at most this long; doubles per attempt, with full jitter.",
              [](Config& c, const toml::node& n) { c.reminders.backoff.base = Duration{as_integer(n, 1, 3600)}; }},
    ConfigKey{"reminders.retry_cap_seconds", "integer", "1800", "s", "Longest wait between attempts.",
              [](Config& c, const toml::node& n) { c.reminders.backoff.cap = Duration{as_integer(n, 1, 86400)}; }},
    ConfigKey{"reminders.last_try_before_visit_minutes", "integer", "15", "min",
              "No attempt starts later than this before the visit.",
              [](Config& c, const toml::node& n) {
                c.reminders.backoff.before_visit = Duration{60 * as_integer(n, 0, 24 * 60)};
              }},
    // Small by default: a claim runs in one handler of the loop (about 30 us
    // a reminder), which every control request waits behind, and a crash
    // resends each claimed reminder not yet answered as a possible duplicate.
    // Once running, the dispatcher claims about half of it at a time, as
    // half is answered (a window, service/reminder_dispatcher.h). 32 keeps
    // the socket's p99 during a 100,000-reminder dispatch under 5 ms (a
    // window of 64 was no faster; with rounds, 64 gave 4.6-6.4 ms and 500
    // 26-29 ms), at thousands of times what an office sends; a request that
    // hangs until its timeout holds its place in the window as long
    // (bench/README.md).
    ConfigKey{
        "reminders.batch_size", "integer", "32", "",
        "Reminders claimed whose answers are not yet written, at most at once; a crash may resend those.",
        [](Config& c, const toml::node& n) { c.reminders.batch_size = static_cast<int>(as_integer(n, 1, 10000)); }},
    ConfigKey{"reminders.gateway_pause_seconds", "integer", "600", "s",
              "After the gateway refused credentials or credit, wait this long before one probe message.",
              [](Config& c, const toml::node& n) {
                c.reminders.gateway_pause = std::chrono::seconds{as_integer(n, 10, 86400)};
              }},
};

}  // namespace

std::span<const ConfigKey> reminder_config_keys() {
  return kReminderKeys;
}

}  // namespace paminna
