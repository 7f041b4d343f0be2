#include "sms/classify.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

#include <nlohmann/json.hpp>

namespace paminna::sms {
namespace {

constexpr Duration max_retry_after = std::chrono::hours{24};
constexpr std::size_t max_reason_bytes = 200;
constexpr int min_digits_of_a_number = 6;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::string with_reason(std::string head, std::string_view provider_reason) {
  std::string cleaned = clean_reason(provider_reason);
  if (!cleaned.empty()) {
    head += ": ";
    head += cleaned;
  }
  return head;
}

std::string http_status(const http::HttpResponse& response) {
  return "HTTP " + std::to_string(response.status);
}

std::optional<int> to_int(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<unsigned> month_number(std::string_view name) {
  static constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < months.size(); ++i) {
    if (months[i] == name) {
      return static_cast<unsigned>(i + 1);
    }
  }
  return std::nullopt;
}

// The three forms of HTTP-date (RFC 9110 §5.6.7), all in GMT.
std::optional<Instant> parse_http_date(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t start = std::string_view::npos;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const bool separator = i == text.size() || text[i] == ' ' || text[i] == ',' || text[i] == '-';
    if (!separator && start == std::string_view::npos) {
      start = i;
    } else if (separator && start != std::string_view::npos) {
      tokens.push_back(text.substr(start, i - start));
      start = std::string_view::npos;
    }
  }
  std::string_view day_text;
  std::string_view month_text;
  std::string_view year_text;
  std::string_view clock_text;
  if (tokens.size() == 6 && tokens[5] == "GMT") {  // IMF-fixdate or RFC 850
    day_text = tokens[1];
    month_text = tokens[2];
    year_text = tokens[3];
    clock_text = tokens[4];
  } else if (tokens.size() == 5) {  // asctime: Sun Nov  6 08:49:37 1994
    month_text = tokens[1];
    day_text = tokens[2];
    clock_text = tokens[3];
    year_text = tokens[4];
  } else {
    return std::nullopt;
  }
  const auto day = to_int(day_text);
  const auto month = month_number(month_text);
  auto year = to_int(year_text);
  if (!day || !month || !year || clock_text.size() != 8 || clock_text[2] != ':' || clock_text[5] != ':') {
    return std::nullopt;
  }
  if (year_text.size() == 2) {
    *year += *year < 70 ? 2000 : 1900;  // RFC 850's two-digit year
  }
  const auto hours = to_int(clock_text.substr(0, 2));
  const auto minutes = to_int(clock_text.substr(3, 2));
  const auto seconds = to_int(clock_text.substr(6, 2));
  if (!hours || !minutes || !seconds || *hours > 23 || *minutes > 59 || *seconds > 60 || *day < 1) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{*month},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  return Instant{std::chrono::sys_days{date}} + std::chrono::hours{*hours} + std::chrono::minutes{*minutes} +
         std::chrono::seconds{*seconds};
}

// Replaces every run that reads like a phone number (optional '+' or '(',
// digits with spaces, dashes or parentheses between them, at least six
// digits) by "<number>".
std::string mask_numbers(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const bool starts =
        is_digit(text[i]) || ((text[i] == '+' || text[i] == '(') && i + 1 < text.size() && is_digit(text[i + 1]));
    if (!starts) {
      out.push_back(text[i]);
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    std::size_t last_digit_end = is_digit(text[i]) ? i + 1 : i;
    int digits = is_digit(text[i]) ? 1 : 0;
    while (end < text.size()) {
      const char c = text[end];
      if (is_digit(c)) {
        ++digits;
        last_digit_end = end + 1;
      } else if (c != ' ' && c != '-' && c != '(' && c != ')') {
        break;
      }
      ++end;
    }
    if (digits >= min_digits_of_a_number) {
      out += "<number>";
      if (last_digit_end < text.size() && text[last_digit_end] == ')') {
        ++last_digit_end;
      }
    } else {
      out.append(text.substr(i, last_digit_end - i));
    }
    i = std::max(last_digit_end, i + 1);
  }
  return out;
}

}  // namespace

SendOutcome classify_failure(const http::HttpFailure& failure) {
  switch (failure.kind) {
    case http::FailureKind::before_send:
      return RetryLater{Duration{0}, with_reason("not sent", failure.message)};
    case http::FailureKind::after_send:
      return OutcomeUnknown{with_reason("no answer after the request was sent", failure.message)};
    case http::FailureKind::other:
      break;
  }
  return GatewayUnavailable{with_reason("cannot send", failure.message)};
}

RetryLater throttled(const http::HttpResponse& response, std::string_view provider_reason, Instant now) {
  Duration delay{0};
  if (const auto header = response.header("retry-after")) {
    delay = parse_retry_after(*header, now).value_or(Duration{0});
  }
  return RetryLater{delay, with_reason(http_status(response), provider_reason)};
}

OutcomeUnknown unparseable_success(const http::HttpResponse& response) {
  return OutcomeUnknown{http_status(response) + " without a message id in the answer"};
}

SendOutcome classify_status(const http::HttpResponse& response, std::string_view provider_reason, Instant now) {
  const int status = response.status;
  const auto reason = [&] { return with_reason(http_status(response), provider_reason); };
  switch (status) {
    case 408:
    case 429:
    case 503:
      return throttled(response, provider_reason, now);
    case 401:
    case 402:
    case 403:
      return GatewayUnavailable{reason()};
    case 404:
    case 405:
      return GatewayUnavailable{with_reason(http_status(response) + " (check the gateway's URL)", provider_reason)};
    default:
      break;
  }
  if (status >= 300 && status < 400) {
    return GatewayUnavailable{http_status(response) + " redirect (check the gateway's URL)"};
  }
  if (status >= 400 && status < 500) {
    return RejectedPermanently{reason()};
  }
  return OutcomeUnknown{reason()};  // 5xx, an unexpected 2xx, anything else
}

std::optional<Duration> parse_retry_after(std::string_view value, Instant now) {
  value = trim(value);
  if (value.empty()) {
    return std::nullopt;
  }
  if (std::all_of(value.begin(), value.end(), is_digit)) {
    if (value.size() > 6) {
      return max_retry_after;  // also avoids overflow
    }
    return std::min(Duration{*to_int(value)}, max_retry_after);
  }
  const auto when = parse_http_date(value);
  if (!when) {
    return std::nullopt;
  }
  return std::clamp(std::chrono::duration_cast<Duration>(*when - now), Duration{0}, max_retry_after);
}

std::string clean_reason(std::string_view raw) {
  const std::string_view trimmed = trim(raw);
  if (trimmed.starts_with('<')) {
    return {};  // an HTML or XML error page says nothing a person can use
  }
  // Blanks and control characters are collapsed before numbers are masked:
  // digits separated by tabs, line breaks or NULs become digits separated by
  // spaces, which must read as the phone number they are (found by fuzz_gateway).
  std::string collapsed;
  collapsed.reserve(trimmed.size());
  bool blank = false;
  for (const char c : trimmed) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || c == ' ') {
      blank = !collapsed.empty();
      continue;
    }
    if (blank) {
      collapsed.push_back(' ');
      blank = false;
    }
    collapsed.push_back(c);
  }
  std::string out = mask_numbers(collapsed);
  if (out.size() > max_reason_bytes) {
    std::size_t cut = max_reason_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0U) == 0x80U) {
      --cut;  // do not split a UTF-8 sequence
    }
    out.resize(cut);
    out += "...";
  }
  return out;
}

std::string error_text(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return std::string{body};
  }
  const auto string_at = [&](const nlohmann::json& object, const char* key) -> std::optional<std::string> {
    const auto it = object.find(key);
    if (it != object.end() && it->is_string()) {
      return it->get<std::string>();
    }
    return std::nullopt;
  };
  for (const char* key : {"message", "error_message"}) {
    if (auto text = string_at(json, key)) {
      return *text;
    }
  }
  if (const auto error = json.find("error"); error != json.end() && error->is_object()) {
    if (auto text = string_at(*error, "message")) {
      return *text;
    }
  }
  for (const char* key : {"error", "detail", "description", "title"}) {
    if (auto text = string_at(json, key)) {
      return *text;
    }
  }
  return std::string{body};
}

}  // namespace paminna::sms
