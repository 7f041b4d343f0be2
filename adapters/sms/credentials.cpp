#include "sms/credentials.h"

#include <cerrno>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

namespace paminna::sms {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

}  // namespace

tl::expected<Credentials, std::string> parse_credentials(std::string_view content, std::string_view origin) {
  const std::string where{origin};
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<std::string_view> pair_line;
  std::size_t pair_line_number = 0;
  std::size_t meaningful = 0;
  std::size_t number = 0;
  while (!content.empty()) {
    const auto eol = content.find('\n');
    const std::string_view raw = content.substr(0, eol);
    content = eol == std::string_view::npos ? std::string_view{} : content.substr(eol + 1);
    ++number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    ++meaningful;
    const auto eq = line.find('=');
    const std::string_view key = eq == std::string_view::npos ? std::string_view{} : trim(line.substr(0, eq));
    if (key == "username" || key == "password") {
      auto& slot = key == "username" ? username : password;
      if (slot) {
        return tl::unexpected(where + ": line " + std::to_string(number) + ": " + std::string{key} + " given twice");
      }
      slot = std::string{trim(line.substr(eq + 1))};
      continue;
    }
    if (line.find(':') != std::string_view::npos && !pair_line) {
      pair_line = line;
      pair_line_number = number;
      continue;
    }
    return tl::unexpected(where + ": line " + std::to_string(number) +
                          ": expected username=..., password=... or a single user:password line");
  }
  if (pair_line) {
    if (meaningful != 1) {
      return tl::unexpected(where + ": line " + std::to_string(pair_line_number) +
                            ": a user:password line must be the only line");
    }
    const auto colon = pair_line->find(':');
    username = std::string{trim(pair_line->substr(0, colon))};
    password = std::string{trim(pair_line->substr(colon + 1))};
  }
  if (!username || username->empty()) {
    return tl::unexpected(where + ": no username");
  }
  if (!password || password->empty()) {
    return tl::unexpected(where + ": no password");
  }
  return Credentials{std::move(*username), std::move(*password)};
}

tl::expected<Credentials, std::string> load_credentials_file(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    const std::error_code error{errno, std::generic_category()};
    return tl::unexpected(path.string() + ": cannot read: " + error.message());
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return tl::unexpected(path.string() + ": cannot read");
  }
  return parse_credentials(content.str(), path.string());
}

}  // namespace paminna::sms
