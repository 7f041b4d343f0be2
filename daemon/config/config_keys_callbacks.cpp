// [callbacks]: voicemail callbacks and outgoing contact (R5, R8).
#include <toml++/toml.h>

#include <array>

#include "config/config_keys.h"
#include "config/config_values.h"

namespace paminna {

namespace {

using config::as_integer;
using config::as_seconds;
using config::as_string;

// NOLINTNEXTLINE(cert-err58-cpp): built from literals before main; a failed allocation there can only end the program
const std::array kCallbackKeys{
    ConfigKey{"callbacks.deadline_policy", "string", R"("24h")", "",
              "How a voicemail's callback deadline is counted (R5): \"24h\" = deadline_hours after the message; "
              "\"phone-hours\" = each 24 h lands on the next day with open phone hours (a message left Friday after "
              "closing is due at the same hour on the next open day).",
              [](Config& c, const toml::node& n) {
                auto policy = parse_deadline_policy(as_string(n, 16));
                if (!policy) {
                  throw ConfigValueError(policy.error());
                }
                c.callbacks.rules.policy = *policy;
              }},
    ConfigKey{"callbacks.deadline_hours", "integer", "24", "h", "Hours to call back a voicemail (R5: 24).",
              [](Config& c, const toml::node& n) {
                c.callbacks.rules.deadline_hours = static_cast<int>(as_integer(n, 1, 24 * 14));
              }},
    ConfigKey{"callbacks.warn_before", "integer", "120", "min",
              "CALLBACK_DUE_SOON (WARN) is logged this long before a task's deadline. 0: no warning.",
              [](Config& c, const toml::node& n) {
                c.callbacks.rules.warn_before = std::chrono::minutes{as_integer(n, 0, 24 * 60)};
              }},
    ConfigKey{"callbacks.repeat_every", "integer", "60", "min",
              "Due-soon and overdue lines are repeated at this interval, during phone hours only.",
              [](Config& c, const toml::node& n) {
                c.callbacks.rules.repeat_every = std::chrono::minutes{as_integer(n, 5, 24 * 60)};
              }},
    ConfigKey{"callbacks.letter_after_attempts", "integer", "3", "",
              "Outgoing contact: after this many attempts without reaching the person the letter is due (R8).",
              [](Config& c, const toml::node& n) {
                c.callbacks.rules.letter_after_attempts = static_cast<int>(as_integer(n, 1, 20));
              }},
    ConfigKey{"callbacks.give_up_after_days", "integer", "7", "days",
              "Outgoing contact: this long after opening without reaching the person the letter is due (R8).",
              [](Config& c, const toml::node& n) {
                c.callbacks.rules.give_up_after_days = static_cast<int>(as_integer(n, 1, 60));
              }},
    ConfigKey{"callbacks.thinking_days", "integer", "7", "days",
              "A person who wants to think it over stays pending at most this long (R8).",
              [](Config& c, const toml::node& n) {
                c.callbacks.rules.thinking_days = static_cast<int>(as_integer(n, 1, 60));
              }},
    ConfigKey{"callbacks.asterisk_spool", "path", R"("")", "",
              "An Asterisk voicemail box's folder (the one holding INBOX/, e.g. "
              "/var/spool/asterisk/voicemail/default/1000). The daemon needs read access. Empty: not watched.",
              [](Config& c, const toml::node& n) { c.callbacks.asterisk_spool = as_string(n, 512); }},
    ConfigKey{"callbacks.mailbox", "string", R"("")", "",
              "The watched mailbox's name as shown on tasks (\"1000@default\"). Empty: the folder's name.",
              [](Config& c, const toml::node& n) { c.callbacks.mailbox = as_string(n, 64); }},
    ConfigKey{"callbacks.rescan_every", "integer", "3600", "s",
              "Safety-net rescan of the spool folder; new messages are seen at once through inotify.",
              [](Config& c, const toml::node& n) { c.callbacks.rescan_every = as_seconds(n, 60, 86400); }},
};

}  // namespace

std::span<const ConfigKey> callback_config_keys() {
  return kCallbackKeys;
}

}  // namespace paminna
