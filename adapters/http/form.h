// application/x-www-form-urlencoded bodies and percent-encoding (RFC 3986).
// Pure; UTF-8 text is encoded byte by byte, so Arabic or emoji survive intact.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paminna::http {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// Every byte except the unreserved A-Z a-z 0-9 - . _ ~ becomes %XX (upper-case
// hex); a space becomes %20, which every form decoder accepts.
[[nodiscard]] std::string percent_encode(std::string_view text);
// "name=value&name=value" in the given order.
[[nodiscard]] std::string form_encode(const FormFields& fields);

}  // namespace paminna::http
