// Asterisk voicemail message files (INBOX/msgNNNN.txt): a pure parser.
//
// The file is an INI-like text with a [message] section of key=value lines;
// we read callerid ("Name" <0701234567>, a bare number, or Unknown/Anonymous
// for a withheld number), origtime (UNIX seconds) and msg_id (unique per
// message; the file name is not: Asterisk renumbers files when gaps appear).
// Contract: pure; malformed or partial input is an error value saying what is
// wrong without repeating the caller's number or name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "domain/time.h"

namespace paminna::voicemail {

struct AsteriskMessage {
  std::string msg_id;
  Instant origtime{};
  std::optional<std::string> number;  // as Asterisk wrote it (not normalised); nullopt: withheld
  std::optional<std::string> origmailbox;
};

// Errors: "partial" (the last line is not finished: the file is still being
// written), "no [message] section", "missing msg_id", "missing origtime",
// "bad origtime", "missing callerid", "too large".
tl::expected<AsteriskMessage, std::string> parse_asterisk_message(std::string_view text);

// True for "msg0000.txt" … "msg9999.txt": the only names registered. Asterisk
// writes under other names (tmp folders, .lock files) and renames into place.
bool is_message_file_name(std::string_view name);

}  // namespace paminna::voicemail
