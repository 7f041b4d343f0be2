// Reading what a gateway was sent: application/x-www-form-urlencoded bodies
// as 46elks and Twilio receive them.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace paminna::test {

// "%C3%A5+x" → "å x" (no validation: the bodies come from our own encoder).
inline std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string{text.substr(i + 1, 2)}, nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// name → value, decoded (the last one wins).
inline std::map<std::string, std::string> decode_form(std::string_view body) {
  std::map<std::string, std::string> fields;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    const auto eq = pair.find('=');
    fields[percent_decode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1));
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
  }
  return fields;
}

// One decoded field, empty when absent.
inline std::string form_value(std::string_view body, const std::string& name) {
  const auto fields = decode_form(body);
  const auto it = fields.find(name);
  return it == fields.end() ? std::string{} : it->second;
}

}  // namespace paminna::test
