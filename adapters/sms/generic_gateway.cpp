#include "sms/generic_gateway.h"

#include <array>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "http/form.h"
#include "sms/classify.h"

namespace paminna::sms {
namespace {

enum class Escape { none, url, json, form };

constexpr std::array<std::string_view, 8> placeholder_names = {
    "to", "from", "text", "reference", "valid_until", "validity_seconds", "username", "password"};

using Values = std::map<std::string_view, std::string, std::less<>>;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || c == '_';
}

// Calls literal(text) and placeholder(name) for the pieces of a template, in order.
template <typename Literal, typename Placeholder>
void scan(std::string_view tmpl, Literal&& literal, Placeholder&& placeholder) {
  std::size_t i = 0;
  while (i < tmpl.size()) {
    const auto open = tmpl.find('{', i);
    if (open == std::string_view::npos) {
      literal(tmpl.substr(i));
      return;
    }
    std::size_t end = open + 1;
    while (end < tmpl.size() && is_name_char(tmpl[end])) {
      ++end;
    }
    if (end > open + 1 && end < tmpl.size() && tmpl[end] == '}') {
      literal(tmpl.substr(i, open - i));
      placeholder(tmpl.substr(open + 1, end - open - 1));
      i = end + 1;
    } else {
      literal(tmpl.substr(i, open + 1 - i));
      i = open + 1;
    }
  }
}

std::optional<std::string> unknown_placeholder(std::string_view tmpl) {
  std::optional<std::string> unknown;
  scan(
      tmpl, [](std::string_view) {},
      [&](std::string_view name) {
        if (!unknown &&
            std::find(placeholder_names.begin(), placeholder_names.end(), name) == placeholder_names.end()) {
          unknown = std::string{name};
        }
      });
  return unknown;
}

std::string json_string_content(const std::string& value) {
  // Invalid UTF-8 becomes U+FFFD rather than an exception.
  std::string quoted = nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

std::string render(std::string_view tmpl, const Values& values, Escape escape) {
  std::string out;
  scan(
      tmpl, [&](std::string_view text) { out += text; },
      [&](std::string_view name) {
        const auto it = values.find(name);
        const std::string value = it == values.end() ? std::string{} : it->second;
        switch (escape) {
          case Escape::none:
            out += value;
            break;
          case Escape::url:
          case Escape::form:
            out += http::percent_encode(value);
            break;
          case Escape::json:
            out += json_string_content(value);
            break;
        }
      });
  return out;
}

std::string rfc3339(Instant t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{t - day};
  std::array<char, 32> buffer{};
  const int written = std::snprintf(
      buffer.data(), buffer.size(), "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
      static_cast<int>(clock.minutes().count()), static_cast<int>(clock.seconds().count()));
  if (written < 0) {
    return {};
  }
  return buffer.data();
}

Values values_for(const SmsRequest& request, const Credentials& credentials, std::optional<Duration> validity) {
  Values values{{"to", request.to_e164},
                {"from", request.sender},
                {"text", request.text},
                {"reference", request.client_reference},
                {"username", credentials.username},
                {"password", credentials.password}};
  if (request.valid_until && validity) {
    values.emplace("valid_until", rfc3339(*request.valid_until));
    values.emplace("validity_seconds", std::to_string(validity->count()));
  }
  return values;
}

bool in(const std::vector<StatusRange>& ranges, int status) {
  return std::any_of(ranges.begin(), ranges.end(), [status](const StatusRange& r) { return r.contains(status); });
}

std::optional<std::string> check_ranges(const std::vector<StatusRange>& ranges, const std::string& key) {
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (ranges[i].first < 100 || ranges[i].last > 599 || ranges[i].first > ranges[i].last) {
      return key + "[" + std::to_string(i) + "]: a status range within 100..599, first <= last";
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_pointer(const std::string& pointer, const std::string& key) {
  if (pointer.empty()) {
    return std::nullopt;
  }
  try {
    const nlohmann::json::json_pointer parsed{pointer};
    (void)parsed;
  } catch (const nlohmann::json::exception&) {
    return key + ": not a JSON pointer (RFC 6901), e.g. \"/id\" or \"/messages/0/id\"";
  }
  return std::nullopt;
}

// A value of any JSON type at `pointer`, as text; nullopt if absent or not a scalar.
std::optional<std::string> scalar_at(const nlohmann::json& json, const std::string& pointer) {
  try {
    const nlohmann::json& value = json.at(nlohmann::json::json_pointer{pointer});
    if (value.is_string()) {
      return value.get<std::string>();
    }
    if (value.is_number_integer() || value.is_number_unsigned()) {
      return value.dump();
    }
  } catch (const nlohmann::json::exception&) {
    // absent: fall through
  }
  return std::nullopt;
}

}  // namespace

tl::expected<void, std::string> validate(const GenericConfig& config) {
  const auto fail = [](std::string message) { return tl::unexpected(std::move(message)); };
  if (config.name.empty()) {
    return fail("name: must not be empty");
  }
  if (auto unknown = unknown_placeholder(config.url)) {
    return fail("url: unknown placeholder {" + *unknown + "}");
  }
  if (!config.url.starts_with("https://") && !config.url.starts_with("http://")) {
    return fail("url: must start with https:// (or http:// for a local relay)");
  }
  for (std::size_t i = 0; i < config.headers.size(); ++i) {
    const auto& [name, value] = config.headers[i];
    const std::string key = "headers[" + std::to_string(i) + "]";
    if (name.empty() || name.find_first_of(":\r\n \t") != std::string::npos) {
      return fail(key + ": a header name without ':' or blanks");
    }
    if (value.find_first_of("\r\n") != std::string::npos) {
      return fail(key + ": a header value on one line");
    }
    if (auto unknown = unknown_placeholder(value)) {
      return fail(key + ": unknown placeholder {" + *unknown + "}");
    }
  }
  if (auto unknown = unknown_placeholder(config.body_template)) {
    return fail("body: unknown placeholder {" + *unknown + "}");
  }
  if (config.body_type == BodyType::none && !config.body_template.empty()) {
    return fail("body: given although the body type is none");
  }
  if (config.method == http::Method::get && config.body_type != BodyType::none) {
    return fail("body: a GET request has no body (body type none)");
  }
  if (config.body_type == BodyType::json) {
    // Filled with awkward sample values, with and without a validity, the
    // body must be JSON: catches unquoted placeholders and broken templates.
    SmsRequest sample{"+46700000000", "Sender", "a \"quoted\"\ntext & = \xc3\xa5", "ref-1", std::nullopt};
    const Credentials credentials{"user", "pass\"word"};
    for (const bool with_validity : {false, true}) {
      if (with_validity) {
        sample.valid_until = Instant{std::chrono::seconds{1700000000}};
      }
      const std::string body =
          render(config.body_template, values_for(sample, credentials, Duration{3600}), Escape::json);
      if (!nlohmann::json::accept(body)) {
        return fail(
            "body: not JSON once the placeholders are filled in (put every placeholder inside quotes: \"{text}\")");
      }
    }
  }
  const GenericResponseRule& rule = config.response;
  for (const auto& [ranges, key] :
       {std::pair{&rule.accepted, "response.accepted"}, std::pair{&rule.retry, "response.retry"},
        std::pair{&rule.rejected, "response.rejected"}, std::pair{&rule.unavailable, "response.unavailable"}}) {
    if (auto problem = check_ranges(*ranges, key)) {
      return fail(*problem);
    }
  }
  if (auto problem = check_pointer(rule.message_id_pointer, "response.message_id_pointer")) {
    return fail(*problem);
  }
  if (auto problem = check_pointer(rule.reason_pointer, "response.reason_pointer")) {
    return fail(*problem);
  }
  return {};
}

tl::expected<std::unique_ptr<GenericGateway>, std::string> GenericGateway::create(http::Transport& transport,
                                                                                  GenericConfig config) {
  if (auto valid = validate(config); !valid) {
    return tl::unexpected(config.name + ": " + valid.error());
  }
  return std::unique_ptr<GenericGateway>(new GenericGateway(transport, std::move(config)));
}

GenericGateway::GenericGateway(http::Transport& transport, GenericConfig config)
    : HttpGateway(transport, config.http), config_(std::move(config)) {}

tl::expected<http::HttpRequest, SendOutcome> GenericGateway::build(const SmsRequest& request, Instant now) const {
  std::optional<Duration> validity;
  if (request.valid_until) {
    validity = detail::remaining_validity(*request.valid_until, now);
    if (!validity) {
      return tl::unexpected(RejectedPermanently{"validity ended before sending"});
    }
  }
  const Values values = values_for(request, config_.credentials, validity);
  http::HttpRequest out;
  out.method = config_.method;
  out.url = render(config_.url, values, Escape::url);
  bool has_content_type = false;
  for (const auto& [name, value] : config_.headers) {
    has_content_type = has_content_type || name == "Content-Type" || name == "content-type";
    out.headers.emplace_back(name, render(value, values, Escape::none));
  }
  switch (config_.body_type) {
    case BodyType::json:
      out.body = render(config_.body_template, values, Escape::json);
      if (!has_content_type) {
        out.headers.emplace_back("Content-Type", "application/json");
      }
      break;
    case BodyType::form:
      out.body = render(config_.body_template, values, Escape::form);
      if (!has_content_type) {
        out.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
      }
      break;
    case BodyType::none:
      break;
  }
  if (config_.basic_auth) {
    out.basic_auth = http::BasicAuth{config_.credentials.username, config_.credentials.password};
  }
  return out;
}

SendOutcome GenericGateway::interpret(const http::HttpResult& result, Instant now) const {
  if (!result) {
    return classify_failure(result.error());
  }
  const http::HttpResponse& response = *result;
  const GenericResponseRule& rule = config_.response;
  const auto json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (in(rule.accepted, response.status)) {
    if (rule.message_id_pointer.empty()) {
      return Accepted{};
    }
    if (!json.is_discarded()) {
      if (auto id = scalar_at(json, rule.message_id_pointer); id && !id->empty()) {
        return Accepted{std::move(*id)};
      }
    }
    return unparseable_success(response);
  }
  std::string reason;
  if (!rule.reason_pointer.empty() && !json.is_discarded()) {
    reason = scalar_at(json, rule.reason_pointer).value_or(std::string{});
  } else {
    reason = error_text(response.body);
  }
  const std::string head = "HTTP " + std::to_string(response.status);
  const auto with = [&](const std::string& prefix) {
    std::string cleaned = clean_reason(reason);
    return cleaned.empty() ? prefix : prefix + ": " + cleaned;
  };
  if (in(rule.retry, response.status)) {
    return throttled(response, reason, now);
  }
  if (in(rule.rejected, response.status)) {
    return RejectedPermanently{with(head)};
  }
  if (in(rule.unavailable, response.status)) {
    return GatewayUnavailable{with(head)};
  }
  return classify_status(response, reason, now);
}

}  // namespace paminna::sms
