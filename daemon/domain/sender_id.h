// The SMS sender id: what the recipient's phone shows as "from".
//
// Either alphanumeric — 1 to 11 of A–Z a–z 0–9 with at least one letter
// (a digits-only id would be read as a phone number) — or a phone number in
// E.164, '+' and 7 to 15 digits, the first not 0. Spaces and letters outside
// A–Z (å, ö) are refused: some gateways and networks accept them, not all,
// and a refused sender id means no reminders at all. The id is neutral by
// policy (design.md, JO 494-2016); that is the operator's choice of word,
// not something checked here.
//
// Pure functions: safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace paminna {

enum class SenderIdKind { alphanumeric, phone_number };

struct SenderId {
  std::string text;  // exactly as validated, e.g. "Paminna" or "+46701234567"
  SenderIdKind kind = SenderIdKind::alphanumeric;
};

// The error is a sentence for the operator naming what is wrong, e.g.
// "sender id 'Stödcentrum' contains 'ö'; only A-Z, a-z and 0-9 are allowed".
tl::expected<SenderId, std::string> parse_sender_id(std::string_view text);

}  // namespace paminna
