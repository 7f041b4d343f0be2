#include "domain/sender_id.h"

#include <algorithm>

#include <fmt/format.h>

namespace paminna {

namespace {

constexpr std::size_t kMaxAlphanumeric = 11;
constexpr std::size_t kMinE164Digits = 7;
constexpr std::size_t kMaxE164Digits = 15;

bool is_ascii_letter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

// The whole UTF-8 sequence starting at `i`, so the message shows "ö", not half of it.
std::string_view character_at(std::string_view text, std::size_t i) {
  std::size_t end = i + 1;
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) {
    ++end;
  }
  return text.substr(i, end - i);
}

std::string describe(char c, std::string_view character) {
  if (c == ' ') {
    return "a space";
  }
  return fmt::format("'{}'", character);
}

tl::expected<SenderId, std::string> parse_e164(std::string_view text) {
  const std::string_view digits = text.substr(1);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (!is_ascii_digit(digits[i])) {
      return tl::unexpected(
          fmt::format("sender id '{}' starts with '+' but contains {}; a phone number is '+' and digits only", text,
                      describe(digits[i], character_at(digits, i))));
    }
  }
  if (digits.size() < kMinE164Digits || digits.size() > kMaxE164Digits) {
    return tl::unexpected(fmt::format("sender id '{}' has {} digits; a phone number in E.164 has {} to {}", text,
                                      digits.size(), kMinE164Digits, kMaxE164Digits));
  }
  if (digits.front() == '0') {
    return tl::unexpected(
        fmt::format("sender id '{}' has no country code; write the number as +46… without the leading 0", text));
  }
  return SenderId{std::string(text), SenderIdKind::phone_number};
}

}  // namespace

tl::expected<SenderId, std::string> parse_sender_id(std::string_view text) {
  if (text.empty()) {
    return tl::unexpected(std::string("sender id is empty"));
  }
  if (text.front() == '+') {
    return parse_e164(text);
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_ascii_letter(text[i]) && !is_ascii_digit(text[i])) {
      return tl::unexpected(fmt::format("sender id '{}' contains {}; only A-Z, a-z and 0-9 are allowed", text,
                                        describe(text[i], character_at(text, i))));
    }
  }
  if (text.size() > kMaxAlphanumeric) {
    return tl::unexpected(
        fmt::format("sender id '{}' has {} characters; at most {} are allowed", text, text.size(), kMaxAlphanumeric));
  }
  if (std::none_of(text.begin(), text.end(), is_ascii_letter)) {
    return tl::unexpected(fmt::format(
        "sender id '{}' has no letter; an alphanumeric id needs one (a phone number is written +46…)", text));
  }
  return SenderId{std::string(text), SenderIdKind::alphanumeric};
}

}  // namespace paminna
