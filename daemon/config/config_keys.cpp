#include "config/config_keys.h"

#include <grp.h>

#include <array>
#include <toml++/toml.h>

#include "config/config_values.h"
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
                auto group = as_string(n, 64);
                if (!group.empty() && getgrnam(group.c_str()) == nullptr) {  // NOLINT(concurrency-mt-unsafe): start-up
                  throw ConfigValueError("names a group that does not exist: '" + group + "'");
                }
                c.daemon.socket_group = std::move(group);
              }},
    ConfigKey{"daemon.busy_timeout_ms", "integer", "5000", "ms",
              "How long a database write waits for another process's lock before failing.",
              [](Config& c, const toml::node& n) {
                c.daemon.busy_timeout_ms = static_cast<int>(as_integer(n, 0, 600000));
              }},
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
    ConfigKey{"control.idle_timeout", "integer", "60", "s",
              "A connection that sends nothing for this long is closed.",
              [](Config& c, const toml::node& n) { c.control.idle_timeout = as_seconds(n, 1, 86400); }},
    ConfigKey{"control.max_output_bytes", "integer", "16777216", "bytes",
              "Replies queued for a client that does not read; past this the connection is closed.",
              [](Config& c, const toml::node& n) {
                c.control.max_output_bytes = static_cast<std::size_t>(as_integer(n, 65536, 1 << 30));
              }},
    ConfigKey{"log.level", "string", R"("info")", "", "debug, info, warn or error. Also settable at run time (log.level).",
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
};

}  // namespace

std::span<const ConfigKey> config_keys() { return kKeys; }

}  // namespace paminna
