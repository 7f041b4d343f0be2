// [sms]: the gateway, the sender, and the texts.
#include <fmt/format.h>

#include <toml++/toml.h>
#include <array>
#include <fstream>
#include <sstream>

#include "config/config_keys.h"
#include "config/config_values.h"
#include "domain/sender_id.h"
#include "domain/sms_encoding.h"

namespace paminna {

std::string SmsConfig::place(Language language, const std::string& kind) const {
  if (const auto it = places.find({language, kind}); it != places.end()) {
    return it->second;
  }
  return kind;
}

namespace {

using config::as_boolean;
using config::as_integer;
using config::as_string;

double as_number(const toml::node& node, double min, double max) {
  double value = 0;
  if (const auto* f = node.as_floating_point()) {
    value = f->get();
  } else if (const auto* i = node.as_integer()) {
    value = static_cast<double>(i->get());
  } else {
    throw ConfigValueError("must be a number");
  }
  if (value < min || value > max) {
    throw ConfigValueError(fmt::format("must be between {} and {}", min, max));
  }
  return value;
}

const toml::table& as_table(const toml::node& node) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    throw ConfigValueError("must be a table");
  }
  return *table;
}

std::vector<sms::StatusRange> as_ranges(const toml::node& node, const std::string& key) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    throw ConfigValueError(key + ": must be an array of statuses or [first, last] pairs");
  }
  std::vector<sms::StatusRange> ranges;
  for (const auto& item : *array) {
    if (const auto* pair = item.as_array(); pair != nullptr && pair->size() == 2) {
      ranges.push_back({static_cast<int>(as_integer(*pair->get(0), 100, 599)),
                        static_cast<int>(as_integer(*pair->get(1), 100, 599))});
    } else {
      const auto status = static_cast<int>(as_integer(item, 100, 599));
      ranges.push_back({status, status});
    }
  }
  return ranges;
}

sms::GenericConfig parse_generic(const toml::table& table) {
  sms::GenericConfig generic;
  for (const auto& [key, value] : table) {
    const std::string name(key.str());
    if (name == "name") {
      generic.name = as_string(value, 40);
    } else if (name == "method") {
      const auto method = as_string(value, 8);
      if (method == "POST") {
        generic.method = http::Method::post;
      } else if (method == "PUT") {
        generic.method = http::Method::put;
      } else if (method == "GET") {
        generic.method = http::Method::get;
      } else {
        throw ConfigValueError("method: must be POST, PUT or GET");
      }
    } else if (name == "url") {
      generic.url = as_string(value, 2000);
    } else if (name == "headers") {
      for (const auto& [header, header_value] : as_table(value)) {
        generic.headers.emplace_back(std::string(header.str()), as_string(header_value, 2000));
      }
    } else if (name == "body_type") {
      const auto type = as_string(value, 8);
      if (type == "json") {
        generic.body_type = sms::BodyType::json;
      } else if (type == "form") {
        generic.body_type = sms::BodyType::form;
      } else if (type == "none") {
        generic.body_type = sms::BodyType::none;
      } else {
        throw ConfigValueError("body_type: must be json, form or none");
      }
    } else if (name == "body") {
      generic.body_template = as_string(value, 8000);
    } else if (name == "basic_auth") {
      generic.basic_auth = as_boolean(value);
    } else if (name == "accepted") {
      generic.response.accepted = as_ranges(value, name);
    } else if (name == "retry") {
      generic.response.retry = as_ranges(value, name);
    } else if (name == "rejected") {
      generic.response.rejected = as_ranges(value, name);
    } else if (name == "unavailable") {
      generic.response.unavailable = as_ranges(value, name);
    } else if (name == "message_id_pointer") {
      generic.response.message_id_pointer = as_string(value, 200);
    } else if (name == "reason_pointer") {
      generic.response.reason_pointer = as_string(value, 200);
    } else {
      throw ConfigValueError("unknown key '" + name + "' in [sms.generic]");
    }
  }
  if (auto valid = sms::validate(generic); !valid) {
    throw ConfigValueError(valid.error());
  }
  return generic;
}

tl::expected<std::string, std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return tl::unexpected(fmt::format("cannot read {}", path.string()));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void load_templates(Config& c, const std::filesystem::path& folder) {
  auto set = folder.empty()
                 ? TemplateSet::parse([](Language l, TextKind k) -> tl::expected<std::string, std::string> {
                     return std::string(builtin_template_text(l, k));
                   })
                 : TemplateSet::parse([&](Language l, TextKind k) {
                     return read_text(folder / std::string(to_string(l)) / (std::string(to_string(k)) + ".txt"));
                   });
  if (!set) {
    throw ConfigValueError(set.error());
  }
  c.sms.templates = std::make_shared<const TemplateSet>(std::move(*set));
}

// NOLINTNEXTLINE(cert-err58-cpp): built from literals before main; a failed allocation there can only end the program
const std::array kSmsKeys{
    ConfigKey{"sms.gateway", "string", R"("console")", "",
              "console (development: writes to sms.console_outbox), 46elks, twilio or generic.",
              [](Config& c, const toml::node& n) {
                auto gateway = as_string(n, 16);
                if (gateway != "console" && gateway != "46elks" && gateway != "twilio" && gateway != "generic") {
                  throw ConfigValueError("must be one of console, 46elks, twilio, generic");
                }
                c.sms.gateway = std::move(gateway);
              }},
    ConfigKey{"sms.sender", "string", R"("Tidbokning")", "",
              "Sender shown on the phone: at most 11 letters/digits, or a number. Keep it neutral (no agency name).",
              [](Config& c, const toml::node& n) {
                auto sender = parse_sender_id(as_string(n, 20));
                if (!sender) {
                  throw ConfigValueError(sender.error());
                }
                c.sms.sender = sender->text;
              }},
    ConfigKey{"sms.credentials", "string", R"("")", "",
              "Gateway credentials: a file path, or a name in $CREDENTIALS_DIRECTORY (systemd LoadCredential=). "
              "Never the secret itself.",
              [](Config& c, const toml::node& n) { c.sms.credentials = as_string(n, 500); }},
    ConfigKey{"sms.base_url", "string", R"("")", "", "Provider API base URL; empty: the provider's own.",
              [](Config& c, const toml::node& n) {
                auto url = as_string(n, 500);
                if (!url.empty() && !url.starts_with("https://") && !url.starts_with("http://")) {
                  throw ConfigValueError("must start with https:// (or http:// for a local test gateway)");
                }
                c.sms.base_url = std::move(url);
              }},
    ConfigKey{"sms.connect_timeout_ms", "integer", "5000", "ms", "TCP and TLS handshake timeout.",
              [](Config& c, const toml::node& n) {
                c.sms.connect_timeout = std::chrono::milliseconds(as_integer(n, 100, 60000));
              }},
    ConfigKey{
        "sms.timeout_ms", "integer", "15000", "ms",
        "Whole-request timeout; a timeout after sending is an unknown outcome.",
        [](Config& c, const toml::node& n) { c.sms.timeout = std::chrono::milliseconds(as_integer(n, 100, 300000)); }},
    ConfigKey{
        "sms.max_in_flight", "integer", "4", "", "Requests to the gateway at once.",
        [](Config& c, const toml::node& n) { c.sms.max_in_flight = static_cast<std::size_t>(as_integer(n, 1, 256)); }},
    ConfigKey{"sms.rate_per_second", "number", "5", "1/s", "Token-bucket rate towards the gateway; 0: unlimited.",
              [](Config& c, const toml::node& n) { c.sms.rate_per_second = as_number(n, 0, 10000); }},
    ConfigKey{"sms.burst", "number", "5", "", "Requests that may start back to back.",
              [](Config& c, const toml::node& n) { c.sms.burst = as_number(n, 1, 10000); }},
    ConfigKey{"sms.ca_file", "path", R"("")", "", "PEM CA bundle for the gateway's TLS; empty: the system's.",
              [](Config& c, const toml::node& n) { c.sms.ca_file = as_string(n, 500); }},
    ConfigKey{"sms.console_outbox", "path", R"("paminna-local/sms-outbox.jsonl")", "",
              "Where the console gateway appends messages (owner-only).",
              [](Config& c, const toml::node& n) { c.sms.console_outbox = as_string(n, 500); }},
    ConfigKey{"sms.max_segments", "integer", "2", "",
              "A template rendering to more segments than this is reported at load.",
              [](Config& c, const toml::node& n) { c.sms.max_segments = static_cast<int>(as_integer(n, 1, 10)); }},
    ConfigKey{
        "sms.places", "table",
        R"({ sv = { office = "på mottagningen", phone = "per telefon", home = "hemma hos dig" }, en = { office = "at the office", phone = "by phone", home = "at your home" }, ar = { office = "في المكتب", phone = "عبر الهاتف", home = "في منزلك" } })",
        "", "How {place} reads per language and kind of visit (office, phone, home). Keep it discreet.",
        [](Config& c, const toml::node& n) {
          for (const auto& [language_key, kinds] : as_table(n)) {
            const auto language = parse_language(language_key.str());
            if (!language) {
              throw ConfigValueError(language.error());
            }
            for (const auto& [kind, text] : as_table(kinds)) {
              if (kind.str() != "office" && kind.str() != "phone" && kind.str() != "home") {
                throw ConfigValueError(fmt::format("unknown kind of visit '{}' (office, phone, home)", kind.str()));
              }
              c.sms.places[{*language, std::string(kind.str())}] = as_string(text, 120);
            }
          }
        }},
    ConfigKey{"sms.generic", "table", "{}", "",
              "The generic HTTP gateway (sms.gateway = \"generic\"): method, url, headers, body_type, body with "
              "{to} {from} {text} {reference} {username} {password}, basic_auth, accepted/retry/rejected/unavailable "
              "statuses, message_id_pointer, reason_pointer.",
              [](Config& c, const toml::node& n) {
                const auto& table = as_table(n);
                if (table.empty()) {
                  c.sms.generic.reset();
                  return;
                }
                c.sms.generic = parse_generic(table);
              }},
    // Last: checks the texts against the places, sender and office phone above.
    ConfigKey{"sms.templates", "path", R"("")", "",
              "Folder with sv/, en/, ar/ each holding reminder.txt, moved.txt, cancelled.txt; empty: the built-in "
              "texts (the same as config/templates). An unknown placeholder is an error.",
              [](Config& c, const toml::node& n) { load_templates(c, as_string(n, 500)); }},
};

}  // namespace

std::span<const ConfigKey> sms_config_keys() {
  return kSmsKeys;
}

std::vector<std::string> check_sms_config(Config& c) {
  std::vector<std::string> errors;
  // R12: every text tells the client to call or SMS the office.
  if (c.office.phone.empty()) {
    if (c.sms.gateway != "console") {
      errors.emplace_back(
          "office.phone is required with a real SMS gateway: every text tells the client which "
          "number to call or SMS (R12)");
    } else {
      c.warnings.emplace_back("office.phone is empty: texts will not say which number to call");
    }
  }
  if (c.sms.gateway == "generic" && !c.sms.generic) {
    errors.emplace_back("sms.gateway = \"generic\" needs an [sms.generic] table");
  }
  // A text that needs more segments than allowed costs more and may arrive in pieces.
  for (const auto language : TemplateSet::kLanguages) {
    for (const auto kind : TemplateSet::kKinds) {
      const auto example = render_example(c.sms.templates->get(language, kind), language,
                                          c.sms.place(language, "office"), c.office.phone);
      const auto length = measure_sms(example);
      if (length && static_cast<int>(length->segments) > c.sms.max_segments) {
        c.warnings.push_back(fmt::format("sms.templates: {}/{} renders to {} segments, more than sms.max_segments = {}",
                                         to_string(language), to_string(kind), length->segments, c.sms.max_segments));
      }
    }
  }
  return errors;
}

}  // namespace paminna
