// Gateway credentials come from a file (a root-owned 0600 file or a systemd
// credential, $CREDENTIALS_DIRECTORY/<name>), never from the TOML config.
//
// Accepted formats (blank lines and lines starting with '#' are ignored):
//     username=ACxxxxxxxx            # or the API user; the value runs to the end of the line
//     password=secret=with=equals
// or a single line
//     user:password                  # split at the first ':'
// Leading and trailing whitespace (and a CR) around keys and values is dropped.
//
// Error messages name the file and the line number, never its content.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace paminna::sms {

struct Credentials {
  std::string username;
  std::string password;
};

[[nodiscard]] tl::expected<Credentials, std::string> load_credentials_file(const std::filesystem::path& path);
// The same, on the file's content; `origin` names it in errors.
[[nodiscard]] tl::expected<Credentials, std::string> parse_credentials(std::string_view content,
                                                                       std::string_view origin);

}  // namespace paminna::sms
