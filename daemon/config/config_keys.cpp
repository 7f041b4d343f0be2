#include "config/config_keys.h"

#include <toml++/toml.h>
#include <algorithm>
#include <array>
#include <cctype>

#include "config/config_values.h"
#include "config/phone_config.h"
#include "domain/local_time.h"
#include "domain/phone_number.h"

namespace paminna {

namespace {

using config::as_integer;
using config::as_seconds;
using config::as_string;

std::filesystem::path as_path(const toml::node& node) {
  auto text = as_string(node, 512);
  if (text.empty()) {
    throw ConfigValueError("must not be empty");
  }
  return text;
}

// NOLINTNEXTLINE(cert-err58-cpp): built from literals before main; a failed allocation there can only end the program
const std::array kKeys{
    ConfigKey{"office.name", "string", R"("Stödcentrum")", "", "The office's name, for people reading status output.",
              [](Config& c, const toml::node& n) { c.office.name = as_string(n, 200); }},
    ConfigKey{"office.timezone", "string", R"("Europe/Stockholm")", "",
              "IANA time zone of the office. Local times in requests and texts are in this zone.",
              [](Config& c, const toml::node& n) {
                auto name = as_string(n, 100);
                try {
                  Zone{name};
                } catch (const std::invalid_argument& e) {
                  throw ConfigValueError(e.what());
                }
                c.office.timezone = std::move(name);
              }},
    ConfigKey{"office.region", "string", R"("SE")", "",
              "ISO 3166 country code used for phone numbers typed without a country code.",
              [](Config& c, const toml::node& n) {
                auto region = as_string(n, 2);
                if (region.size() != 2 || !std::isupper(static_cast<unsigned char>(region[0])) ||
                    !std::isupper(static_cast<unsigned char>(region[1]))) {
                  throw ConfigValueError("must be a two-letter country code such as \"SE\"");
                }
                c.office.region = std::move(region);
              }},
    ConfigKey{"office.phone", "string", R"("")", "",
              "The office's phone number as written in texts to clients (\"040-123 45 67\"). Empty: none.",
              [](Config& c, const toml::node& n) {
                auto phone = as_string(n, 40);
                if (!phone.empty() && !parse_phone_number(phone, c.office.region.empty() ? "SE" : c.office.region)) {
                  throw ConfigValueError("is not a valid phone number");
                }
                c.office.phone = std::move(phone);
              }},
    ConfigKey{"daemon.database", "path", R"("paminna-local/paminna.db")", "",
              "SQLite database file. Its folder is created owner-only if missing. Takes effect at start.",
              [](Config& c, const toml::node& n) { c.daemon.database = as_path(n); }},
    ConfigKey{"daemon.socket", "path", R"("paminna-local/control.sock")", "",
              "Control socket path (ignored when systemd passes a socket). Its folder must not be "
              "accessible to others. Takes effect at start.",
              [](Config& c, const toml::node& n) {
                auto path = as_path(n);
                if (path.native().size() > 100) {
                  throw ConfigValueError("is too long for a UNIX socket path (at most 100 bytes)");
                }
                c.daemon.socket = std::move(path);
              }},
    ConfigKey{"daemon.socket_group", "string", R"("")", "",
              "Group that may use the control socket (mode 0660). Empty: the daemon's own group.",
              [](Config& c, const toml::node& n) {
                auto group = as_string(n, 32);
                // Only the name's shape here: the group is looked up when the socket is made, so a file
                // can be checked on a machine where the package has not created it yet.
                if (!std::all_of(group.begin(), group.end(), [](char ch) {
                      return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == '-';
                    })) {
                  throw ConfigValueError("must be a group name (letters, digits, _ and -)");
                }
                c.daemon.socket_group = std::move(group);
              }},
    ConfigKey{
        "daemon.busy_timeout_ms", "integer", "5000", "ms",
        "How long a database write waits for another process's lock before failing.",
        [](Config& c, const toml::node& n) { c.daemon.busy_timeout_ms = static_cast<int>(as_integer(n, 0, 600000)); }},
    ConfigKey{"control.max_connections", "integer", "256", "",
              "Concurrent control connections; one more is answered with an error and closed.",
              [](Config& c, const toml::node& n) {
                c.control.max_connections = static_cast<std::size_t>(as_integer(n, 1, 10000));
              }},
    ConfigKey{"control.max_line_bytes", "integer", "1048576", "bytes",
              "Longest request line; a longer one is answered with an error and the connection closed.",
              [](Config& c, const toml::node& n) {
                c.control.max_line_bytes = static_cast<std::size_t>(as_integer(n, 1024, 64 << 20));
              }},
    ConfigKey{"control.idle_timeout", "integer", "60", "s", "A connection that sends nothing for this long is closed.",
              [](Config& c, const toml::node& n) { c.control.idle_timeout = as_seconds(n, 1, 86400); }},
    ConfigKey{"control.max_output_bytes", "integer", "16777216", "bytes",
              "Replies queued for a client that does not read; past this the connection is closed.",
              [](Config& c, const toml::node& n) {
                c.control.max_output_bytes = static_cast<std::size_t>(as_integer(n, 65536, 1 << 30));
              }},
    ConfigKey{"log.level", "string", R"("info")", "",
              "debug, info, warn or error. Also settable at run time (log.level).",
              [](Config& c, const toml::node& n) {
                auto level = log::parse_level(as_string(n, 16));
                if (!level) {
                  throw ConfigValueError(level.error());
                }
                c.log.level = *level;
              }},
    ConfigKey{"log.target", "string", R"("auto")", "",
              "auto (journald when started by systemd, else stderr), stderr or journal.",
              [](Config& c, const toml::node& n) {
                auto target = log::parse_target(as_string(n, 16));
                if (!target) {
                  throw ConfigValueError(target.error());
                }
                c.log.target = *target;
              }},
    ConfigKey{
        "bookings.warn_beyond_days", "integer", "14", "days",
        "booking.add warns (does not refuse) when a visit is further ahead than this (R4: within two weeks).",
        [](Config& c, const toml::node& n) { c.bookings.warn_beyond_days = static_cast<int>(as_integer(n, 1, 365)); }},
    ConfigKey{"bookings.reopen_within_days", "integer", "14", "days",
              "client.add for a case closed less than this long ago reopens it; later needs a new case (R10).",
              [](Config& c, const toml::node& n) {
                c.bookings.reopen_within_days = static_cast<int>(as_integer(n, 0, 365));
              }},
    ConfigKey{
        "bookings.default_minutes", "integer", "60", "min", "Length of a visit when booking.add gives none.",
        [](Config& c, const toml::node& n) { c.bookings.default_minutes = static_cast<int>(as_integer(n, 5, 480)); }},
    ConfigKey{
        "retention.keep_days", "integer", "730", "days",
        "A client's records are purged this long after the last contact (R9: two years). Visits stay, "
        "anonymised, for counts.",
        [](Config& c, const toml::node& n) { c.retention.keep_days = static_cast<int>(as_integer(n, 30, 3650)); }},
    ConfigKey{"retention.run_hour", "integer", "3", "h", "Local hour of the daily retention run.",
              [](Config& c, const toml::node& n) { c.retention.run_hour = static_cast<int>(as_integer(n, 0, 23)); }},
    ConfigKey{
        "phone.hours", "table",
        R"({ tuesday = ["09:00-15:30"], wednesday = ["09:00-15:30"], thursday = ["09:00-15:30"], friday = ["09:00-15:30"] })",
        "local HH:MM-HH:MM", "Open phone hours per weekday (R6). Days not listed are closed.",
        [](Config& c, const toml::node& n) { config::apply_phone_hours(c.phone, n); }},
    ConfigKey{"phone.lunch", "string or list", R"("12:00-13:00")", "local HH:MM-HH:MM",
              "Closed break(s) of every day, cutting the open hours (R6 lunch). \"\" for none.",
              [](Config& c, const toml::node& n) { config::apply_phone_lunch(c.phone, n); }},
    ConfigKey{"phone.internal", "table", R"({ monday = ["15:00-16:30"] })", "local HH:MM-HH:MM",
              "Internal time per weekday: staff work voicemail and mail, no calls taken (R6 Monday).",
              [](Config& c, const toml::node& n) { config::apply_phone_internal(c.phone, n); }},
    ConfigKey{"phone.closed_eves", "list", R"(["midsummer_eve", "christmas_eve", "new_years_eve"])", "",
              "Eves that close the office (easter_eve, midsummer_eve, christmas_eve, new_years_eve). Swedish "
              "public holidays always close it.",
              [](Config& c, const toml::node& n) { config::apply_phone_closed_eves(c.phone, n); }},
    ConfigKey{"phone.closed_dates", "list of tables", "[]", "",
              "Extra closed days: [{ date = \"2026-12-28\", note = \"Personaldag\" }]. The note is published.",
              [](Config& c, const toml::node& n) { config::apply_phone_closed_dates(c.phone, n); }},
    ConfigKey{"phone.open_dates", "list of tables", "[]", "",
              "Extra open days, also on a holiday: [{ date = \"2026-12-23\", hours = [\"09:00-12:00\"] }]; "
              "without hours the weekday's.",
              [](Config& c, const toml::node& n) { config::apply_phone_open_dates(c.phone, n); }},
    ConfigKey{"phone.roster", "list", "[]", "",
              "Staff ids (initials) who answer the phone (R7). When all are absent the phone is closed (no-staff). "
              "Empty: presence is not tracked.",
              [](Config& c, const toml::node& n) { config::apply_phone_roster(c.phone, n); }},
    ConfigKey{"phone.state_file", "path", R"("")", "",
              "JSON file with the phone state, atomically replaced on every change. Empty: not written.",
              [](Config& c, const toml::node& n) { c.phone.state_file = as_string(n, 512); }},
    ConfigKey{"phone.status_file", "path", R"("")", "",
              "File holding one word, open, closed or internal, for a PBX dialplan; atomically replaced. Empty: "
              "not written.",
              [](Config& c, const toml::node& n) { c.phone.status_file = as_string(n, 512); }},
    ConfigKey{"phone.webhook_url", "string", R"("")", "",
              "http(s) URL that receives the JSON state by POST on every change, retried until it gets through "
              "(the latest state wins). Empty: none.",
              [](Config& c, const toml::node& n) {
                auto url = as_string(n, 1024);
                if (!url.empty() && !url.starts_with("http://") && !url.starts_with("https://")) {
                  throw ConfigValueError("must start with http:// or https://");
                }
                c.phone.webhook_url = std::move(url);
              }},
    ConfigKey{"phone.webhook_retry_max", "integer", "300", "s",
              "Longest wait between two attempts of a failing webhook (the wait doubles from 5 s up to this).",
              [](Config& c, const toml::node& n) { c.phone.webhook_retry_max = as_seconds(n, 5, 86400); }},
    ConfigKey{"metrics.textfile", "path", R"("")", "",
              "Prometheus textfile written atomically every metrics.textfile_interval for the node exporter's "
              "textfile collector (e.g. /var/lib/prometheus/node-exporter/paminna.prom). Absolute, ending in .prom. "
              "Empty: not written (paminnactl metrics works anyway).",
              [](Config& c, const toml::node& n) {
                const auto text = as_string(n, 512);
                if (!text.empty()) {
                  const std::filesystem::path path(text);
                  if (!path.is_absolute()) {
                    throw ConfigValueError("must be an absolute path");
                  }
                  // The node exporter's textfile collector reads only *.prom files.
                  if (path.extension() != ".prom") {
                    throw ConfigValueError("must end in .prom (the node exporter reads only those)");
                  }
                }
                c.metrics.textfile = text;
              }},
    ConfigKey{"metrics.textfile_interval", "integer", "60", "s", "How often metrics.textfile is rewritten.",
              [](Config& c, const toml::node& n) { c.metrics.textfile_interval = as_seconds(n, 10, 3600); }},
};

}  // namespace

std::span<const ConfigKey> config_keys() {
  // Each area declares its keys in its own file; one table results.
  static const std::vector<ConfigKey> all = [] {
    std::vector<ConfigKey> keys(kKeys.begin(), kKeys.end());
    const auto sms = sms_config_keys();
    keys.insert(keys.end(), sms.begin(), sms.end());
    const auto callbacks = callback_config_keys();
    keys.insert(keys.end(), callbacks.begin(), callbacks.end());
    const auto reminders = reminder_config_keys();
    keys.insert(keys.end(), reminders.begin(), reminders.end());
    return keys;
  }();
  return all;
}

std::vector<std::string> check_config(Config& config) {
  config.warnings.clear();
  auto problems = config::check_phone_config(config.phone);
  for (auto& problem : check_sms_config(config)) {
    problems.push_back(std::move(problem));
  }
  return problems;
}

}  // namespace paminna
