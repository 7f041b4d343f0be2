#include "voicemail/asterisk_message.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace paminna::voicemail {

namespace {

constexpr std::size_t kMaxFile = 64 * 1024;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// callerid="Name" <0701234567> | <0701234567> | 0701234567 | "Unknown" <Unknown> | empty
std::optional<std::string> caller_number(std::string_view value) {
  auto number = trim(value);
  const auto open = number.rfind('<');
  const auto close = number.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    number = trim(number.substr(open + 1, close - open - 1));
  } else if (!number.empty() && number.front() == '"') {
    return std::nullopt;  // a name and no number
  }
  const auto word = lower(number);
  if (number.empty() || word == "unknown" || word == "anonymous" || word == "withheld" || word == "private" ||
      word == "restricted") {
    return std::nullopt;
  }
  if (!std::any_of(number.begin(), number.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  return std::string(number);
}

}  // namespace

bool is_message_file_name(std::string_view name) {
  if (name.size() != 11 || !name.starts_with("msg") || !name.ends_with(".txt")) {
    return false;
  }
  return std::all_of(name.begin() + 3, name.begin() + 7, [](char c) { return c >= '0' && c <= '9'; });
}

tl::expected<AsteriskMessage, std::string> parse_asterisk_message(std::string_view text) {
  if (text.size() > kMaxFile) {
    return tl::unexpected(std::string("too large"));
  }
  // Asterisk ends every line with LF; a file that does not is still being written.
  if (text.empty() || text.back() != '\n') {
    return tl::unexpected(std::string("partial"));
  }
  bool in_message = false;
  bool seen_section = false;
  std::optional<std::string> msg_id;
  std::optional<std::string> origtime;
  std::optional<std::string> callerid;
  std::optional<std::string> origmailbox;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    const auto line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty() || line.front() == ';' || line.front() == '#') {
      continue;
    }
    if (line.front() == '[') {
      in_message = line == "[message]";
      seen_section = seen_section || in_message;
      continue;
    }
    if (!in_message) {
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      return tl::unexpected(std::string("a line in [message] is not key=value"));
    }
    const auto key = trim(line.substr(0, eq));
    const auto value = std::string(trim(line.substr(eq + 1)));
    if (key == "msg_id") {
      msg_id = value;
    } else if (key == "origtime") {
      origtime = value;
    } else if (key == "callerid") {
      callerid = value;
    } else if (key == "origmailbox") {
      origmailbox = value;
    }
  }
  if (!seen_section) {
    return tl::unexpected(std::string("no [message] section"));
  }
  if (!msg_id || msg_id->empty()) {
    return tl::unexpected(std::string("missing msg_id"));
  }
  if (msg_id->size() > 64 || !std::all_of(msg_id->begin(), msg_id->end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
      })) {
    return tl::unexpected(std::string("bad msg_id"));
  }
  if (!origtime) {
    return tl::unexpected(std::string("missing origtime"));
  }
  std::int64_t seconds = 0;
  const auto* first = origtime->data();
  const auto* last = first + origtime->size();
  const auto [ptr, ec] = std::from_chars(first, last, seconds);
  if (ec != std::errc() || ptr != last || seconds <= 0) {
    return tl::unexpected(std::string("bad origtime"));
  }
  if (!callerid) {
    return tl::unexpected(std::string("missing callerid"));
  }
  AsteriskMessage message;
  message.msg_id = *msg_id;
  message.origtime = Instant{std::chrono::seconds{seconds}};
  message.number = caller_number(*callerid);
  if (origmailbox && !origmailbox->empty()) {
    message.origmailbox = origmailbox;
  }
  return message;
}

}  // namespace paminna::voicemail
